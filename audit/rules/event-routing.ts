import { EVENT_SOURCE } from '../../functions/shared/contracts';
import { Evidence } from '../model';
import { AuditRule, pass, verdict } from '../rule';
import { ev } from './helpers';

function sameList(v: unknown, want: ReadonlyArray<string>): boolean {
  return Array.isArray(v) && v.length === want.length && v.every((x, i) => x === want[i]);
}

/**
 * Events from tenant accounts are routed by the `account` field AWS sets; a tenant id in
 * `detail` is only trusted on events the platform account published, and only for this tenant.
 */
export const eventRouting: AuditRule = {
  id: 'event-routing',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['tenant'], resourceTypes: ['aws_cloudwatch_event_rule'] },
  check(ctx) {
    const stack = ctx.stack('tenant');
    const rules = ctx.records('tenant', 'aws_cloudwatch_event_rule');
    if (rules.length === 0) {
      const none = [{ stack: stack.stack, address: 'aws_cloudwatch_event_rule.*', attribute: 'count', value: 0 }];
      return !ctx.profile.access.eventRouting ? pass('offboarding: no event routes remain', none) : { status: 'fail', message: 'the tenant has no event routes in the evidence', evidence: none };
    }
    const platform = ctx.platformAccountId;
    const tenantAccount = ctx.tenantAccountId;
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    for (const rule of rules) {
      let pattern: Record<string, any>;
      try {
        pattern = JSON.parse(String(rule.values.event_pattern));
      } catch {
        problems.push(`${rule.address}: event pattern is not JSON`);
        continue;
      }
      evidence.push(ev(rule, 'event_pattern', pattern));
      const byTenantId = pattern.detail?.tenantId !== undefined;
      if (byTenantId) {
        if (!sameList(pattern.account, [platform])) problems.push(`${rule.address} routes by detail.tenantId without pinning account to the platform (${platform})`);
        if (!sameList(pattern.detail.tenantId, [ctx.tenant.id])) problems.push(`${rule.address} routes events of ${JSON.stringify(pattern.detail.tenantId)}, not ${ctx.tenant.id}`);
        if (!sameList(pattern.source, [EVENT_SOURCE])) problems.push(`${rule.address} routes sources ${JSON.stringify(pattern.source)}, expected ["${EVENT_SOURCE}"]`);
      } else if (!ctx.profile.dedicated) {
        problems.push(`${rule.address}: a pooled tenant's route must match its tenant id on platform events`);
      } else if (!sameList(pattern.account, [tenantAccount ?? ''])) {
        problems.push(`${rule.address} does not match exactly the tenant account ${tenantAccount}: ${JSON.stringify(pattern.account)}`);
      }
    }
    return verdict(problems, `${rules.length} routes: tenant-account events by account, platform events by tenant id on the platform account only`, evidence);
  },
};
