import { Evidence } from '../model';
import { policyOf, principalsOf } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { ev, tenantAccountRecords } from './helpers';

/** The central bus takes events from the organization only; a tenant bus from the platform account only. */
export const busPolicies: AuditRule = {
  id: 'bus-policies',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['platform', 'tenant'], resourceTypes: ['aws_cloudwatch_event_bus_policy'] },
  check(ctx) {
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const central = ctx.records('platform', 'aws_cloudwatch_event_bus_policy')[0];
    const centralDoc = central ? policyOf(central) : undefined;
    if (!centralDoc) return fail('the central bus has no resource policy in the evidence', []);
    evidence.push(ev(central, 'policy', centralDoc));
    for (const s of centralDoc.Statement.filter((x) => x.Effect === 'Allow')) {
      if (s.Condition?.StringEquals?.['aws:PrincipalOrgID'] !== ctx.settings.organization.id) problems.push(`central bus statement ${s.Sid ?? ''} allows without aws:PrincipalOrgID = ${ctx.settings.organization.id}`);
    }
    if (ctx.profile.dedicated) {
      const tenantBus = tenantAccountRecords(ctx, 'aws_cloudwatch_event_bus_policy')[0];
      const doc = tenantBus ? policyOf(tenantBus) : undefined;
      if (!doc) problems.push('the tenant bus has no resource policy in the evidence');
      else {
        evidence.push(ev(tenantBus!, 'policy', doc));
        const platform = new Set([`arn:aws:iam::${ctx.platformAccountId}:root`, ctx.platformAccountId]);
        for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
          const others = principalsOf(s).filter((p) => !platform.has(p));
          if (others.length > 0) problems.push(`tenant bus accepts events from ${others.join(', ')}, not only the platform account`);
        }
      }
    }
    return verdict(problems, !ctx.profile.dedicated ? 'central bus: PutEvents from the organization only' : 'central bus from the organization only; tenant bus from the platform account only', evidence);
  },
};
