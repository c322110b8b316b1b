import { TENANT_API_ROUTES } from '../../functions/shared/contracts';
import { platformNames } from '../../model/names';
import { fixtureLandingZone, onlyResource, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

const lz = fixtureLandingZone();
const result = synthTo(lz, { tenantIds: ['bluefin-analytics'] });
const platform = stackJson(result, 'platform');
const org = stackJson(result, 'organization');
const names = platformNames(lz.settings);
const values = (type: string): TfJson[] => Object.values(resources(platform, type));
const ref = (type: string, match: (b: TfJson) => boolean) => {
  const entry = Object.entries(resources(platform, type)).find(([, b]) => match(b));
  if (!entry) throw new Error(`no ${type}`);
  return `\${${type}.${entry[0]}`;
};

describe('organization stack', () => {
  test('the four OUs under the root, with the names from the settings', () => {
    const ous = Object.values(resources(org, 'aws_organizations_organizational_unit')).map((o) => [o.name, o.parent_id]);
    expect(ous.sort()).toEqual(Object.values(lz.settings.organizationalUnits).map((n) => [n, lz.settings.organization.rootId]).sort());
  });

  test('guardrails attached: baseline, regions and keys on both tenant OUs; deny-all on suspended', () => {
    const policyName = (id: string) => Object.entries(resources(org, 'aws_organizations_policy')).find(([k]) => id.includes(`aws_organizations_policy.${k}.`))![1].name;
    const ouName = (id: string) => Object.entries(resources(org, 'aws_organizations_organizational_unit')).find(([k]) => id.includes(`aws_organizations_organizational_unit.${k}.`))![1].name;
    const byOu: Record<string, string[]> = {};
    for (const a of Object.values(resources(org, 'aws_organizations_policy_attachment'))) (byOu[ouName(a.target_id)] ??= []).push(policyName(a.policy_id));
    expect(byOu['Tenants-L2'].sort()).toEqual(['kpz-guardrail-baseline', 'kpz-guardrail-keys-and-roles', 'kpz-guardrail-regions']);
    expect(byOu['Tenants-L3'].sort()).toEqual(byOu['Tenants-L2'].sort());
    expect(byOu.Suspended).toContain('kpz-guardrail-suspended');
    expect(Object.values(resources(org, 'aws_organizations_policy')).every((p) => p.type === 'SERVICE_CONTROL_POLICY' && p.skip_destroy === true)).toBe(true);
  });

  test('the region guardrail lists exactly the allowed regions', () => {
    const regions = Object.values(resources(org, 'aws_organizations_policy')).find((p) => p.name === 'kpz-guardrail-regions')!;
    expect(JSON.parse(regions.content).Statement[0].Condition.StringNotEquals['aws:RequestedRegion']).toEqual(lz.settings.regions.allowed);
  });
});

describe('platform stack: identity', () => {
  const pool = onlyResource(platform, 'aws_cognito_user_pool');
  const clients = Object.values(resources(platform, 'aws_cognito_user_pool_client'));
  const client = clients.find((c) => c.name === 'kpz-web')!;

  test('custom:tenant_id and custom:tenant_tier are immutable', () => {
    const schema = Object.fromEntries((pool.schema as TfJson[]).map((a) => [a.name, a]));
    expect(schema.tenant_id).toMatchObject({ mutable: false, attribute_data_type: 'String', developer_only_attribute: false });
    expect(schema.tenant_tier).toMatchObject({ mutable: false });
  });

  test('admin-created users only, password policy and MFA from the settings, deletion protection', () => {
    const id = lz.settings.platform.identity;
    expect(pool.admin_create_user_config.allow_admin_create_user_only).toBe(!id.selfSignUp);
    expect(pool.password_policy).toMatchObject({ minimum_length: id.passwordMinimumLength, require_symbols: id.requireSymbols, temporary_password_validity_days: id.temporaryPasswordValidityDays });
    expect(pool.mfa_configuration).toBe(id.mfa);
    expect(pool.deletion_protection).toBe('ACTIVE');
    expect(pool.lifecycle.prevent_destroy).toBe(true);
  });

  test('the three triggers, with pre token generation V2 (claims in access tokens too)', () => {
    expect(pool.lambda_config.pre_sign_up).toBe(`${ref('aws_lambda_function', (f) => f.function_name === 'kpz-pre-sign-up')}.arn}`);
    expect(pool.lambda_config.post_confirmation).toBe(`${ref('aws_lambda_function', (f) => f.function_name === 'kpz-post-confirmation')}.arn}`);
    expect(pool.lambda_config.pre_token_generation_config).toEqual({ lambda_arn: `${ref('aws_lambda_function', (f) => f.function_name === 'kpz-pre-token-generation')}.arn}`, lambda_version: 'V2_0' });
    const permissions = values('aws_lambda_permission').filter((p) => p.principal === 'cognito-idp.amazonaws.com');
    expect(permissions).toHaveLength(3);
  });

  test('the app client: SRP and refresh only, no user-existence errors, reads but never writes the tenant attributes', () => {
    expect(client.explicit_auth_flows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.prevent_user_existence_errors).toBe('ENABLED');
    expect(client.generate_secret).toBe(false);
    expect(client.read_attributes).toEqual(expect.arrayContaining(['custom:tenant_id', 'custom:tenant_tier']));
    expect(client.write_attributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
  });

  test('the user migration client: the server-side password check only, for the triggers of L3 pools', () => {
    expect(clients.map((c) => c.name).sort()).toEqual(['kpz-user-migration', 'kpz-web']);
    const migration = clients.find((c) => c.name === 'kpz-user-migration')!;
    expect(migration.explicit_auth_flows).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(migration.generate_secret).toBe(false);
    expect(migration.write_attributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    expect(platform.output.user_migration_client_id.value).toBe(`\${${Object.entries(resources(platform, 'aws_cognito_user_pool_client')).find(([, c]) => c === migration)![0].replace(/^/, 'aws_cognito_user_pool_client.')}.id}`);
  });
});

describe('platform stack: API', () => {
  test('every route goes through the Lambda authorizer and requires the API key it supplies, and proxies to the tenant API function', () => {
    const methods = values('aws_api_gateway_method');
    expect(methods).toHaveLength(TENANT_API_ROUTES.reduce((n, r) => n + r.methods.length, 0));
    const authorizer = onlyResource(platform, 'aws_api_gateway_authorizer');
    const authorizerFn = ref('aws_lambda_function', (f) => f.function_name === 'kpz-api-authorizer');
    expect(authorizer).toMatchObject({ type: 'TOKEN', identity_source: 'method.request.header.Authorization', authorizer_uri: `${authorizerFn}.invoke_arn}`, authorizer_result_ttl_in_seconds: 60 });
    expect(new RegExp(authorizer.identity_validation_expression).test('Bearer aaa.bbb.ccc')).toBe(true);
    expect(new RegExp(authorizer.identity_validation_expression).test('Basic dXNlcjpwYXNz')).toBe(false);
    expect(onlyResource(platform, 'aws_api_gateway_rest_api').api_key_source).toBe('AUTHORIZER');
    for (const m of methods) expect(m).toMatchObject({ authorization: 'CUSTOM', authorizer_id: expect.stringMatching(/^\$\{aws_api_gateway_authorizer\./), api_key_required: true });
    const fn = ref('aws_lambda_function', (f) => f.function_name === 'kpz-tenant-api');
    for (const i of values('aws_api_gateway_integration')) expect(i).toMatchObject({ type: 'AWS_PROXY', uri: `${fn}.invoke_arn}` });
  });

  test('per-tier throttling: one usage plan per tier with the limits of the settings', () => {
    const plans = Object.fromEntries(values('aws_api_gateway_usage_plan').map((p) => [p.name, p.throttle_settings]));
    for (const [tier, t] of Object.entries(lz.settings.platform.throttling)) expect(plans[`${names.api}-${tier}`]).toEqual({ rate_limit: t.rateLimit, burst_limit: t.burstLimit });
  });

  test('stage with tracing and KMS-encrypted access logs', () => {
    const stage = onlyResource(platform, 'aws_api_gateway_stage');
    expect(stage.xray_tracing_enabled).toBe(true);
    expect(stage.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\./);
  });
});

describe('platform stack: data, logs, events, alarms', () => {
  const keyRef = `${ref('aws_kms_key', () => true)}.arn}`;

  test('pooled tables: tenant id partition key, PITR, deletion protection, SSE with the platform key, streams', () => {
    const tables = Object.fromEntries(values('aws_dynamodb_table').map((t) => [t.name, t]));
    for (const name of [names.itemsTable, names.usersTable]) {
      expect(tables[name]).toMatchObject({ hash_key: 'tenantId', point_in_time_recovery: { enabled: true }, deletion_protection_enabled: true, server_side_encryption: { enabled: true, kms_key_arn: keyRef }, stream_enabled: true, stream_view_type: 'NEW_AND_OLD_IMAGES', lifecycle: { prevent_destroy: true } });
    }
    expect(tables[names.itemsTable].range_key).toBe('itemId');
    expect(tables[names.registryTable]).toMatchObject({ hash_key: 'tenantId', deletion_protection_enabled: true });
  });

  test('pooled bucket: SSE-KMS with the platform key, versioning, public access blocked, TLS only', () => {
    const bucket = onlyResource(platform, 'aws_s3_bucket');
    expect(bucket.bucket).toBe(names.pooledBucket(lz.settings.organization.platformAccountId, lz.settings.regions.home));
    expect(onlyResource(platform, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: keyRef });
    expect(onlyResource(platform, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(JSON.parse(onlyResource(platform, 'aws_s3_bucket_policy').policy).Statement[0].Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('every log group has a retention and the platform key', () => {
    const groups = values('aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const g of groups) expect(g).toMatchObject({ retention_in_days: lz.settings.platform.logRetentionDays, kms_key_id: keyRef });
  });

  test('alarms on Lambda errors and API 5xx, to an encrypted topic', () => {
    const alarms = values('aws_cloudwatch_metric_alarm');
    expect(alarms.filter((a) => a.metric_name === 'Errors' && a.namespace === 'AWS/Lambda')).toHaveLength(5);
    expect(alarms.filter((a) => a.metric_name === '5XXError')).toHaveLength(1);
    expect(onlyResource(platform, 'aws_sns_topic').kms_master_key_id).toBe(names.kmsAlias);
    for (const a of alarms) expect(a.alarm_actions).toEqual([`arn:aws:sns:${lz.settings.regions.home}:${lz.settings.organization.platformAccountId}:${names.alarmTopic}`]);
  });

  test('central bus: organization-only policy, archive for replay, encrypted dead-letter queue', () => {
    expect(onlyResource(platform, 'aws_cloudwatch_event_bus').name).toBe(names.centralBus);
    const policy = JSON.parse(onlyResource(platform, 'aws_cloudwatch_event_bus_policy').policy);
    expect(policy.Statement).toEqual([expect.objectContaining({ Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': lz.settings.organization.id } } })]);
    expect(onlyResource(platform, 'aws_cloudwatch_event_archive').retention_days).toBeGreaterThan(0);
    expect(onlyResource(platform, 'aws_sqs_queue')).toMatchObject({ name: names.eventsDlq, kms_master_key_id: names.kmsAlias });
  });

  test('IAM policy variables reach Terraform escaped, so AWS receives them literally', () => {
    const role = Object.values(resources(platform, 'aws_iam_role_policy')).map((p) => p.policy as string).find((p) => p.includes('LeadingKeys'))!;
    expect(role).toContain('$${aws:PrincipalTag/TenantId}');
    expect(role).not.toMatch(/[^$]\$\{aws:/);
  });

  test('the platform stack does not depend on the tenant set', () => {
    const other = synthTo(lz, { tenantIds: ['northwind-gov'] });
    expect(JSON.stringify(stackJson(other, 'platform'))).toBe(JSON.stringify(platform));
  });

  test('Lambda code is bundled, zipped deterministically and referenced by hash', () => {
    const fns = values('aws_lambda_function');
    expect(fns).toHaveLength(5);
    for (const f of fns) {
      expect(f).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', tracing_config: { mode: 'Active' } });
      expect(f.filename).toMatch(/^assets\/.+\/[0-9a-f]{64}\/[a-z-]+\.zip$/);
      expect(f.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
  });
});
