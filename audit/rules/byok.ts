import { aliasOf } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev } from './helpers';

/**
 * L3 keys are the tenant's: imported material (origin EXTERNAL, never in state) or the customer's
 * own key. Reads the profile's BYOK decision: while it is pending, BYOK is not in effect and the
 * result is a finding naming the profile's reason, whatever the key looks like.
 */
export const byok: AuditRule = {
  id: 'byok',
  tiers: ['L3'],
  scope: { stacks: ['tenant'], resourceTypes: ['aws_dynamodb_table', 'aws_kms_external_key', 'aws_kms_alias'] },
  check(ctx) {
    const stack = ctx.stack('tenant');
    const { byok: state, dataKey } = ctx.profile;
    if (state.state === 'not-applicable') return fail('the profile of this L3 tenant names no BYOK mode', []);
    if (state.mode === 'customer-key') {
      const keyArn = 'arn' in dataKey.ref ? dataKey.ref.arn : undefined;
      const items = byName(ctx, 'tenant', 'aws_dynamodb_table', ctx.profile.data.itemsTable);
      const external = ctx.records('tenant', 'aws_kms_external_key');
      const problems: string[] = [];
      if (!items) problems.push('the items table of the tenant is not in the evidence');
      const sse = items?.values.server_side_encryption;
      const key = (Array.isArray(sse) ? sse[0] : sse) as Record<string, unknown> | undefined;
      if (items && key?.kms_key_arn !== keyArn) problems.push(`the items table uses ${String(key?.kms_key_arn)}, not the customer key ${keyArn}`);
      if (external.length > 0) problems.push('an imported-material key exists although the tenant brings its own key');
      return verdict(problems, `customer-owned key ${keyArn} (outside the landing zone) encrypts the tenant's data`, items ? [ev(items, 'server_side_encryption')] : []);
    }
    const key = ctx.records('tenant', 'aws_kms_external_key').find((k) => aliasOf(stack, k) === ctx.profile.byokKeyAlias);
    if (!key) return fail(`no key of origin EXTERNAL with alias ${ctx.profile.byokKeyAlias}`, []);
    const problems: string[] = [];
    if (state.state === 'pending') problems.push(`BYOK is not in effect: ${state.reason}`);
    const material = key.values.key_material_base64;
    if (material !== undefined && material !== null && material !== '') problems.push('key material is present in the state (key_material_base64 is set)');
    const keyState = key.values.key_state;
    if (typeof keyState === 'string') {
      if (state.state === 'in-effect' && keyState !== 'Enabled') problems.push(`the manifest says the material is imported but the key is ${keyState}`);
      if (state.state === 'pending' && keyState === 'Enabled') problems.push('the key is enabled (material imported) but the manifest still says keyMaterialImported: false');
    }
    const evidence = [ev(key, 'type', key.type), ev(key, 'key_material_base64', material === undefined || material === null || material === '' ? null : '(present)')];
    if (typeof keyState === 'string') evidence.push(ev(key, 'key_state'));
    return verdict(problems, `key of origin EXTERNAL (${ctx.profile.byokKeyAlias}) encrypts the tenant's data; no key material in state`, evidence);
  },
};
