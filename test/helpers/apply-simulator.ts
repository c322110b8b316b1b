import { createHash } from 'crypto';

/**
 * Turns a synthesized stack (cdk.tf.json) into the Terraform state (format version 4) that
 * applying it would leave: every resource with its configured attributes, the computed ones
 * (id, arn, tags_all) filled in the way the AWS provider fills them, nested blocks as lists,
 * references resolved. It is test and benchmark input for the audit, not a Terraform; values
 * that only AWS would know (key ids, pool ids) are derived deterministically from names.
 */
export interface SimulatedApplyOptions {
  /** Values of `${data.terraform_remote_state.<name>.outputs.<output>}` references, by the reference text. */
  readonly references?: Readonly<Record<string, string>>;
  /** The id an OU of this name has in the organization. */
  readonly ouId?: (name: string) => string;
  /** key_state of external keys (imported material): `Enabled` once material is imported. @default 'Enabled' */
  readonly externalKeyState?: 'Enabled' | 'PendingImport';
  /** Account id returned for created aws_organizations_account resources. */
  readonly createdAccountId?: string;
}

type Json = Record<string, any>;

/** Attributes that are maps (stay objects); every other object-valued attribute is a block (a list in state). */
const MAP_ATTRIBUTES = new Set(['tags', 'tags_all', 'attributes', 'variables', 'triggers', 'dimensions', 'default_tags']);
const DROPPED = new Set(['//', 'provider', 'lifecycle', 'depends_on', 'count', 'for_each', 'connection', 'provisioner']);

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function defaultOuId(name: string): string {
  return `ou-${hex(`root/${name}`, 4)}-${hex(name, 8)}`;
}

interface Placement {
  readonly account: string;
  readonly region: string;
}

