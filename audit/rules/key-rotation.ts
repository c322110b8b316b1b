import { Evidence } from '../model';
import { AuditRule, fail, verdict } from '../rule';
import { ev, tenantKeys } from './helpers';

/** Keys with AWS-generated material rotate; imported material cannot, and is reported as such. */
export const keyRotation: AuditRule = {
  id: 'key-rotation',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_kms_key', 'aws_kms_external_key'] },
  check(ctx) {
    const keys = tenantKeys(ctx);
    if (keys.length === 0) return fail('no KMS key in the evidence', []);
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    for (const key of keys) {
      if (key.type === 'aws_kms_external_key') {
        evidence.push(ev(key, 'enable_key_rotation', 'n/a: imported key material is rotated by re-import'));
        continue;
      }
      evidence.push(ev(key, 'enable_key_rotation'));
      if (key.values.enable_key_rotation !== true) problems.push(`${key.address} does not rotate`);
    }
    return verdict(problems, 'every key with AWS-generated material rotates yearly', evidence);
  },
};
