import { DataKey, KeyReference } from '../../model/profile';
import { KMS_KEY_ATTRIBUTES, readConfigPath } from '../../terraform/protected-resources';
import { Evidence } from '../model';
import { KeyIdentity, keyIdentity } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { tenantAccountRecords } from './helpers';

function isKey(id: KeyIdentity, want: KeyReference): boolean {
  if ('arn' in want) return id.kind === 'external-arn' ? id.arn === want.arn : id.kind === 'managed' && id.record.values.arn === want.arn;
  return id.kind === 'managed' && id.alias === want.alias;
}

function describe(id: KeyIdentity): string {
  if (id.kind === 'managed') return id.alias ?? id.record.address;
  if (id.kind === 'external-arn') return id.arn;
  return `an unknown key (${JSON.stringify(id.value)})`;
}

const CONTROLLER: Record<DataKey['controlledBy'], string> = { platform: 'the platform', 'landing-zone': 'the landing zone', customer: 'the customer' };

/** Resource types that name the KMS key they are encrypted with. */
const ENCRYPTABLE_TYPES = Object.keys(KMS_KEY_ATTRIBUTES);

/**
 * Every data-bearing resource in the tenant account is encrypted with the key the profile names
 * (an L3 tenant's BYOK key once it is in effect; while BYOK is pending that is the landing zone's
 * key, and the result is a finding).
 */
export const dataEncryption: AuditRule = {
  id: 'data-encryption',
  tiers: ['L2', 'L3'],
  scope: { stacks: ['tenant'], resourceTypes: [...ENCRYPTABLE_TYPES, 'aws_kms_key', 'aws_kms_external_key', 'aws_kms_alias', 'aws_s3_bucket'] },
  check(ctx) {
    const stack = ctx.stack('tenant');
    const want = ctx.profile.dataKey;
    const tenantKey = { alias: ctx.profile.landingZoneKeyAlias! };
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    for (const record of tenantAccountRecords(ctx, ENCRYPTABLE_TYPES)) {
      const path = KMS_KEY_ATTRIBUTES[record.type];
      const value = readConfigPath(record.values, path);
      const id = keyIdentity(stack, value);
      // The vault of the L2 days keeps the tenant key: its recovery points were written under it.
      const retained = record.type === 'aws_backup_vault' && record.values.name === ctx.profile.backup.vaultName && ctx.profile.dataKey.kind !== 'landing-zone';
      const expected: KeyReference = retained ? tenantKey : want.ref;
      evidence.push({ stack: stack.stack, address: record.address, attribute: path.join('.'), value: value ?? null });
      if (!isKey(id, expected)) problems.push(`${record.address} is encrypted with ${value === undefined || value === null ? 'no customer-managed key' : describe(id)}, expected ${retained ? `the landing-zone key ${tenantKey.alias}` : want.label}`);
    }
    if (evidence.length === 0) return fail('no encryptable data-bearing resource of the tenant account was found in the evidence', []);
    // An L3 tenant whose BYOK is pending has its data on the landing zone's key: not what its tier promises.
    const byok = ctx.profile.byok;
    if (byok.state === 'pending') problems.unshift(`BYOK is not in effect: ${byok.reason}; the ${evidence.length} data-bearing resources are encrypted with ${want.label}, which the customer does not control`);
    return verdict(problems, `${evidence.length} data-bearing resources encrypted with ${want.label} (controlled by ${CONTROLLER[want.controlledBy]})`, evidence);
  },
};
