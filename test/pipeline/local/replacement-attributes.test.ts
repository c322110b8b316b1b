import * as fs from 'fs';
import * as path from 'path';
import { PROTECTED_RESOURCE_TYPES, REPLACEMENT_ATTRIBUTES, replacementCauses } from '../../../terraform/protected-resources';
import { planLocally } from '../../../pipeline/local/local-plan';
import { loadProviderSchemas } from '../../../pipeline/local/provider-schema';
import { chooseProviderVersions } from '../../../pipeline/local/toolchain';
import { AWS_SOURCE } from '../../../pipeline/local/work-copy';
import { tempDir } from '../../helpers/synth';
import { describeWithTerraform, REAL_TERRAFORM_TIMEOUT_MS, TEST_SCHEMA_CACHE, testToolchain } from '../../helpers/terraform';

/**
 * REPLACEMENT_ATTRIBUTES (model/data-bearing.ts), which the offline plan uses to tell a
 * replacement of a data-bearing resource from an update, checked by the real provider: for every
 * protected type, each listed attribute and a sample of unlisted arguments is changed on its own
 * resource, Terraform plans every change against a state derived from the unchanged
 * configuration (one plan for all of them), and the table must agree with the provider's
 * decision in every case.
 */
type Config = Record<string, unknown>;

interface Probe {
  readonly type: (typeof PROTECTED_RESOURCE_TYPES)[number];
  /** The changed argument, as a path (`username_configuration.case_sensitive`). */
  readonly attribute: string;
  readonly base: Config;
  readonly head: Config;
}

const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const OTHER_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000';

