import { Evidence } from '../model';
import { aliasOf } from '../references';
import { AuditRule, verdict } from '../rule';
import { byName, ev, KEY_TYPES, registryEntries, tenantAccountRecords } from './helpers';

/** The resources the tier requires are there, and none it forbids (an L1 tenant with a dedicated table is a finding). */
export const tierResources: AuditRule = {
  id: 'tier-resources',
  tiers: ['L1', 'L2', 'L3'],
  // Judges every type: what the tier forbids can be of any type.
  scope: { stacks: ['tenant', 'account'], resourceTypes: ['*'] },
  check(ctx) {
    const { profile } = ctx;
    const stack = ctx.stack('tenant');
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const registry = registryEntries(ctx).find((e) => e.table === ctx.shared.registryTable);
    if (!registry) problems.push(`no entry in the platform registry ${ctx.shared.registryTable}`);
    else {
      evidence.push(ev(registry.record, 'item', registry.entry));
      const mode = profile.data.mode;
      if (registry.entry.data?.mode !== mode) problems.push(`registry says the data is ${String(registry.entry.data?.mode)}, the tier needs ${mode}`);
      if (registry.entry.tier !== ctx.tenant.tier) problems.push(`registry says tier ${String(registry.entry.tier)}, the manifest ${ctx.tenant.tier}`);
      if (registry.entry.status !== ctx.tenant.status) problems.push(`registry says status ${String(registry.entry.status)}, the manifest ${ctx.tenant.status}`);
    }
    const dedicatedTables = ctx.records('tenant', 'aws_dynamodb_table');
    if (!profile.dedicated) {
      // Any table in a pooled tenant's stack is dedicated (its data belongs in the pooled tables), as is anything in a tenant account.
      for (const r of new Set([...tenantAccountRecords(ctx, '*'), ...dedicatedTables])) {
        problems.push(`pooled tenant has a dedicated resource ${r.address}`);
        evidence.push(ev(r, 'name'));
      }
      if (ctx.has('account')) problems.push('pooled tenant has an account stack');
      return verdict(problems, 'pooled: registry entry only, no dedicated resources, no account', evidence);
    }
    const required: Array<[string, string, string]> = [
      ['aws_dynamodb_table', profile.data.itemsTable, 'name'],
      ['aws_dynamodb_table', profile.data.usersTable, 'name'],
      ['aws_backup_vault', profile.backup.vaultName, 'name'],
    ];
    if (profile.dataAccessRole.present) required.push(['aws_iam_role', profile.dataAccessRole.name, 'name']);
    if (profile.app.host === 'tenant') required.push(['aws_cognito_user_pool', ctx.own.userPool, 'name'], ['aws_backup_vault', profile.backup.lockedVault!.name, 'name'], ['aws_dynamodb_table', ctx.own.registryTable, 'name']);
    for (const [type, name, attr] of required) {
      const r = byName(ctx, 'tenant', type, name, attr);
      if (!r) problems.push(`missing ${type} ${name}`);
      else evidence.push(ev(r, attr));
    }
    const keyAliases = ctx.records('tenant', KEY_TYPES).map((k) => aliasOf(stack, k));
    if (!keyAliases.includes(profile.landingZoneKeyAlias)) problems.push(`missing the tenant key ${profile.landingZoneKeyAlias}`);
    if (profile.byokKeyAlias && !keyAliases.includes(profile.byokKeyAlias)) problems.push(`missing the BYOK key ${profile.byokKeyAlias}`);
    const ownPool = ctx.records('tenant', 'aws_cognito_user_pool');
    if (profile.app.host === 'platform' && ownPool.length > 0) problems.push(`tier ${ctx.tenant.tier} runs on the shared app but has its own user pool ${ownPool.map((p) => p.address).join(', ')}`);
    return verdict(problems, `${ctx.tenant.tier}: ${required.map(([, n]) => n).join(', ')} present; nothing the tier forbids`, evidence);
  },
};