function computed(type: string, name: string, values: Json, at: Placement, opts: SimulatedApplyOptions): Json {
  const { account, region } = at;
  const n = values.name ?? values.bucket ?? values.function_name ?? name;
  const seed = `${account}/${region}/${type}/${n}`;
  switch (type) {
    case 'aws_kms_key':
    case 'aws_kms_external_key': {
      const id = uuid(seed);
      return { id, key_id: id, arn: `arn:aws:kms:${region}:${account}:key/${id}`, ...(type === 'aws_kms_external_key' ? { key_state: opts.externalKeyState ?? 'Enabled', key_usage: 'ENCRYPT_DECRYPT', expiration_model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } : { key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT' }) };
    }
    case 'aws_kms_alias':
      return { id: values.name, arn: `arn:aws:kms:${region}:${account}:${values.name}` };
    case 'aws_dynamodb_table':
      return { id: values.name, arn: `arn:aws:dynamodb:${region}:${account}:table/${values.name}`, ...(values.stream_enabled ? { stream_arn: `arn:aws:dynamodb:${region}:${account}:table/${values.name}/stream/2026-01-01T00:00:00.000` } : {}) };
    case 'aws_s3_bucket':
      return { id: values.bucket, arn: `arn:aws:s3:::${values.bucket}`, bucket_domain_name: `${values.bucket}.s3.amazonaws.com`, region };
    case 'aws_iam_role':
      return { id: values.name, arn: `arn:aws:iam::${account}:role/${values.name}`, unique_id: `AROA${hex(seed, 17).toUpperCase()}` };
    case 'aws_organizations_account':
      return { id: opts.createdAccountId ?? values.id, arn: `arn:aws:organizations::${account}:account/o-x/${opts.createdAccountId}`, status: 'ACTIVE' };
    case 'aws_organizations_organizational_unit': {
      const id = (opts.ouId ?? defaultOuId)(values.name);
      return { id, arn: `arn:aws:organizations::${account}:ou/o-x/${id}` };
    }
    case 'aws_backup_vault':
      return { id: values.name, arn: `arn:aws:backup:${region}:${account}:backup-vault:${values.name}`, recovery_points: 0 };
    case 'aws_backup_plan': {
      const id = uuid(seed);
      return { id, arn: `arn:aws:backup:${region}:${account}:backup-plan:${id}`, version: hex(seed, 20) };
    }
    case 'aws_sqs_queue':
      return { id: `https://sqs.${region}.amazonaws.com/${account}/${values.name}`, url: `https://sqs.${region}.amazonaws.com/${account}/${values.name}`, arn: `arn:aws:sqs:${region}:${account}:${values.name}` };
    case 'aws_cloudwatch_log_group':
      return { id: values.name, arn: `arn:aws:logs:${region}:${account}:log-group:${values.name}` };
    case 'aws_cloudwatch_event_bus':
      return { id: values.name, arn: `arn:aws:events:${region}:${account}:event-bus/${values.name}` };
    case 'aws_cloudwatch_event_rule':
      // Rules on the default bus have no bus in their id or ARN.
      return values.event_bus_name === undefined || values.event_bus_name === 'default'
        ? { id: values.name, arn: `arn:aws:events:${region}:${account}:rule/${values.name}` }
        : { id: `${values.event_bus_name}|${values.name}`, arn: `arn:aws:events:${region}:${account}:rule/${values.event_bus_name}/${values.name}` };
    case 'aws_backup_restore_testing_plan':
      return { id: values.name, arn: `arn:aws:backup:${region}:${account}:restore-testing-plan:${values.name}-${hex(seed, 6)}` };
    case 'aws_budgets_budget':
      return { id: `${account}:${values.name}`, account_id: account, arn: `arn:aws:budgets::${account}:budget/${values.name}` };
    case 'aws_ce_cost_allocation_tag':
      return { id: values.tag_key, type: 'UserDefined' };
    case 'aws_organizations_policy': {
      const id = `p-${hex(seed, 8)}`;
      return { id, arn: `arn:aws:organizations::${account}:policy/o-x/service_control_policy/${id}` };
    }
    case 'aws_ssoadmin_instances':
      return { id: region, arns: [`arn:aws:sso:::instance/ssoins-${hex(account, 16)}`], identity_store_ids: [`d-${hex(account, 10)}`] };
    case 'aws_ssoadmin_permission_set': {
      const instance = `ssoins-${hex(account, 16)}`;
      const arn = `arn:aws:sso:::permissionSet/${instance}/ps-${hex(`permission-set/${values.name}`, 16)}`;
      return { id: `${arn},arn:aws:sso:::instance/${instance}`, arn, created_date: '2026-01-01T00:00:00Z' };
    }
    case 'aws_identitystore_group': {
      const groupId = uuid(`group/${values.alternate_identifier?.unique_attribute?.attribute_value}`);
      return { id: groupId, group_id: groupId, display_name: values.alternate_identifier?.unique_attribute?.attribute_value };
    }
    case 'aws_cognito_user_pool': {
      const id = `${region}_${hex(seed, 9)}`;
      return { id, arn: `arn:aws:cognito-idp:${region}:${account}:userpool/${id}`, endpoint: `cognito-idp.${region}.amazonaws.com/${id}` };
    }
    case 'aws_lambda_function':
      return { id: values.function_name, arn: `arn:aws:lambda:${region}:${account}:function:${values.function_name}`, invoke_arn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:${values.function_name}/invocations` };
    case 'aws_sns_topic':
      return { id: `arn:aws:sns:${region}:${account}:${values.name}`, arn: `arn:aws:sns:${region}:${account}:${values.name}` };
    case 'aws_api_gateway_rest_api':
      return { id: hex(seed, 10), root_resource_id: hex(`${seed}/root`, 10), execution_arn: `arn:aws:execute-api:${region}:${account}:${hex(seed, 10)}` };
    default:
      // A configured arn (an event target's, a subscription's topic) is an argument, not computed.
      return { id: hex(seed, 16), ...(values.arn === undefined ? { arn: `arn:aws:${type.replace(/^aws_/, '').split('_')[0]}:${region}:${account}:${type}/${n}` } : {}) };
  }
}

/** Nested configuration objects become lists, as Terraform stores blocks. */
function toStateShape(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toStateShape(v));
  if (value !== null && typeof value === 'object') {
    const obj = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toStateShape(v, k)]));
    return key !== undefined && !MAP_ATTRIBUTES.has(key) ? [obj] : obj;
  }
  return value;
}

export function simulateApply(config: Json, opts: SimulatedApplyOptions = {}): Json {
  const refs = opts.references ?? {};
  const replaceRefs = (text: string) => Object.entries(refs).reduce((t, [ref, v]) => t.split(ref).join(v), text);
  const providers: Record<string, Placement> = {};
  const defaultTags: Record<string, Json> = {};
  for (const p of (config.provider?.aws ?? []) as Json[]) {
    const alias = p.alias ? `aws.${p.alias}` : 'aws';
    providers[alias] = { account: replaceRefs(String(p.allowed_account_ids?.[0] ?? '000000000000')), region: p.region };
    defaultTags[alias] = p.default_tags?.[0]?.tags ?? {};
  }

  // First pass: configured values and computed attributes, per address.
  const records: Array<{ mode: 'managed' | 'data'; type: string; name: string; provider: string; values: Json }> = [];
  const byAddress = new Map<string, Json>();
  for (const [mode, section] of [
    ['managed', 'resource'],
    ['data', 'data'],
  ] as const) {
    for (const [type, byName] of Object.entries((config[section] ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [name, block] of Object.entries(byName)) {
        const provider = typeof block.provider === 'string' ? block.provider : 'aws';
        const values: Json = {};
        for (const [k, v] of Object.entries(block)) if (!DROPPED.has(k)) values[k] = v;
        const at = providers[provider] ?? { account: '000000000000', region: 'us-east-1' };
        let extra: Json;
        if (mode === 'data' && type === 'terraform_remote_state') extra = { outputs: {} };
        else if (mode === 'data' && type === 'aws_organizations_organizational_unit') extra = { id: (opts.ouId ?? defaultOuId)(values.name) };
        else extra = computed(type, name, values, at, opts);
        if (mode === 'managed' && !NOT_TAGGABLE.has(type) && type !== 'aws_iam_role_policy') {
          extra.tags_all = { ...(defaultTags[provider] ?? {}), ...((values.tags as Json) ?? {}) };
        }
        const full = { ...values, ...extra };
        records.push({ mode, type, name, provider, values: full });
        byAddress.set(`${mode === 'data' ? 'data.' : ''}${type}.${name}`, full);
      }
    }
  }

  // Second pass: resolve references, then shape blocks as lists.
  const resolveString = (s: string): string =>
    replaceRefs(
      replaceRefs(s)
        // element(list, i) of a list attribute, as Terraform evaluates it
        .replace(/\$\{element\(((?:data\.)?[a-z0-9_]+\.[^.}]+)\.([a-z0-9_]+), (\d+)\)\}/g, (whole, address: string, attr: string, index: string) => {
          const list = byAddress.get(address)?.[attr];
          return Array.isArray(list) && list[Number(index)] !== undefined ? String(list[Number(index)]) : whole;
        })
        .replace(/(^|[^$])\$\{((?:data\.)?[a-z0-9_]+\.[^.}]+)\.([a-z0-9_]+)\}/g, (whole, pre: string, address: string, attr: string) => {
      const target = byAddress.get(address);
      if (!target || target[attr] === undefined) return whole;
      return `${pre}${String(target[attr])}`;
    }),
    );
  const resolve = (v: unknown): unknown => (typeof v === 'string' ? resolveString(v).replace(/\$\$\{/g, '${') : Array.isArray(v) ? v.map(resolve) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)])) : v);

  const grouped = new Map<string, Json>();
  for (const r of records) {
    const attributes = Object.fromEntries(Object.entries(resolve(r.values) as Json).map(([k, v]) => [k, toStateShape(v, k)]));
    const alias = r.provider === 'aws' ? '' : `.${r.provider.replace(/^aws\./, '')}`;
    grouped.set(`${r.mode}.${r.type}.${r.name}`, {
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider: `provider["registry.terraform.io/hashicorp/aws"]${alias}`,
      instances: [{ schema_version: 0, attributes, sensitive_attributes: [], dependencies: [] }],
    });
  }
  const outputs = Object.fromEntries(Object.entries((config.output ?? {}) as Record<string, Json>).map(([k, o]) => [k, { value: resolve(o.value), type: 'string' }]));
  const stackName = String(config['//']?.metadata?.stackName ?? 'stack');
  return {
    version: 4,
    terraform_version: '1.10.5',
    serial: 1,
    lineage: uuid(`lineage/${stackName}`),
    outputs,
    resources: [...grouped.values()],
    check_results: null,
  };
}

/** Resource types the AWS provider does not tag (no tags_all in state). */
const NOT_TAGGABLE = new Set([
  'aws_kms_alias',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_sqs_queue_policy',
  'aws_sns_topic_policy',
  'aws_sns_topic_subscription',
  'aws_cloudwatch_event_bus_policy',
  'aws_cloudwatch_event_target',
  'aws_lambda_permission',
  'aws_api_gateway_resource',
  'aws_api_gateway_method',
  'aws_api_gateway_integration',
  'aws_api_gateway_deployment',
  'aws_api_gateway_authorizer',
  'aws_api_gateway_method_settings',
  'aws_api_gateway_account',
  'aws_api_gateway_usage_plan_key',
  'aws_iam_role_policy_attachment',
  'aws_backup_selection',
  'aws_backup_vault_lock_configuration',
  'aws_dynamodb_table_item',
  'aws_cognito_user',
  'aws_cognito_user_pool_client',
  'aws_organizations_policy_attachment',
  'aws_s3_account_public_access_block',
  'aws_ebs_encryption_by_default',
  'aws_ebs_default_kms_key',
  'aws_iam_account_password_policy',
  'aws_backup_restore_testing_selection',
  'aws_ce_cost_allocation_tag',
  'aws_ssoadmin_account_assignment',
  'aws_ssoadmin_managed_policy_attachment',
  'aws_ssoadmin_permission_set_inline_policy',
]);
