import { Evidence } from '../model';
import { policyOf, principalsOf } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { covers, ev, tenantKeys } from './helpers';

const ADMIN = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];
const USE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** Key administrators cannot use the key, users cannot manage it, nobody outside the organization gets in. */
export const keyPolicy: AuditRule = {
  id: 'key-policy',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_kms_key', 'aws_kms_external_key'] },
  check(ctx) {
    const keys = tenantKeys(ctx);
    if (keys.length === 0) return fail('no KMS key in the evidence', []);
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    for (const key of keys) {
      const doc = policyOf(key);
      evidence.push(ev(key, 'policy', doc ?? null));
      if (!doc) {
        problems.push(`${key.address} has no key policy in the evidence`);
        continue;
      }
      const allows = doc.Statement.filter((s) => s.Effect === 'Allow' && !s.Principal?.Service);
      const admins = new Set(allows.filter((s) => ADMIN.some((a) => covers(s.Action, a))).flatMap(principalsOf));
      const users = new Set(allows.filter((s) => USE.some((a) => covers(s.Action, a))).flatMap(principalsOf));
      const both = [...admins].filter((p) => users.has(p));
      if (both.length > 0) problems.push(`${key.address}: ${both.join(', ')} can both manage and use the key`);
      const open = [...admins, ...users].filter((p) => p === '*' || /:root$/.test(p) || /^\d{12}$/.test(p));
      if (open.length > 0) problems.push(`${key.address}: ${[...new Set(open)].join(', ')} delegates the key to a whole account or to anyone`);
      const denyOutside = doc.Statement.some((s) => s.Effect === 'Deny' && s.Condition?.StringNotEquals?.['aws:PrincipalOrgID'] === ctx.settings.organization.id);
      if (!denyOutside) problems.push(`${key.address}: no statement denies principals outside organization ${ctx.settings.organization.id}`);
    }
    return verdict(problems, `${keys.length} key policies separate administrators from users and deny principals outside the organization`, evidence);
  },
};
