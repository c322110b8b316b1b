import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, postConfirmationEnv } from '../../functions/post-confirmation/handler';
import {
  cognitoEventBase,
  dedicatedEntry,
  FakeClock,
  mockRegistry,
  mockSts,
  mockTenantClients,
  pooledEntry,
  recordingLogger,
  REGISTRY_TABLE,
} from './support';

const BUS = 'lz-central-bus';

function setup() {
  const clock = new FakeClock();
  const registry = mockRegistry([pooledEntry('acme'), dedicatedEntry('globex', '222222222222')]);
  const sts = mockSts(clock);
  const tenant = mockTenantClients();
  tenant.dbMock.on(PutCommand).resolves({});
  const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
  const events = mockClient(eventBridge);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  const logger = recordingLogger();
  const handler = createHandler({
    registryClient: registry.client,
    sts: sts.client,
    eventBridge,
    tenantClientFactory: tenant.factory,
    env: { registryTable: REGISTRY_TABLE, eventBusName: BUS },
    now: clock.now,
    logger,
  });
  return { handler, registry, sts, tenant, events, logger };
}

function event(
  triggerSource: PostConfirmationTriggerEvent['triggerSource'],
  attributes: Record<string, string>,
): PostConfirmationTriggerEvent {
  return { ...cognitoEventBase(triggerSource, attributes), response: {} } as PostConfirmationTriggerEvent;
}

const globexUser = { sub: 'sub-1', email: 'jane@globex.example', 'custom:tenant_id': 'globex', 'custom:tenant_tier': 'L3' };

function signIn(attributes: Record<string, string>) {
  return { ...cognitoEventBase('PostAuthentication_Authentication' as never, attributes), request: { userAttributes: attributes, newDeviceUsed: false }, response: {} } as never;
}

