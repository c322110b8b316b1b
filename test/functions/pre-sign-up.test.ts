import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { createHandler, preSignUpEnv } from '../../functions/pre-sign-up/handler';
import { REFUSED_MESSAGE } from '../../functions/shared/trigger';
import { dedicatedEntry, mockRegistry, pooledEntry, recordingLogger, REGISTRY_TABLE, cognitoEventBase } from './support';

const entries = [
  pooledEntry('acme'),
  dedicatedEntry('globex', '222222222222'),
  pooledEntry('umbrella', { status: 'suspended' }),
  pooledEntry('hooli', { status: 'offboarding' }),
  // An L3 tenant that runs its own app: the platform registry keeps it, the platform app does not serve it.
  dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined }),
];

function setup(selfSignUp = false) {
  const registry = mockRegistry(entries);
  const logger = recordingLogger();
  const handler = createHandler({ registryClient: registry.client, env: { registryTable: REGISTRY_TABLE, selfSignUp, appHost: 'platform' }, logger });
  return { handler, registry, logger };
}

function event(triggerSource: PreSignUpTriggerEvent['triggerSource'], attributes: Record<string, string>): PreSignUpTriggerEvent {
  return {
    ...cognitoEventBase(triggerSource, attributes),
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as PreSignUpTriggerEvent;
}

describe('PreSignUp_AdminCreateUser', () => {
  test('accepts a user of an active registered tenant and returns the event as it was', async () => {
    const { handler, registry } = setup();
    const input = event('PreSignUp_AdminCreateUser', { email: 'jane@globex.example', 'custom:tenant_id': 'globex', 'custom:tenant_tier': 'L2' });
    const before = structuredClone(input);

    await expect(handler(input)).resolves.toEqual(before);
    expect(registry.mock.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: REGISTRY_TABLE, Key: { tenantId: 'globex' } },
    ]);
  });

  test('accepts a user without a tier attribute', async () => {
    const { handler } = setup();

    await expect(handler(event('PreSignUp_AdminCreateUser', { 'custom:tenant_id': 'acme' }))).resolves.toBeDefined();
  });

  test.each<[string, Record<string, string>, string]>([
    ['no tenant id', { email: 'x@example.com' }, 'custom:tenant_id is required'],
    ['an empty tenant id', { 'custom:tenant_id': '' }, 'custom:tenant_id is required'],
    ['an unknown tenant', { 'custom:tenant_id': 'initech' }, 'tenant is not registered'],
    ['a suspended tenant', { 'custom:tenant_id': 'umbrella' }, 'tenant is suspended: users cannot be added'],
    ['an offboarding tenant', { 'custom:tenant_id': 'hooli' }, 'tenant is offboarding: users cannot be added'],
    ['a tenant served by its own app', { 'custom:tenant_id': 'initrode' }, "tenant is served by the tenant's own app, not this (platform) app: users cannot be added"],
    [
      'a tier other than the registry tier',
      { 'custom:tenant_id': 'globex', 'custom:tenant_tier': 'L3' },
      'custom:tenant_tier is L3 but the tenant is L2',
    ],
  ])('refuses %s, with a fixed message for the caller and the reason in the log', async (_name, attributes, reason) => {
    const { handler, logger } = setup();

    await expect(handler(event('PreSignUp_AdminCreateUser', attributes))).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect(logger.records).toEqual([
      {
        level: 'warn',
        message: 'request refused',
        fields: { trigger: 'pre-sign-up', triggerSource: 'PreSignUp_AdminCreateUser', userName: 'jane', reason, ...(attributes['custom:tenant_id'] ? { tenantId: attributes['custom:tenant_id'] } : {}) },
      },
    ]);
  });
});

describe('PreSignUp_SignUp', () => {
  test('is refused when self sign-up is disabled', async () => {
    const { handler, registry } = setup(false);

    await expect(handler(event('PreSignUp_SignUp', { email: 'x@example.com' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect(registry.mock.calls()).toHaveLength(0);
  });

  test('is accepted when enabled, and never auto-confirms or auto-verifies', async () => {
    const { handler } = setup(true);
    const input = event('PreSignUp_SignUp', { email: 'x@example.com' });
    input.response = { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: true };

    const output = await handler(input);
    expect(output.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  test.each([
    ['a tenant id', { 'custom:tenant_id': 'acme' }],
    ['a tenant tier', { 'custom:tenant_tier': 'L3' }],
    ['an empty tenant id', { 'custom:tenant_id': '' }],
  ])('is refused even when enabled if the user sends %s', async (_name, attributes) => {
    const { handler } = setup(true);

    await expect(handler(event('PreSignUp_SignUp', { email: 'x@example.com', ...attributes }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
  });
});

describe('what reaches the caller', () => {
  test('a registry failure (its message names the table) is logged; the caller reads a fixed message', async () => {
    const { handler, registry, logger } = setup();
    registry.mock.on(GetCommand).rejects(Object.assign(new Error('User: arn:aws:sts::222222222222:assumed-role/kpz-pre-sign-up/x is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:222222222222:table/kpz-registry'), { name: 'AccessDeniedException' }));

    const thrown = await handler(event('PreSignUp_AdminCreateUser', { 'custom:tenant_id': 'acme' })).catch((e: Error) => e);
    expect(thrown).toEqual(new Error('Request could not be completed'));
    expect(logger.records).toEqual([expect.objectContaining({ level: 'error', message: 'trigger failed', fields: expect.objectContaining({ errorName: 'AccessDeniedException', errorMessage: expect.stringContaining('arn:aws:sts::222222222222') }) })]);
  });
});

describe('other sign-ups', () => {
  test('federated sign-in is refused', async () => {
    const { handler } = setup(true);

    await expect(handler(event('PreSignUp_ExternalProvider', { 'custom:tenant_id': 'acme' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
  });

  test('an unknown trigger is refused', async () => {
    const { handler } = setup(true);

    await expect(
      handler(event('PreSignUp_Unknown' as PreSignUpTriggerEvent['triggerSource'], {})),
    ).rejects.toThrow(new Error(REFUSED_MESSAGE));
  });
});

describe('preSignUpEnv', () => {
  test('reads the registry table, the app and SELF_SIGN_UP, which is on only for "true"', () => {
    expect(preSignUpEnv({ REGISTRY_TABLE: 'r', SELF_SIGN_UP: 'true', APP_HOST: 'platform' })).toEqual({ registryTable: 'r', selfSignUp: true, appHost: 'platform' });
    expect(preSignUpEnv({ REGISTRY_TABLE: 'r', SELF_SIGN_UP: 'yes', APP_HOST: 'tenant' })).toEqual({ registryTable: 'r', selfSignUp: false, appHost: 'tenant' });
    expect(() => preSignUpEnv({})).toThrow('Environment variable REGISTRY_TABLE is not set');
    expect(() => preSignUpEnv({ REGISTRY_TABLE: 'r', APP_HOST: 'elsewhere' })).toThrow('Environment variable APP_HOST must be one of platform, tenant');
  });
});
