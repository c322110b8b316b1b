import { TENANT_TAG_VARIABLE } from '../../contract/tenant-data-policies';
import { Evidence } from '../model';
import { asList } from '../references';
import { AuditRule, fail, notApplicable, verdict } from '../rule';
import { covers, dataAccessRole, ev, inlinePolicies, policyOf } from './helpers';

/** Tenant-scoped sessions reach DynamoDB only for their own partition (no Scan) and S3 only under their prefix. */
export const leadingKeys: AuditRule = {
  id: 'leading-keys',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_iam_role', 'aws_iam_role_policy'] },
  check(ctx) {
    const { role, name } = dataAccessRole(ctx);
    if (!ctx.profile.dataAccessRole.present && !role) return notApplicable('offboarding: no data-access role');
    if (!role) return fail(`data-access role ${name} is not in the evidence`, []);
    const policies = inlinePolicies(ctx, 'data', role);
    if (policies.length === 0) return fail(`${name} has no permissions policy in the evidence`, []);
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    let dynamoStatements = 0;
    for (const p of policies) {
      const doc = policyOf(p);
      if (!doc) continue;
      evidence.push(ev(p, 'policy', doc));
      for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
        const actions = asList(s.Action);
        if (covers(actions, 'dynamodb:Scan')) problems.push(`statement ${s.Sid ?? ''} allows dynamodb:Scan`);
        if (actions.some((a) => String(a).startsWith('dynamodb:'))) {
          dynamoStatements++;
          const leading = s.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
          if (JSON.stringify(asList(leading)) !== JSON.stringify([TENANT_TAG_VARIABLE])) problems.push(`statement ${s.Sid ?? ''} does not limit dynamodb:LeadingKeys to ${TENANT_TAG_VARIABLE}`);
          if (String(s.Condition?.Null?.['dynamodb:LeadingKeys']) !== 'false') problems.push(`statement ${s.Sid ?? ''} has no Null guard on dynamodb:LeadingKeys (requests without a key would pass)`);
        }
        if (actions.some((a) => covers([a], 's3:GetObject') || covers([a], 's3:PutObject'))) {
          const outside = asList<string>(s.Resource).filter((r) => !r.endsWith(`/${TENANT_TAG_VARIABLE}/*`));
          if (outside.length > 0) problems.push(`statement ${s.Sid ?? ''} reaches objects outside the tenant prefix: ${outside.join(', ')}`);
        }
      }
    }
    if (dynamoStatements === 0) problems.push(`${name} grants no DynamoDB access at all (expected the tenant-scoped statement)`);
    return verdict(problems, `${name}: DynamoDB only for LeadingKeys = ${TENANT_TAG_VARIABLE} with a Null guard, no Scan, S3 only under the tenant prefix`, evidence);
  },
};
