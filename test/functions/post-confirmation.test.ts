import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, postConfirmationEnv } from '../../functions/post-confirmation/handler';
import { FAILED_MESSAGE, REFUSED_MESSAGE } from '../../functions/shared/trigger';
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
  const registry = mockRegistry([
    pooledEntry('acme'),
    dedicatedEntry('globex', '222222222222'),
    pooledEntry('umbrella', { status: 'suspended' }),
    dedicatedEntry('hooli', '444444444444', { status: 'offboarding', apiKeyId: undefined }),
    dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined }),
  ]);
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
    env: { registryTable: REGISTRY_TABLE, eventBusName: BUS, appHost: 'platform' },
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

describe('post authentication: only tenants this app serves and that are active', () => {
  test.each([
    ['suspended', 'umbrella', 'tenant is suspended'],
    ['offboarding', 'hooli', 'tenant is offboarding'],
    ["served by the tenant's own app", 'initrode', "tenant is served by the tenant's own app, not this (platform) app"],
  ])('a %s tenant: no session, no profile, no event; the sign-in is refused', async (_name, tenantId, reason) => {
    const { handler, sts, tenant, events, logger } = setup();

    await expect(handler(signIn({ sub: 'sub-9', email: `u@${tenantId}.example`, 'custom:tenant_id': tenantId }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect([sts.mock.calls(), tenant.dbMock.calls(), events.calls()].map((calls) => calls.length)).toEqual([0, 0, 0]);
    expect(logger.records).toEqual([
      { level: 'warn', message: 'request refused', fields: { trigger: 'post-confirmation', triggerSource: 'PostAuthentication_Authentication', userName: 'jane', tenantId, reason: `${reason}: no profile recorded, no event published` } },
    ]);
  });

  test('an STS refusal (its message names accounts and role ARNs) is logged; the caller reads a fixed message', async () => {
    const { handler, sts, events, logger } = setup();
    const denied = 'User: arn:aws:sts::111111111111:assumed-role/kpz-post-confirmation/kpz-post-confirmation is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/lz-data-access';
    sts.mock.on(AssumeRoleCommand).rejects(Object.assign(new Error(denied), { name: 'AccessDenied' }));

    const thrown = await handler(signIn(globexUser)).catch((e: Error) => e);
    expect(thrown).toEqual(new Error(FAILED_MESSAGE));
    expect(String(thrown)).not.toMatch(/arn:|\d{12}/);
    expect(events.calls()).toHaveLength(0);
    expect(logger.records).toEqual([expect.objectContaining({ level: 'error', message: 'trigger failed', fields: expect.objectContaining({ errorName: 'AccessDenied', errorMessage: denied }) })]);
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

  test('a failed publish throws (the detail goes to the log)', async () => {
    const { handler, events, logger } = setup();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    await expect(handler(event('PostConfirmation_ConfirmSignUp', globexUser))).rejects.toThrow(new Error(FAILED_MESSAGE));
    expect(logger.records.at(-1)?.fields?.errorMessage).toBe('Publishing UserConfirmed failed: InternalFailure try again');
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

    await expect(handler(event('PostConfirmation_ConfirmSignUp', globexUser))).rejects.toThrow(new Error(FAILED_MESSAGE));
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
    ).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect([sts.mock.calls(), tenant.dbMock.calls(), events.calls()].map((calls) => calls.length)).toEqual([0, 0, 0]);
  });

  test('a user without sub or email throws', async () => {
    const { handler } = setup();

    await expect(handler(event('PostConfirmation_ConfirmSignUp', { sub: 's', 'custom:tenant_id': 'acme' }))).rejects.toThrow(new Error(FAILED_MESSAGE));
  });

  test('env needs the registry table, the event bus and the app', () => {
    expect(postConfirmationEnv({ REGISTRY_TABLE: 'r', EVENT_BUS_NAME: 'b', APP_HOST: 'tenant' })).toEqual({ registryTable: 'r', eventBusName: 'b', appHost: 'tenant' });
    expect(() => postConfirmationEnv({ REGISTRY_TABLE: 'r' })).toThrow('Environment variable EVENT_BUS_NAME is not set');
  });
});
