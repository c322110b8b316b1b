import { unmarshall } from '@aws-sdk/util-dynamodb';
import { platformNames, tenantNames } from '../../model/names';
import { fixtureLandingZone, onlyResource, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

const lz = fixtureLandingZone();
const result = synthTo(lz, { tenantIds: ['bluefin-analytics', 'orbit-travel', 'pinecrest-schools'] });
const names = platformNames(lz.settings);
const PLATFORM = lz.settings.organization.platformAccountId;
const REGION = lz.settings.regions.home;
const registry = (json: TfJson) => unmarshall(JSON.parse(onlyResource(json, 'aws_dynamodb_table_item').item));

describe('L1 tenant stack (active)', () => {
  const json = stackJson(result, 'tenant-bluefin-analytics');

  test('works in the platform account only', () => {
    expect(json.provider.aws).toHaveLength(1);
    expect(json.provider.aws[0].allowed_account_ids).toEqual([PLATFORM]);
  });

  test('registry entry: tier, status, and that its data is pooled in the platform account', () => {
    const item = onlyResource(json, 'aws_dynamodb_table_item');
    expect(item).toMatchObject({ table_name: names.registryTable, hash_key: 'tenantId' });
    expect(registry(json)).toEqual({
      tenantId: 'bluefin-analytics',
      tier: 'L1',
      status: 'active',
      displayName: 'Bluefin Analytics',
      appVersion: lz.settings.platform.appVersion,
      servedBy: 'platform',
      quota: lz.settings.platform.quotas.L1,
      apiKeyId: expect.stringMatching(/^\$\{aws_api_gateway_api_key\..+\.id\}$/),
      data: {
        mode: 'pooled',
        accountId: PLATFORM,
        region: REGION,
        itemsTable: names.itemsTable,
        usersTable: names.usersTable,
        bucket: names.pooledBucket(PLATFORM, REGION),
        dataAccessRoleArn: `arn:aws:iam::${PLATFORM}:role/${names.dataAccessRole}`,
      },
    });
  });

  test('first admin user: the owner, with custom:tenant_id set, created after the registry entry', () => {
    const user = onlyResource(json, 'aws_cognito_user');
    expect(user).toMatchObject({
      username: 'mara.lindqvist@bluefin-analytics.example',
      attributes: { email: 'mara.lindqvist@bluefin-analytics.example', 'custom:tenant_id': 'bluefin-analytics' },
      enabled: true,
      user_pool_id: '${data.terraform_remote_state.platform-state.outputs.user_pool_id}',
    });
    expect(user.depends_on).toEqual([expect.stringMatching(/^aws_dynamodb_table_item\./)]);
    expect(json.data.terraform_remote_state['platform-state'].config.key).toBe('shared/platform.tfstate');
  });

  test("an API key in its tier's usage plan", () => {
    expect(onlyResource(json, 'aws_api_gateway_api_key').enabled).toBe(true);
    expect(onlyResource(json, 'aws_api_gateway_usage_plan_key').usage_plan_id).toBe('${data.terraform_remote_state.platform-state.outputs.usage_plan_l1_id}');
  });

  test('routing on the central bus: platform-published events for this tenant, to its encrypted queue, failures to the DLQ', () => {
    const own = tenantNames(lz.settings, 'bluefin-analytics');
    const rule = onlyResource(json, 'aws_cloudwatch_event_rule');
    expect(rule).toMatchObject({ name: own.pooledRule, event_bus_name: names.centralBus });
    expect(JSON.parse(rule.event_pattern)).toEqual({ source: ['saas.platform'], account: [PLATFORM], detail: { tenantId: ['bluefin-analytics'] } });
    const target = onlyResource(json, 'aws_cloudwatch_event_target');
    expect(target.dead_letter_config.arn).toBe(`arn:aws:sqs:${REGION}:${PLATFORM}:${names.eventsDlq}`);
    expect(onlyResource(json, 'aws_sqs_queue')).toMatchObject({ name: own.eventsQueue, kms_master_key_id: names.kmsAlias, lifecycle: { prevent_destroy: true } });
    const queuePolicy = JSON.parse(onlyResource(json, 'aws_sqs_queue_policy').policy);
    expect(queuePolicy.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': `arn:aws:events:${REGION}:${PLATFORM}:rule/${names.centralBus}/${own.pooledRule}` } });
  });
});

describe('suspended and offboarding L1 tenants: access changes, nothing is destroyed', () => {
  test('suspended: registry says so, the user and the API key are disabled, routing and queue stay', () => {
    const json = stackJson(result, 'tenant-orbit-travel');
    expect(registry(json).status).toBe('suspended');
    expect(onlyResource(json, 'aws_cognito_user').enabled).toBe(false);
    expect(onlyResource(json, 'aws_api_gateway_api_key').enabled).toBe(false);
    expect(Object.keys(resources(json, 'aws_cloudwatch_event_rule'))).toHaveLength(1);
  });

  test('offboarding: registry keeps the entry with the retention, the key and the route are gone, the queue stays', () => {
    const json = stackJson(result, 'tenant-pinecrest-schools');
    const entry = registry(json);
    expect(entry).toMatchObject({ status: 'offboarding', offboarding: { requestedOn: '2026-10-15', retentionDays: 90 } });
    expect(entry.apiKeyId).toBeUndefined();
    expect(resources(json, 'aws_api_gateway_api_key')).toEqual({});
    expect(resources(json, 'aws_cloudwatch_event_rule')).toEqual({});
    expect(onlyResource(json, 'aws_cognito_user').enabled).toBe(false);
    expect(onlyResource(json, 'aws_sqs_queue').lifecycle.prevent_destroy).toBe(true);
  });
});