describe('post authentication: admin-created users are recorded on their first sign-in', () => {
  test('first sign-in: profile written with tenant credentials and UserConfirmed published once', async () => {
    const { handler, tenant, events } = setup();
    await handler(signIn(globexUser));
    expect(tenant.dbMock.commandCalls(PutCommand)).toHaveLength(1);
    expect(tenant.dbMock.commandCalls(PutCommand)[0].args[0].input.ConditionExpression).toMatch(/attribute_not_exists/);
    expect(events.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries![0].Detail!))).toEqual([{ tenantId: 'globex', userId: 'sub-1' }]);
  });

  test('later sign-ins find the profile and publish nothing', async () => {
    const { handler, tenant, events } = setup();
    tenant.dbMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await handler(signIn(globexUser));
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('post confirmation', () => {
  test('writes the profile with tenant credentials in the data region, then publishes UserConfirmed', async () => {
    const { handler, sts, tenant, events, logger } = setup();
    const input = event('PostConfirmation_ConfirmSignUp', globexUser);

    await expect(handler(input)).resolves.toBe(input);

    expect(sts.mock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::222222222222:role/lz-data-access',
        RoleSessionName: 'tenant-globex',
        DurationSeconds: 900,
        Tags: [{ Key: 'TenantId', Value: 'globex' }],
        ExternalId: 'globex',
      },
    ]);
    expect(tenant.calls).toEqual([{ accessKeyId: 'ASIA1', region: 'eu-central-1' }]);
    expect(tenant.dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-globex-users',
        // The tier comes from the registry (L2), not from the user attribute (L3).
        Item: { tenantId: 'globex', userId: 'sub-1', email: 'jane@globex.example', tier: 'L2', createdAt: '2030-01-01T00:00:00.000Z' },
        ConditionExpression: 'attribute_not_exists(#user)',
        ExpressionAttributeNames: { '#user': 'userId' },
      },
    ]);
    expect(events.calls().map((call) => call.args[0].input)).toEqual([
      {
        Entries: [
          {
            EventBusName: BUS,
            Source: 'saas.platform',
            DetailType: 'UserConfirmed',
            Detail: JSON.stringify({ tenantId: 'globex', userId: 'sub-1' }),
          },
        ],
      },
    ]);
    expect(logger.records).toEqual([
      { level: 'info', message: 'user confirmed', fields: { tenantId: 'globex', userId: 'sub-1', profileCreated: true } },
    ]);
  });

  test('a pooled tenant assumes the pooled role without an external id', async () => {
    const { handler, sts, tenant } = setup();

    await handler(event('PostConfirmation_ConfirmSignUp', { sub: 'sub-2', email: 'joe@acme.example', 'custom:tenant_id': 'acme' }));

    expect(sts.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111111111111:role/lz-pooled-data-access',
      RoleSessionName: 'tenant-acme',
      DurationSeconds: 900,
      Tags: [{ Key: 'TenantId', Value: 'acme' }],
    });
    expect(tenant.dbMock.commandCalls(PutCommand)[0].args[0].input.TableName).toBe('lz-pooled-users');
  });

  test('a failed publish throws so that Cognito retries', async () => {
    const { handler, events } = setup();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    await expect(handler(event('PostConfirmation_ConfirmSignUp', globexUser))).rejects.toThrow(
      'Publishing UserConfirmed failed: InternalFailure try again',
    );
  });

  test('a retry finds the profile already written and still publishes', async () => {
    const { handler, tenant, events, logger } = setup();
    tenant.dbMock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    await handler(event('PostConfirmation_ConfirmSignUp', globexUser));

    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(logger.records.at(-1)?.fields).toEqual({ tenantId: 'globex', userId: 'sub-1', profileCreated: false });
  });

  test('a failed profile write throws before anything is published', async () => {
    const { handler, tenant, events } = setup();
    tenant.dbMock.on(PutCommand).rejects(new Error('AccessDeniedException'));

    await expect(handler(event('PostConfirmation_ConfirmSignUp', globexUser))).rejects.toThrow('AccessDeniedException');
    expect(events.calls()).toHaveLength(0);
  });

  test('a forgotten-password confirmation is returned untouched', async () => {
    const { handler, registry, sts, events } = setup();
    const input = event('PostConfirmation_ConfirmForgotPassword', globexUser);
    const before = structuredClone(input);

    await expect(handler(input)).resolves.toEqual(before);
    expect([registry.mock.calls(), sts.mock.calls(), events.calls()].map((calls) => calls.length)).toEqual([0, 0, 0]);
  });

  test('a user without a tenant is logged and nothing is recorded', async () => {
    const { handler, registry, tenant, events, logger } = setup();

    await handler(event('PostConfirmation_ConfirmSignUp', { sub: 'sub-3', email: 'x@example.com' }));

    expect([registry.mock.calls(), tenant.dbMock.calls(), events.calls()].map((calls) => calls.length)).toEqual([0, 0, 0]);
    expect(logger.records).toEqual([
      { level: 'info', message: 'confirmed user belongs to no tenant; no profile recorded', fields: { userName: 'jane' } },
    ]);
  });

  test('an unknown tenant throws and nothing is written', async () => {
    const { handler, sts, tenant, events } = setup();

    await expect(
      handler(event('PostConfirmation_ConfirmSignUp', { sub: 's', email: 'e@x.example', 'custom:tenant_id': 'initech' })),
    ).rejects.toThrow('Tenant initech is not registered');
    expect([sts.mock.calls(), tenant.dbMock.calls(), events.calls()].map((calls) => calls.length)).toEqual([0, 0, 0]);
  });

  test('a user without sub or email throws', async () => {
    const { handler } = setup();

    await expect(handler(event('PostConfirmation_ConfirmSignUp', { sub: 's', 'custom:tenant_id': 'acme' }))).rejects.toThrow(
      'Confirmed user has no sub or no email attribute',
    );
  });

  test('env needs the registry table and the event bus', () => {
    expect(postConfirmationEnv({ REGISTRY_TABLE: 'r', EVENT_BUS_NAME: 'b' })).toEqual({ registryTable: 'r', eventBusName: 'b' });
    expect(() => postConfirmationEnv({ REGISTRY_TABLE: 'r' })).toThrow('Environment variable EVENT_BUS_NAME is not set');
  });
});
