import { EVENT_FORWARDING_ACTION } from '../../contract/residency-policy';
import { GLOBAL_SERVICE_ACTIONS } from '../../contract/service-control-policies';
import { ResourceRecord, StackEvidence } from '../evidence';
import { Evidence } from '../model';
import { asList, policyOf, recordFor, referencedRecord } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev, KEY_TYPES, tenantAccountRecords } from './helpers';

/** Resource types that hold or protect the tenant's data, whose region residency is about. */
const DATA_TYPES = ['aws_dynamodb_table', 'aws_s3_bucket', 'aws_backup_vault', ...KEY_TYPES];

/** Where a record lives: the region of its ARN (or of its bucket), else of its provider in desired state. */
function regionOf(stack: StackEvidence, record: ResourceRecord): string | undefined {
  const arn = record.values.arn;
  const fromArn = typeof arn === 'string' && /^arn:/.test(arn) ? arn.split(':')[3] : undefined;
  if (fromArn) return fromArn;
  if (typeof record.values.region === 'string' && !record.values.region.includes('${')) return record.values.region;
  const alias = record.provider?.replace(/^aws\.?/, '') ?? '';
  const provider = stack.providers?.find((p) => (p.alias ?? '') === alias);
  return typeof provider?.region === 'string' ? provider.region : undefined;
}

const GLOBAL: ReadonlyArray<string> = GLOBAL_SERVICE_ACTIONS;

function sameItems(a: ReadonlyArray<unknown>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && b.every((x) => a.includes(x));
}

/**
 * Data residency as the manifest says: an L2/L3 tenant's account carries a service control
 * policy that denies every region outside its residency (only the global services exempt, no
 * principal exempt; the tenant's events may reach the platform's central bus, and no other, when
 * that bus is outside the residency), and its data lives in those regions; an L1 tenant's pooled data lives in
 * the platform home region, which its residency must allow. Without a residency, the data
 * must still be within the landing zone's allowed regions. With `--live`, the policy must be
 * attached to the account in AWS Organizations.
 */
export const residency: AuditRule = {
  id: 'residency',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['account', 'data'], resourceTypes: ['aws_organizations_policy', 'aws_organizations_policy_attachment', ...DATA_TYPES] },
  check(ctx) {
    const agreed = ctx.profile.residency;
    // Without a residency of its own, the tenant's data must still stay in the landing zone's allowed regions.
    const regions = agreed.regions ?? ctx.settings.regions.allowed;
    const what = agreed.regions ? 'the residency' : 'the landing-zone allow-list';
    const problems: string[] = [];
    const evidence: Evidence[] = [];

    // Where the data is.
    const data = ctx.stack('data');
    const records = ctx.profile.data.account === 'platform'
      ? ctx.records('data', DATA_TYPES).filter((r) => [ctx.profile.data.itemsTable, ctx.profile.data.usersTable].includes(String(r.values.name)))
      : tenantAccountRecords(ctx, DATA_TYPES, 'data');
    if (records.length === 0) return fail("none of the tenant's data resources is in the evidence", []);
    for (const r of records) {
      const region = regionOf(data, r);
      evidence.push({ stack: r.stack, address: r.address, attribute: 'region', value: region ?? null });
      if (region === undefined) problems.push(`${r.address}: region unknown`);
      else if (!regions.includes(region)) problems.push(`${r.address} is in ${region}, outside ${what} ${regions.join(', ')}`);
    }
    if (agreed.enforcement === 'none') return verdict(problems, `no residency in the manifest; ${records.length} data resources within ${what} ${regions.join(', ')}`, evidence);
    if (agreed.enforcement === 'platform-region') {
      const home = ctx.settings.regions.home;
      if (!regions.includes(home)) problems.push(`the pooled data is in the platform home region ${home}, which the residency excludes (an L2 or L3 tenant could stay in ${regions.join(', ')})`);
      return verdict(problems, `pooled data in ${home}, within the residency ${regions.join(', ')}`, evidence);
    }

    // The SCP on the tenant account.
    const account = ctx.stack('account');
    const policy = byName(ctx, 'account', 'aws_organizations_policy', agreed.policyName ?? '');
    if (!policy) problems.push(`residency policy ${agreed.policyName} is not in the account stack`);
    else {
      const doc = policyOf(policy, 'content');
      evidence.push(ev(policy, 'content', doc ?? null));
      if (policy.values.type !== 'SERVICE_CONTROL_POLICY') problems.push(`${agreed.policyName} is a ${String(policy.values.type)}, not a service control policy`);
      const statements = doc?.Statement ?? [];
      const outsideOnly = (s: Record<string, any>) => {
        const c = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
        const listed = asList<string>(c.StringNotEquals?.['aws:RequestedRegion']);
        return Object.keys(c).length === 1 && Object.keys(c.StringNotEquals ?? {}).length === 1 && listed.length === regions.length && regions.every((r) => listed.includes(r));
      };
      // The one allowed exception: the tenant's events put on the central bus, when it is outside the residency.
      const home = ctx.settings.regions.home;
      const centralBus = `arn:aws:events:${home}:${ctx.platformAccountId}:event-bus/${ctx.shared.centralBus}`;
      const busException = !regions.includes(home);
      const exempt = new Set<string>([...GLOBAL, ...(busException ? [EVENT_FORWARDING_ACTION] : [])]);
      const main = statements.some((s) => s.Effect === 'Deny' && s.Action === undefined && asList(s.Resource).includes('*') && asList<string>(s.NotAction).every((a) => exempt.has(a)) && outsideOnly(s));
      const exempted = statements.some((s) => asList<string>(s.NotAction).includes(EVENT_FORWARDING_ACTION));
      const busOnly = statements.some((s) => s.Effect === 'Deny' && sameItems(asList(s.Action), [EVENT_FORWARDING_ACTION]) && sameItems(asList(s.NotResource), [centralBus]) && outsideOnly(s));
      const holds = main && (!exempted || busOnly);
      if (!holds) problems.push(`${agreed.policyName} does not deny every non-global action outside ${regions.join(', ')} for every principal${busException ? ' (events only to the central bus)' : ''}`);
      const attachment = ctx.records('account', 'aws_organizations_policy_attachment').find((a) => recordFor(account, ['aws_organizations_policy'], a.values.policy_id, ['id']) === policy);
      const target = attachment?.values.target_id;
      const onTenant = target !== undefined && (target === ctx.tenantAccountId || referencedRecord(account, target)?.record.type === 'aws_organizations_account');
      if (attachment) evidence.push(ev(attachment, 'target_id'));
      if (!onTenant) problems.push(`${agreed.policyName} is not attached to the tenant account`);
    }
    const live = ctx.live?.account;
    if (live) {
      evidence.push({ stack: 'live', address: `organizations:account/${live.id}`, attribute: 'service control policies on the account', value: live.directScpNames ?? null });
      if (!(live.directScpNames ?? []).includes(agreed.policyName ?? '')) problems.push(`live: ${agreed.policyName} is not attached to account ${live.id}`);
    }
    return verdict(problems, `account held to ${regions.join(', ')} by ${agreed.policyName}; ${records.length} data resources within`, evidence);
  },
};