/** One probe per changed argument: the base configuration and the change. */
function probes(): Probe[] {
  const out: Probe[] = [];
  const add = (type: Probe['type'], base: Config, changes: Record<string, Config>) => {
    for (const [attribute, change] of Object.entries(changes)) out.push({ type, attribute, base, head: { ...base, ...change } });
  };
  const account = { name: 'probe-account', email: 'probe@example.com', iam_user_access_to_billing: 'DENY', role_name: 'OrganizationAccountAccessRole', parent_id: 'ou-ab12-cd34ef56', close_on_deletion: false, tags: { A: '1' } };
  add('aws_organizations_account', account, {
    name: { name: 'probe-account-2' },
    email: { email: 'probe2@example.com' },
    iam_user_access_to_billing: { iam_user_access_to_billing: 'ALLOW' },
    role_name: { role_name: 'OtherRole' },
    parent_id: { parent_id: 'ou-ab12-99999999' },
    close_on_deletion: { close_on_deletion: true },
    tags: { tags: { A: '2' } },
  });
  const table = {
    name: 'probe-table',
    billing_mode: 'PAY_PER_REQUEST',
    hash_key: 'pk',
    range_key: 'sk',
    attribute: [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'S' },
      { name: 'lsk', type: 'S' },
    ],
    local_secondary_index: [{ name: 'lsi', range_key: 'lsk', projection_type: 'ALL' }],
    point_in_time_recovery: { enabled: true },
    server_side_encryption: { enabled: true, kms_key_arn: KEY },
    deletion_protection_enabled: true,
  };
  add('aws_dynamodb_table', table, {
    name: { name: 'probe-table-2' },
    hash_key: { hash_key: 'pk2', attribute: [{ name: 'pk2', type: 'S' }, ...table.attribute.slice(1)] },
    range_key: { range_key: 'sk2', attribute: [table.attribute[0], { name: 'sk2', type: 'S' }, table.attribute[2]] },
    local_secondary_index: { local_secondary_index: [{ name: 'lsi-2', range_key: 'lsk', projection_type: 'KEYS_ONLY' }] },
    deletion_protection_enabled: { deletion_protection_enabled: false },
    'point_in_time_recovery.enabled': { point_in_time_recovery: { enabled: false } },
    'server_side_encryption.kms_key_arn': { server_side_encryption: { enabled: true, kms_key_arn: OTHER_KEY } },
    stream_enabled: { stream_enabled: true, stream_view_type: 'NEW_IMAGE' },
  });
  add('aws_s3_bucket', { bucket: 'lz-probe-bucket', object_lock_enabled: false, force_destroy: false }, {
    bucket: { bucket: 'lz-probe-bucket-2' },
    object_lock_enabled: { object_lock_enabled: true },
    force_destroy: { force_destroy: true },
    tags: { tags: { A: '2' } },
  });
  add('aws_s3_bucket', { bucket_prefix: 'lz-probe-' }, { bucket_prefix: { bucket_prefix: 'lz-other-' } });
  const key = { description: 'probe', key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT', multi_region: false, enable_key_rotation: false, deletion_window_in_days: 30 };
  add('aws_kms_key', key, {
    customer_master_key_spec: { customer_master_key_spec: 'RSA_2048' },
    key_usage: { key_usage: 'GENERATE_VERIFY_MAC', customer_master_key_spec: 'HMAC_256' },
    multi_region: { multi_region: true },
    custom_key_store_id: { custom_key_store_id: 'cks-1234567890abcdef0' },
    description: { description: 'probe 2' },
    enable_key_rotation: { enable_key_rotation: true },
    deletion_window_in_days: { deletion_window_in_days: 7 },
    is_enabled: { is_enabled: false },
  });
  add('aws_kms_key', { ...key, custom_key_store_id: 'cks-1234567890abcdef0', xks_key_id: 'xks-key-1' }, { xks_key_id: { xks_key_id: 'xks-key-2' } });
  const external = { description: 'probe', deletion_window_in_days: 30, multi_region: false };
  add('aws_kms_external_key', external, {
    key_material_base64: { key_material_base64: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' },
    key_spec: { key_spec: 'RSA_2048' },
    key_usage: { key_usage: 'SIGN_VERIFY' },
    multi_region: { multi_region: true },
    description: { description: 'probe 2' },
    deletion_window_in_days: { deletion_window_in_days: 7 },
    tags: { tags: { A: '2' } },
  });
  const pool = { name: 'probe-pool', username_attributes: ['email'], username_configuration: { case_sensitive: false }, mfa_configuration: 'OFF', deletion_protection: 'ACTIVE' };
  add('aws_cognito_user_pool', pool, {
    name: { name: 'probe-pool-2' },
    username_attributes: { username_attributes: ['phone_number'] },
    'username_configuration.case_sensitive': { username_configuration: { case_sensitive: true } },
    mfa_configuration: { mfa_configuration: 'OPTIONAL', software_token_mfa_configuration: { enabled: true } },
    deletion_protection: { deletion_protection: 'INACTIVE' },
    'password_policy.minimum_length': { password_policy: { minimum_length: 12 } },
  });
  add('aws_cognito_user_pool', { name: 'probe-alias-pool', alias_attributes: ['email'] }, { alias_attributes: { alias_attributes: ['email', 'preferred_username'] } });
  add('aws_backup_vault', { name: 'probe-vault', kms_key_arn: KEY, force_destroy: false }, {
    name: { name: 'probe-vault-2' },
    kms_key_arn: { kms_key_arn: OTHER_KEY },
    force_destroy: { force_destroy: true },
    tags: { tags: { A: '2' } },
  });
  add('aws_cloudwatch_log_group', { name: '/probe/logs', retention_in_days: 30, kms_key_id: KEY, log_group_class: 'STANDARD' }, {
    name: { name: '/probe/logs-2' },
    log_group_class: { log_group_class: 'INFREQUENT_ACCESS' },
    retention_in_days: { retention_in_days: 90 },
    kms_key_id: { kms_key_id: OTHER_KEY },
    skip_destroy: { skip_destroy: true },
  });
  add('aws_cloudwatch_log_group', { name_prefix: '/probe/prefix-' }, { name_prefix: { name_prefix: '/probe/other-' } });
  add('aws_sqs_queue', { name: 'probe-queue', kms_master_key_id: KEY, visibility_timeout_seconds: 30 }, {
    name: { name: 'probe-queue-2' },
    visibility_timeout_seconds: { visibility_timeout_seconds: 60 },
    kms_master_key_id: { kms_master_key_id: OTHER_KEY },
    message_retention_seconds: { message_retention_seconds: 86400 },
  });
  add('aws_sqs_queue', { name: 'probe-fifo.fifo', fifo_queue: true }, { fifo_queue: { fifo_queue: false, name: 'probe-fifo' } });
  add('aws_sqs_queue', { name_prefix: 'probe-' }, { name_prefix: { name_prefix: 'other-' } });
  return out;
}

function stackJson(resources: Record<string, Record<string, Config>>): Record<string, unknown> {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '>= 5.0' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: resources,
  };
}

