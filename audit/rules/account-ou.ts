import { OU_GUARDRAILS } from '../../contract/service-control-policies';
import { referencedRecord } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { ev } from './helpers';

/** The tenant account sits in its tier's OU (the suspended OU while offboarding), as the tenant's account. */
export const accountOu: AuditRule = {
  id: 'account-ou',
  tiers: ['L2', 'L3'],
  scope: { stacks: ['account', 'organization'], resourceTypes: ['aws_organizations_account', 'aws_organizations_organizational_unit'] },
  check(ctx) {
    const stack = ctx.stack('account');
    const account = ctx.records('account', 'aws_organizations_account')[0];
    if (!account) return fail('the account stack holds no aws_organizations_account', []);
    if (ctx.profile.account.side !== 'tenant') return fail('the profile places the tenant in the platform account', []);
    const { ou: ouKey, ouName: expected } = ctx.profile.account;
    const parent = account.values.parent_id;
    let parentName: unknown = referencedRecord(stack, parent)?.record.values.name;
    if (parentName === undefined) {
      const ouRecords = [...ctx.records('account', 'aws_organizations_organizational_unit'), ...(ctx.has('organization') ? ctx.records('organization', 'aws_organizations_organizational_unit') : [])];
      parentName = ouRecords.find((r) => r.values.id === parent)?.values.name;
    }
    const evidence = [ev(account, 'parent_id', parentName === undefined ? parent : `${String(parent)} (${String(parentName)})`), ev(account, 'email'), ev(account, 'tags'), ev(account, 'close_on_deletion')];
    const problems: string[] = [];
    if (parentName === undefined) problems.push(`parent ${String(parent)} is not an OU the evidence names`);
    else if (parentName !== expected) problems.push(`account is in OU "${String(parentName)}", expected "${expected}"`);
    if (account.values.email !== ctx.tenant.account?.email) problems.push(`account e-mail ${String(account.values.email)} is not the manifest's ${ctx.tenant.account?.email}`);
    const tags = (account.values.tags ?? {}) as Record<string, unknown>;
    if (tags.TenantId !== ctx.tenant.id || tags.Tier !== ctx.tenant.tier) problems.push(`account tags TenantId/Tier are ${String(tags.TenantId)}/${String(tags.Tier)}, expected ${ctx.tenant.id}/${ctx.tenant.tier}`);
    if (account.values.close_on_deletion !== false) problems.push('close_on_deletion is not false: destroying the stack would close the account');
    const live = ctx.live?.account;
    if (live) {
      evidence.push({ stack: 'live', address: `organizations:account/${live.id}`, attribute: 'status, parent, tags', value: { status: live.status, parent: live.parentOuName, tags: live.tags } });
      if (live.status !== 'ACTIVE') problems.push(`live: account status is ${String(live.status)}, expected ACTIVE`);
      if (live.parentOuName !== expected) problems.push(`live: account is in OU "${String(live.parentOuName)}", expected "${expected}"`);
      if (live.tags.TenantId !== ctx.tenant.id || live.tags.Tier !== ctx.tenant.tier) problems.push(`live: account tags TenantId/Tier are ${String(live.tags.TenantId)}/${String(live.tags.Tier)}`);
      const missing = OU_GUARDRAILS[ouKey].map((g) => ctx.shared.scp(`guardrail-${g}`)).filter((n) => !live.scpNames.includes(n));
      evidence.push({ stack: 'live', address: `organizations:ou/${String(live.parentOuName)}`, attribute: 'service control policies', value: live.scpNames });
      if (missing.length > 0) problems.push(`live: guardrails not attached to the OU: ${missing.join(', ')}`);
    }
    return verdict(problems, `account in OU "${expected}" with the tenant's e-mail and tags, never closed by Terraform`, evidence);
  },
};
