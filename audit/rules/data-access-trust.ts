import { TENANT_SESSION_TAG } from '../../functions/shared/contracts';
import { policyOf, principalsOf } from '../references';
import { AuditRule, fail, pass, verdict } from '../rule';
import { covers, dataAccessRole, ev, expectedVendingRoles } from './helpers';

/** The data-access role is trusted only by the app's session-vending roles, with the expected conditions. */
export const dataAccessTrust: AuditRule = {
  id: 'data-access-trust',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_iam_role'] },
  check(ctx) {
    const { stack, role, name } = dataAccessRole(ctx);
    const dedicated = ctx.profile.dedicated;
    if (!ctx.profile.dataAccessRole.present) {
      return role
        ? fail(`offboarding, but the data-access role ${name} still exists`, [ev(role, 'name')])
        : pass(`offboarding: the data-access role ${name} is gone`, [{ stack: stack.stack, address: `aws_iam_role[name=${name}]`, attribute: 'exists', value: false }]);
    }
    if (!role) return fail(`data-access role ${name} is not in the evidence`, []);
    const doc = policyOf(role, 'assume_role_policy');
    if (!doc) return fail(`${name} has no trust policy in the evidence`, [ev(role, 'assume_role_policy')]);
    const problems: string[] = [];
    const expected = new Set(expectedVendingRoles(ctx));
    for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
      const strangers = principalsOf(s).filter((p) => !expected.has(p));
      if (strangers.length > 0) problems.push(`trusted principals outside the app's session-vending roles: ${strangers.join(', ')}`);
      const c = s.Condition ?? {};
      const tagKeys = c['ForAllValues:StringEquals']?.['aws:TagKeys'];
      if (JSON.stringify(tagKeys) !== JSON.stringify([TENANT_SESSION_TAG])) problems.push(`session tags are not limited to exactly ${TENANT_SESSION_TAG} (${JSON.stringify(tagKeys)})`);
      const requested = c.StringEquals?.[`aws:RequestTag/${TENANT_SESSION_TAG}`];
      const tagRequired = String(c.Null?.[`aws:RequestTag/${TENANT_SESSION_TAG}`]) === 'false' || requested !== undefined;
      if (!tagRequired) problems.push(`sessions without a ${TENANT_SESSION_TAG} tag are not refused`);
      if (dedicated) {
        if (requested !== ctx.tenant.id) problems.push(`the ${TENANT_SESSION_TAG} tag is not pinned to ${ctx.tenant.id} (${String(requested)})`);
        // sts:ExternalId is a condition key of AssumeRole only; the TagSession statement goes without it.
        if (covers(s.Action, 'sts:AssumeRole') && c.StringEquals?.['sts:ExternalId'] !== ctx.tenant.id) problems.push(`external id is not ${ctx.tenant.id} (${String(c.StringEquals?.['sts:ExternalId'])})`);
        if (c.StringEquals?.['aws:PrincipalOrgID'] !== ctx.settings.organization.id) problems.push(`callers are not limited to organization ${ctx.settings.organization.id}`);
      }
    }
    return verdict(problems, `${name}: trusted by ${[...expected].join(', ')} only${dedicated ? `, external id and tag ${ctx.tenant.id}, organization ${ctx.settings.organization.id}` : `, exactly the ${TENANT_SESSION_TAG} session tag`}`, [ev(role, 'assume_role_policy', doc)]);
  },
};