describeWithTerraform('REPLACEMENT_ATTRIBUTES checked by the real provider', () => {
  test('every listed attribute forces a replacement, and every sampled unlisted one does not', async () => {
    const every = probes();
    // Every listed attribute has a probe (a new entry in the table needs one here).
    const probed = new Set(every.map((p) => `${p.type} ${p.attribute}`));
    const unprobed = Object.entries(REPLACEMENT_ATTRIBUTES).flatMap(([type, attrs]) => attrs.filter((a) => !probed.has(`${type} ${a}`)).map((a) => `${type} ${a}`));
    expect(unprobed).toEqual([]);
    expect(new Set(every.map((p) => p.type))).toEqual(new Set(PROTECTED_RESOURCE_TYPES));

    const work = tempDir('lz-replacement-');
    const toolchain = await testToolchain(work);
    // Arguments the mirrored provider version does not have (or computes itself) cannot be
    // checked with it: they are named, never passed silently.
    const schemas = await loadProviderSchemas(toolchain, chooseProviderVersions(toolchain.mirror, new Map([[AWS_SOURCE, new Set<string>()]])).values(), TEST_SCHEMA_CACHE, work);
    const aws = schemas.get(AWS_SOURCE)!;
    const known = (p: Probe) => {
      const top = p.attribute.split('.')[0];
      const block = aws.resource_schemas[p.type].block;
      const attr = block.attributes?.[top];
      return (attr !== undefined && (attr.optional === true || attr.required === true)) || top in (block.block_types ?? {});
    };
    const unknownHere = every.filter((p) => !known(p)).map((p) => `${p.type} ${p.attribute}`);
    if (unknownHere.length > 0) console.warn(`hashicorp/aws ${aws.version} has no configurable ${unknownHere.join(', ')}: not checked against this provider version`);
    expect(unknownHere.every((u) => Object.entries(REPLACEMENT_ATTRIBUTES).some(([t, attrs]) => attrs.some((a) => `${t} ${a}` === u)))).toBe(true);
    const all = every.filter(known);

    const base: Record<string, Record<string, Config>> = {};
    const head: Record<string, Record<string, Config>> = {};
    const names = new Map<string, Probe>();
    all.forEach((p, i) => {
      const name = `probe_${i}`;
      names.set(`${p.type}.${name}`, p);
      (base[p.type] ??= {})[name] = p.base;
      (head[p.type] ??= {})[name] = p.head;
    });
    try {
      const result = await planLocally({
        toolchain,
        stacks: [{ name: 'probes', base: stackJson(base), head: stackJson(head) }],
        remoteState: () => undefined,
        workDir: path.join(work, 'plan'),
        schemaCacheDir: TEST_SCHEMA_CACHE,
      });
      const outcome = result.stacks.get('probes')!;
      if (!outcome.ok) throw new Error(`${outcome.error.message}\n${outcome.error.output ?? ''}`);
      const decided = new Map(outcome.changes.map((c) => [c.address, c]));
      const disagreements: string[] = [];
      for (const [address, p] of names) {
        const c = decided.get(address);
        if (!c) {
          disagreements.push(`${p.type} ${p.attribute}: the provider planned no change (the probe changes nothing)`);
          continue;
        }
        const providerReplaces = c.action === 'replace';
        const tableReplaces = replacementCauses(p.type, [p.attribute]).length > 0;
        if (providerReplaces !== tableReplaces) {
          disagreements.push(`${p.type} ${p.attribute}: the provider plans ${c.action}${c.replacedBecause ? ` (forced by ${c.replacedBecause.join(', ')})` : ''}, REPLACEMENT_ATTRIBUTES says ${tableReplaces ? 'replace' : 'update'}`);
        }
      }
      expect(disagreements).toEqual([]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, REAL_TERRAFORM_TIMEOUT_MS);
});
