import { KMS_KEY_ATTRIBUTES, readConfigPath } from '../../terraform/protected-resources';
import { RuleContext } from '../context';
import { Evidence } from '../model';
import { KeyIdentity, keyIdentity } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { tenantAccountRecords } from './helpers';

/** Which key a dedicated tenant's data must be under: BYOK when ready, else the tenant's landing-zone key. */
export function expectedDataKey(ctx: RuleContext): { alias?: string; arn?: string; label: string } {
  const e = ctx.tenant.encryption;
  if (ctx.byokReady && e?.byok === 'customer-key') return { arn: e.keyArn, label: `the customer key ${e.keyArn}` };
  if (ctx.byokReady) return { alias: ctx.own.byokKmsAlias, label: `the BYOK key ${ctx.own.byokKmsAlias}` };
  return { alias: ctx.own.kmsAlias, label: `the tenant key ${ctx.own.kmsAlias}` };
}

export function isKey(id: KeyIdentity, want: { alias?: string; arn?: string }): boolean {
  if (want.arn) return id.kind === 'external-arn' ? id.arn === want.arn : id.kind === 'managed' && id.record.values.arn === want.arn;
  return id.kind === 'managed' && id.alias === want.alias;
}

function describe(id: KeyIdentity): string {
  if (id.kind === 'managed') return id.alias ?? id.record.address;
  if (id.kind === 'external-arn') return id.arn;
  return `an unknown key (${JSON.stringify(id.value)})`;
}

/** Every data-bearing resource in the tenant account is encrypted with the tenant's own key. */
export const dataEncryption: AuditRule = {
  id: 'data-encryption',
  tiers: ['L2', 'L3'],
  check(ctx) {
    const stack = ctx.tenantStack();
    const want = expectedDataKey(ctx);
    const tenantKey = { alias: ctx.own.kmsAlias };
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    for (const record of tenantAccountRecords(ctx, stack)) {
      const path = KMS_KEY_ATTRIBUTES[record.type];
      if (!path) continue;
      const value = readConfigPath(record.values, path);
      const id = keyIdentity(stack, value);
      // The vault of the L2 days keeps the tenant key: its recovery points were written under it.
      const retained = record.type === 'aws_backup_vault' && record.values.name === ctx.own.backupVault && ctx.byokReady;
      const expected = retained ? tenantKey : want;
      evidence.push({ stack: stack.stack, address: record.address, attribute: path.join('.'), value: value ?? null });
      if (!isKey(id, expected)) problems.push(`${record.address} is encrypted with ${value === undefined || value === null ? 'no customer-managed key' : describe(id)}, expected ${retained ? `the tenant key ${ctx.own.kmsAlias}` : want.label}`);
    }
    if (evidence.length === 0) return fail('no encryptable data-bearing resource of the tenant account was found in the evidence', []);
    return verdict(problems, `${evidence.length} data-bearing resources encrypted with ${want.label}`, evidence);
  },
};
