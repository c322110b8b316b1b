import { TENANT_TAG_KEYS } from '../../model/tags';
import { ResourceRecord } from '../evidence';
import { Evidence } from '../model';
import { asList, referencedRecord } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev } from './helpers';

/** A set-valued attribute as plain strings (sets are lists in state and in configuration). */
function stringSet(v: unknown): string[] {
  return asList<unknown>(v).filter((x): x is string => typeof x === 'string').sort();
}

function sameSet(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  const x = [...a].map((s) => s.toLowerCase()).sort();
  const y = [...b].map((s) => s.toLowerCase()).sort();
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

/**
 * Cost per tenant is measurable: TenantId and Tier are active cost allocation tags, and the
 * tenant's budget (when its manifest has one) counts what the profile says (its linked
 * account, or its tag in the platform account) with the agreed limit and alerts.
 */
export const costAllocation: AuditRule = {
  id: 'cost-allocation',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['organization', 'account', 'tenant'], resourceTypes: ['aws_ce_cost_allocation_tag', 'aws_budgets_budget'] },
  check(ctx) {
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const tags = ctx.records('organization', 'aws_ce_cost_allocation_tag');
    for (const key of TENANT_TAG_KEYS) {
      const tag = tags.find((t) => t.values.tag_key === key);
      if (!tag) problems.push(`tag ${key} is not a cost allocation tag`);
      else {
        evidence.push(ev(tag, 'status'));
        if (tag.values.status !== 'Active') problems.push(`cost allocation tag ${key} is ${String(tag.values.status)}, not Active`);
      }
    }
    const agreed = ctx.profile.budget;
    if (!agreed) return verdict(problems, `cost allocation tags ${TENANT_TAG_KEYS.join(', ')} active; the manifest sets no budget`, evidence);

    const stack = ctx.stack(agreed.stack);
    const budget: ResourceRecord | undefined = byName(ctx, agreed.stack, 'aws_budgets_budget', agreed.name);
    if (!budget) return fail([...problems, `budget ${agreed.name} is not in the ${stack.stack} stack`].join('; '), evidence);
    evidence.push(ev(budget, 'limit_amount'), ev(budget, 'cost_filter'), ev(budget, 'notification'));
    if (Number(budget.values.limit_amount) !== agreed.limitUsd || budget.values.limit_unit !== 'USD') problems.push(`limit is ${String(budget.values.limit_amount)} ${String(budget.values.limit_unit)}, agreed ${agreed.limitUsd} USD`);
    if (budget.values.time_unit !== 'MONTHLY' || budget.values.budget_type !== 'COST') problems.push(`budget is ${String(budget.values.budget_type)} per ${String(budget.values.time_unit)}, expected COST per MONTHLY`);

    const filters = asList<Record<string, unknown>>(budget.values.cost_filter);
    if (agreed.filter.kind === 'linked-account') {
      const linked = filters.find((f) => f.name === 'LinkedAccount');
      const values = asList<string>(linked?.values);
      const isTenantAccount = (v: string) => v === ctx.tenantAccountId || referencedRecord(stack, v)?.record.type === 'aws_organizations_account';
      if (filters.length !== 1 || values.length !== 1 || !isTenantAccount(values[0])) problems.push(`budget counts ${JSON.stringify(filters)}, expected the tenant account alone`);
    } else {
      const want = `user:${agreed.filter.key}$${agreed.filter.value}`;
      if (filters.length !== 1 || filters[0].name !== 'TagKeyValue' || !sameSet(asList<string>(filters[0].values), [want])) problems.push(`budget counts ${JSON.stringify(filters)}, expected the tag ${want} alone`);
    }

    const notifications = asList<Record<string, unknown>>(budget.values.notification);
    for (const alert of agreed.alerts) {
      const type = alert.type === 'forecasted' ? 'FORECASTED' : 'ACTUAL';
      const n = notifications.find((x) => Number(x.threshold) === alert.thresholdPercent && x.notification_type === type && x.threshold_type === 'PERCENTAGE' && x.comparison_operator === 'GREATER_THAN');
      if (!n) {
        problems.push(`no ${type.toLowerCase()} alert at ${alert.thresholdPercent} %`);
        continue;
      }
      if (!sameSet(stringSet(n.subscriber_email_addresses), agreed.recipients)) problems.push(`the ${alert.thresholdPercent} % ${type.toLowerCase()} alert goes to ${stringSet(n.subscriber_email_addresses).join(', ') || 'no one by e-mail'}, agreed ${agreed.recipients.join(', ') || 'no one by e-mail'}`);
      if (!sameSet(stringSet(n.subscriber_sns_topic_arns), agreed.snsTopicArn ? [agreed.snsTopicArn] : [])) problems.push(`the ${alert.thresholdPercent} % ${type.toLowerCase()} alert publishes to ${stringSet(n.subscriber_sns_topic_arns).join(', ') || 'no topic'}, agreed ${agreed.snsTopicArn ?? 'no topic'}`);
    }
    if (notifications.length !== agreed.alerts.length) problems.push(`${notifications.length} alerts, agreed ${agreed.alerts.length}`);
    const what = agreed.filter.kind === 'linked-account' ? 'its account' : `tag ${agreed.filter.key}=${agreed.filter.value}`;
    return verdict(problems, `cost allocation tags active; budget ${agreed.name} of ${agreed.limitUsd} USD a month on ${what}, ${agreed.alerts.length} alerts`, evidence);
  },
};
