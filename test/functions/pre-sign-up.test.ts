import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { createHandler, preSignUpEnv } from '../../functions/pre-sign-up/handler';
import { dedicatedEntry, mockRegistry, pooledEntry, recordingLogger, REGISTRY_TABLE, cognitoEventBase } from './support';

const entries = [
  pooledEntry('acme'),
  dedicatedEntry('globex', '222222222222'),
  pooledEntry('umbrella', { status: 'suspended' }),
  pooledEntry('hooli', { status: 'offboarding' }),
];

function setup(selfSignUp = false) {
  const registry = mockRegistry(entries);
  const logger = recordingLogger();
  const handler = createHandler({ registryClient: registry.client, env: { registryTable: REGISTRY_TABLE, selfSignUp }, logger });
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
    ['an unknown tenant', { 'custom:tenant_id': 'initech' }, 'Tenant initech is not registered'],
    ['a suspended tenant', { 'custom:tenant_id': 'umbrella' }, 'Tenant umbrella is suspended: users cannot be added'],
    ['an offboarding tenant', { 'custom:tenant_id': 'hooli' }, 'Tenant hooli is offboarding: users cannot be added'],
    [
      'a tier other than the registry tier',
      { 'custom:tenant_id': 'globex', 'custom:tenant_tier': 'L3' },
      'custom:tenant_tier is L3 but tenant globex is L2',
    ],
  ])('refuses %s', async (_name, attributes, message) => {
    const { handler, logger } = setup();

    await expect(handler(event('PreSignUp_AdminCreateUser', attributes))).rejects.toThrow(new Error(message));
    expect(logger.records).toEqual([
      { level: 'warn', message: 'sign-up refused', fields: { triggerSource: 'PreSignUp_AdminCreateUser', userName: 'jane', reason: message } },
    ]);
  });
});

describe('PreSignUp_SignUp', () => {
  test('is refused when self sign-up is disabled', async () => {
    const { handler, registry } = setup(false);

    await expect(handler(event('PreSignUp_SignUp', { email: 'x@example.com' }))).rejects.toThrow('Self sign-up is disabled');
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

    await expect(handler(event('PreSignUp_SignUp', { email: 'x@example.com', ...attributes }))).rejects.toThrow(
      'Tenant attributes cannot be chosen at sign-up',
    );
  });
});

describe('other sign-ups', () => {
  test('federated sign-in is refused', async () => {
    const { handler } = setup(true);

    await expect(handler(event('PreSignUp_ExternalProvider', { 'custom:tenant_id': 'acme' }))).rejects.toThrow(
      'Sign-in through external identity providers is not supported',
    );
  });

  test('an unknown trigger is refused', async () => {
    const { handler } = setup(true);

    await expect(
      handler(event('PreSignUp_Unknown' as PreSignUpTriggerEvent['triggerSource'], {})),
    ).rejects.toThrow('Unsupported trigger PreSignUp_Unknown');
  });
});

describe('preSignUpEnv', () => {
  test('reads the registry table and SELF_SIGN_UP, which is on only for "true"', () => {
    expect(preSignUpEnv({ REGISTRY_TABLE: 'r', SELF_SIGN_UP: 'true' })).toEqual({ registryTable: 'r', selfSignUp: true });
    expect(preSignUpEnv({ REGISTRY_TABLE: 'r', SELF_SIGN_UP: 'yes' })).toEqual({ registryTable: 'r', selfSignUp: false });
    expect(() => preSignUpEnv({})).toThrow('Environment variable REGISTRY_TABLE is not set');
  });
});
