import { accountStackName } from '../../model/inventory';
import { managed } from '../evidence';
import { Evidence } from '../model';
import { aliasOf } from '../references';
import { AuditRule, verdict } from '../rule';
import { byName, ev, registryEntries, tenantAccountRecords } from './helpers';

/** The resources the tier requires are there, and none it forbids (an L1 tenant with a dedicated table is a finding). */
export const tierResources: AuditRule = {
  id: 'tier-resources',
  tiers: ['L1', 'L2', 'L3'],
  check(ctx) {
    const stack = ctx.tenantStack();
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const registry = registryEntries(stack).find((e) => e.table === ctx.shared.registryTable);
    if (!registry) problems.push(`no entry in the platform registry ${ctx.shared.registryTable}`);
    else {
      evidence.push(ev(registry.record, 'item', registry.entry));
      const mode = ctx.tenant.tier === 'L1' ? 'pooled' : 'dedicated';
      if (registry.entry.data?.mode !== mode) problems.push(`registry says the data is ${String(registry.entry.data?.mode)}, the tier needs ${mode}`);
      if (registry.entry.tier !== ctx.tenant.tier) problems.push(`registry says tier ${String(registry.entry.tier)}, the manifest ${ctx.tenant.tier}`);
      if (registry.entry.status !== ctx.tenant.status) problems.push(`registry says status ${String(registry.entry.status)}, the manifest ${ctx.tenant.status}`);
    }
    const dedicatedTables = managed(stack, 'aws_dynamodb_table');
    if (ctx.tenant.tier === 'L1') {
      // Any table in a pooled tenant's stack is dedicated (its data belongs in the pooled tables), as is anything in a tenant account.
      for (const r of new Set([...tenantAccountRecords(ctx, stack), ...dedicatedTables])) {
        problems.push(`pooled tenant has a dedicated resource ${r.address}`);
        evidence.push(ev(r, 'name'));
      }
      if (ctx.hasStack(accountStackName(ctx.tenant.id))) problems.push('pooled tenant has an account stack');
      return verdict(problems, 'pooled: registry entry only, no dedicated resources, no account', evidence);
    }
    const required: Array<[string, string, string]> = [
      ['aws_dynamodb_table', ctx.own.itemsTable, 'name'],
      ['aws_dynamodb_table', ctx.own.usersTable, 'name'],
      ['aws_backup_vault', ctx.own.backupVault, 'name'],
    ];
    if (ctx.tenant.status !== 'offboarding') required.push(['aws_iam_role', ctx.own.dataAccessRole, 'name']);
    if (ctx.byokReady) required.push(['aws_cognito_user_pool', ctx.own.userPool, 'name'], ['aws_backup_vault', ctx.own.lockedBackupVault, 'name'], ['aws_dynamodb_table', ctx.own.registryTable, 'name']);
    for (const [type, name, attr] of required) {
      const r = byName(stack, type, name, attr);
      if (!r) problems.push(`missing ${type} ${name}`);
      else evidence.push(ev(r, attr));
    }
    const keyAliases = managed(stack, 'aws_kms_key').concat(managed(stack, 'aws_kms_external_key')).map((k) => aliasOf(stack, k));
    if (!keyAliases.includes(ctx.own.kmsAlias)) problems.push(`missing the tenant key ${ctx.own.kmsAlias}`);
    if (ctx.tenant.tier === 'L3' && ctx.tenant.encryption?.byok === 'imported' && !keyAliases.includes(ctx.own.byokKmsAlias)) problems.push(`missing the BYOK key ${ctx.own.byokKmsAlias}`);
    const ownPool = managed(stack, 'aws_cognito_user_pool');
    if (!ctx.byokReady && ownPool.length > 0) problems.push(`tier ${ctx.tenant.tier} runs on the shared app but has its own user pool ${ownPool.map((p) => p.address).join(', ')}`);
    return verdict(problems, `${ctx.tenant.tier}: ${required.map(([, n]) => n).join(', ')} present; nothing the tier forbids`, evidence);
  },
};
