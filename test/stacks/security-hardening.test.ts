import * as fs from 'fs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SIGN_IN_TRIGGERS } from '../../functions/shared/contracts';
import { platformNames, tenantNames } from '../../model/names';
import { EXAMPLE_SETTINGS, errorsOf, l1, l2, l3, makeFixture } from '../helpers/fixture';
import { inlinePolicyOfRole } from '../helpers/iam';
import { onlyResource, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * What the stacks build for issue 16: which app serves each tenant (recorded in the registry),
 * the API authorizer's permissions, flood protection (WAF, reserved concurrency), threat
 * protection and token lifetime. The tenant set and settings are built here.
 */
const settings = fs
  .readFileSync(EXAMPLE_SETTINGS, 'utf8')
  .replace('    selfSignUp: false', () => '    selfSignUp: false\n    featurePlan: PLUS\n    tokenValidityMinutes: 10')
  .replace('  throttling:', () => '  protection:\n    apiRequestsPerIpPer5Minutes: 1200\n    signInReservedConcurrency: 7\n  throttling:');
const fx = makeFixture({
  settings,
  tenants: {
    'pooled.yaml': l1('pooled'),
    'shared-app.yaml': l2('shared-app'),
    'own-app.yaml': l3('own-app'),
    'pending.yaml': l3('pending', { encryption: { byok: 'imported' } }),
  },
});
afterAll(() => fx.cleanup());
const validation = fx.validate();
const lz = validation.landingZone!;
const result = synthTo(lz);
const platform = stackJson(result, 'platform');
const names = platformNames(lz.settings);

const registryEntries = (json: TfJson) =>
  Object.values(resources(json, 'aws_dynamodb_table_item')).map((item) => ({ provider: item.provider as string | undefined, entry: unmarshall(JSON.parse(item.item)) }));
const values = (json: TfJson, type: string) => Object.values(resources(json, type));

test('the settings and tenants are valid', () => {
  expect(errorsOf(validation)).toEqual([]);
});

describe('the registry records which app serves each tenant', () => {
  test.each([
    ['pooled', 'platform'],
    ['shared-app', 'platform'],
    ['pending', 'platform'], // BYOK pending: the platform app serves it until its own app runs
  ])('%s: one entry, served by the %s app, with its API key and its tier’s quota', (id, host) => {
    const json = stackJson(result, `tenant-${id}`);
    const [only, ...rest] = registryEntries(json);
    expect(rest).toEqual([]);
    expect(only.provider).toBeUndefined();
    expect(only.entry).toMatchObject({ servedBy: host, apiKeyId: expect.stringMatching(/^\$\{aws_api_gateway_api_key\./), quota: lz.settings.platform.quotas[only.entry.tier as 'L1'] });
    expect(values(json, 'aws_cognito_user').filter((u) => u.provider === undefined)).toHaveLength(1);
  });

  test('an L3 tenant on its own app: the platform keeps an entry that names the tenant’s app, with no API key and no user in the platform pool', () => {
    const json = stackJson(result, 'tenant-own-app');
    const entries = registryEntries(json);
    const inPlatform = entries.find((e) => e.provider === undefined)!;
    const inOwnApp = entries.find((e) => e.provider === 'aws.tenant')!;
    expect(inPlatform.entry).toMatchObject({ servedBy: 'tenant', status: 'active' });
    expect(inPlatform.entry.apiKeyId).toBeUndefined();
    expect(inOwnApp.entry).toMatchObject({ servedBy: 'tenant', apiKeyId: expect.stringMatching(/^\$\{aws_api_gateway_api_key\./) });
    expect(values(json, 'aws_cognito_user').map((u) => u.provider)).toEqual(['aws.tenant']);
    expect(values(json, 'aws_api_gateway_api_key').map((k) => k.provider)).toEqual(['aws.tenant']);
  });

  test('each app tells its functions which app they belong to', () => {
    for (const f of values(platform, 'aws_lambda_function')) expect(f.environment.variables.APP_HOST).toBe('platform');
    const own = values(stackJson(result, 'tenant-own-app'), 'aws_lambda_function');
    expect(own).toHaveLength(5);
    for (const f of own) expect(f.environment.variables.APP_HOST).toBe('tenant');
  });
});

describe('the API authorizer', () => {
  test('reads the registry (its key through DynamoDB only) and the values of API keys, nothing else', () => {
    const policy = inlinePolicyOfRole(platform, names.appRole('api-authorizer'));
    expect(policy.Statement.filter((s) => !['OwnLogs', 'Traces'].includes(s.Sid as string))).toEqual([
      { Sid: 'ReadTenantRegistry', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:${lz.settings.regions.home}:${lz.settings.organization.platformAccountId}:table/${names.registryTable}` },
      { Sid: 'RegistryKeyThroughDynamoDB', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: expect.stringMatching(/^\$\{aws_kms_key\./), Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${lz.settings.regions.home}.amazonaws.com` } } },
      { Sid: 'ReadTenantApiKeys', Effect: 'Allow', Action: 'apigateway:GET', Resource: `arn:aws:apigateway:${lz.settings.regions.home}::/apikeys/*` },
    ]);
  });

  test('accepts tokens of the app’s one pool and client', () => {
    const fn = values(platform, 'aws_lambda_function').find((f) => f.function_name === names.functionName('api-authorizer'))!;
    expect(fn.environment.variables).toMatchObject({ USER_POOL_ID: expect.stringMatching(/^\$\{aws_cognito_user_pool\./), USER_POOL_CLIENT_ID: expect.stringMatching(/^\$\{aws_cognito_user_pool_client\./) });
  });
});

describe('flood protection', () => {
  test('a WAF rate rule per IP address on the API stage, with the settings’ limit', () => {
    for (const json of [platform, stackJson(result, 'tenant-own-app')]) {
      const acl = onlyResource(json, 'aws_wafv2_web_acl');
      expect(acl).toMatchObject({ scope: 'REGIONAL', default_action: { allow: {} } });
      expect(acl.rule).toEqual([expect.objectContaining({ action: { block: {} }, statement: { rate_based_statement: { limit: 1200, aggregate_key_type: 'IP', evaluation_window_sec: 300 } } })]);
      const association = onlyResource(json, 'aws_wafv2_web_acl_association');
      expect(association.resource_arn).toMatch(/^\$\{aws_api_gateway_stage\..+\.arn\}$/);
      expect(association.web_acl_arn).toMatch(/^\$\{aws_wafv2_web_acl\..+\.arn\}$/);
    }
  });

  test('the platform’s sign-in triggers have reserved concurrency; the API and the authorizer share the rest', () => {
    const reserved = Object.fromEntries(values(platform, 'aws_lambda_function').map((f) => [f.function_name, f.reserved_concurrent_executions]));
    expect(reserved).toEqual({
      ...Object.fromEntries(SIGN_IN_TRIGGERS.map((fn) => [names.functionName(fn), 7])),
      [names.functionName('api-authorizer')]: undefined,
      [names.functionName('tenant-api')]: undefined,
    });
    // A new tenant account's concurrency quota leaves nothing to reserve.
    for (const f of values(stackJson(result, 'tenant-own-app'), 'aws_lambda_function')) expect(f.reserved_concurrent_executions).toBeUndefined();
  });
});

describe('identity', () => {
  test('the Plus plan turns threat protection on, enforced; tokens live as long as the settings say', () => {
    for (const json of [platform, stackJson(result, 'tenant-own-app')]) {
      expect(onlyResource(json, 'aws_cognito_user_pool')).toMatchObject({ user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: 'ENFORCED' } });
      // The web client (the shared pool also has the user migration triggers' server-side client).
      const web = values(json, 'aws_cognito_user_pool_client').filter((c) => c.explicit_auth_flows.includes('ALLOW_USER_SRP_AUTH'));
      expect(web).toEqual([expect.objectContaining({ access_token_validity: 10, id_token_validity: 10, token_validity_units: [{ access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' }] })]);
    }
  });

  test('with the Essentials plan there is no threat protection to turn on', () => {
    const plain = makeFixture({ tenants: { 'pooled.yaml': l1('pooled') } });
    try {
      const pool = onlyResource(stackJson(synthTo(plain.validate().landingZone!, { tenantIds: ['pooled'] }), 'platform'), 'aws_cognito_user_pool');
      expect(pool.user_pool_tier).toBe('ESSENTIALS');
      expect(pool.user_pool_add_ons).toBeUndefined();
    } finally {
      plain.cleanup();
    }
  });
});

test('keys wait for the roles their policies name (KMS refuses a policy naming a role that does not exist yet)', () => {
  const roleAddress = (json: TfJson, name: string) => `aws_iam_role.${Object.entries(resources(json, 'aws_iam_role')).find(([, r]) => r.name === name)![0]}`;
  const key = onlyResource(platform, 'aws_kms_key');
  for (const name of [names.dataAccessRole, names.backupRole, names.appRole('api-authorizer'), names.appRole('tenant-api')]) expect(key.depends_on).toContain(roleAddress(platform, name));
  const own = tenantNames(lz.settings, 'own-app');
  const ownJson = stackJson(result, 'tenant-own-app');
  for (const k of [...values(ownJson, 'aws_kms_key'), ...values(ownJson, 'aws_kms_external_key')]) {
    for (const name of [own.dataAccessRole, own.backupRole, own.appRole('pre-token-generation')]) expect(k.depends_on).toContain(roleAddress(ownJson, name));
  }
});

test('tenant names stay within limits with the new function', () => {
  expect(tenantNames(lz.settings, 'own-app').functionName('api-authorizer').length).toBeLessThanOrEqual(64);
});
