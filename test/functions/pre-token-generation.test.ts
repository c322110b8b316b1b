import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { createHandler, preTokenGenerationEnv } from '../../functions/pre-token-generation/handler';
import { REGISTRY_CACHE_TTL_MS } from '../../functions/shared/registry';
import { FAILED_MESSAGE, REFUSED_MESSAGE } from '../../functions/shared/trigger';
import { cognitoEventBase, dedicatedEntry, FakeClock, mockRegistry, pooledEntry, recordingLogger, REGISTRY_TABLE } from './support';

function setup(entries: readonly unknown[] = [pooledEntry('acme'), dedicatedEntry('globex', '222222222222')]) {
  const clock = new FakeClock();
  const registry = mockRegistry(entries);
  const logger = recordingLogger();
  const handler = createHandler({ registryClient: registry.client, env: { registryTable: REGISTRY_TABLE, appHost: 'platform' }, now: clock.now, logger });
  return { handler, registry, logger, clock };
}

function event(attributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    ...cognitoEventBase('TokenGeneration_Authentication', attributes),
    version: '2',
    request: { userAttributes: attributes, groupConfiguration: {}, scopes: ['openid'] },
    // Cognito sends null before any trigger has answered.
    response: { claimsAndScopeOverrideDetails: null as never },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('pre token generation', () => {
  test('adds tenant id and tier to both the ID and the access token, and the API scope to the access token', async () => {
    const { handler, registry } = setup();

    const output = await handler(event({ sub: 's1', 'custom:tenant_id': 'globex' }));

    expect(output.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'globex', tenant_tier: 'L2' } },
      accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'globex', tenant_tier: 'L2' }, scopesToAdd: ['tenant-api/data'] },
    });
    expect(registry.mock.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: REGISTRY_TABLE, Key: { tenantId: 'globex' } },
    ]);
  });

  test('the tier claim comes from the registry, not from the user attribute', async () => {
    const { handler } = setup();

    const output = await handler(event({ 'custom:tenant_id': 'acme', 'custom:tenant_tier': 'L3' }));

    expect(output.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      tenant_id: 'acme',
      tenant_tier: 'L1',
    });
    expect(output.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      tenant_id: 'acme',
      tenant_tier: 'L1',
    });
  });

  test('keeps what is already in the response', async () => {
    const { handler } = setup();
    const input = event({ 'custom:tenant_id': 'acme' });
    input.response.claimsAndScopeOverrideDetails = {
      idTokenGeneration: { claimsToAddOrOverride: { locale: 'de' }, claimsToSuppress: ['phone_number'] },
      accessTokenGeneration: { scopesToAdd: ['items/read'] },
      groupOverrideDetails: { groupsToOverride: ['admins'] },
    };

    const output = await handler(input);

    expect(output.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: {
        claimsToAddOrOverride: { locale: 'de', tenant_id: 'acme', tenant_tier: 'L1' },
        claimsToSuppress: ['phone_number'],
      },
      accessTokenGeneration: { scopesToAdd: ['items/read', 'tenant-api/data'], claimsToAddOrOverride: { tenant_id: 'acme', tenant_tier: 'L1' } },
      groupOverrideDetails: { groupsToOverride: ['admins'] },
    });
  });

  test('a tenant claim cannot be overridden by an earlier value', async () => {
    const { handler } = setup();
    const input = event({ 'custom:tenant_id': 'acme' });
    input.response.claimsAndScopeOverrideDetails = {
      accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'globex', tenant_tier: 'L3' } },
    };

    const output = await handler(input);
    expect(output.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      tenant_id: 'acme',
      tenant_tier: 'L1',
    });
  });

  test('a user without a tenant gets the event back unchanged', async () => {
    const { handler, registry } = setup();
    const input = event({ sub: 's1', email: 'x@example.com' });
    const before = structuredClone(input);

    await expect(handler(input)).resolves.toEqual(before);
    expect(registry.mock.calls()).toHaveLength(0);
  });

  test('an unknown tenant cannot sign in', async () => {
    const { handler } = setup();

    await expect(handler(event({ 'custom:tenant_id': 'initech' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
  });

  test.each(['suspended', 'offboarding'] as const)('a %s tenant cannot sign in', async (status) => {
    const { handler, logger } = setup([pooledEntry('acme', { status })]);

    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect(logger.records).toEqual([
      {
        level: 'warn',
        message: 'request refused',
        fields: { trigger: 'pre-token-generation', triggerSource: 'TokenGeneration_Authentication', userName: 'jane', tenantId: 'acme', reason: `tenant is ${status}: no tokens are issued` },
      },
    ]);
  });

  test("the platform pool issues no tokens for a tenant its own app serves (a user left over from the tenant's L2 days)", async () => {
    const { handler, logger } = setup([dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined })]);

    await expect(handler(event({ 'custom:tenant_id': 'initrode' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
    expect(logger.records[0].fields?.reason).toBe("tenant is served by the tenant's own app, not this (platform) app: no tokens are issued");
  });

  test("while the tenant's users move to its own pool, the shared pool lets them sign in for the password check only: no tenant claims, no API scope", async () => {
    const { handler } = setup([dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined, usersMovingOut: true })]);
    const output = await handler(event({ sub: 's1', 'custom:tenant_id': 'initrode' }));
    expect(output.response.claimsAndScopeOverrideDetails).toBeNull();
    // A suspended tenant's users are refused even then.
    const suspended = setup([dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', status: 'suspended', usersMovingOut: true })]);
    await expect(suspended.handler(event({ sub: 's1', 'custom:tenant_id': 'initrode' }))).rejects.toThrow(REFUSED_MESSAGE);
  });

  test("the tenant's own pool issues its tokens", async () => {
    const registry = mockRegistry([dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant' })]);
    const handler = createHandler({ registryClient: registry.client, env: { registryTable: REGISTRY_TABLE, appHost: 'tenant' }, logger: recordingLogger() });

    const output = await handler(event({ 'custom:tenant_id': 'initrode' }));
    expect(output.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToAdd).toEqual(['tenant-api/data']);
  });

  test('suspension takes effect once the cached entry expires', async () => {
    const entries = [pooledEntry('acme')];
    const { handler, registry, clock } = setup(entries);
    await handler(event({ 'custom:tenant_id': 'acme' }));

    registry.mock.on(GetCommand).resolves({ Item: pooledEntry('acme', { status: 'suspended' }) });
    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).resolves.toBeDefined();
    clock.advance(REGISTRY_CACHE_TTL_MS - 1);
    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).resolves.toBeDefined();
    clock.advance(1);
    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).rejects.toThrow(new Error(REFUSED_MESSAGE));
  });

  test('a malformed registry entry refuses the sign-in without showing its values to the caller', async () => {
    const { handler, logger } = setup([{ tenantId: 'acme', tier: 'L1', status: 'active', servedBy: 'platform', data: { mode: 'pooled', accountId: '123456789012', dataAccessRoleArn: 'arn:aws:iam::123456789012:role/secret-role-name' } }]);

    const thrown = await handler(event({ 'custom:tenant_id': 'acme' })).catch((e: Error) => e);
    expect(thrown).toEqual(new Error(FAILED_MESSAGE));
    expect(logger.records[0]).toMatchObject({ level: 'error', message: 'trigger failed', fields: { errorName: 'InvalidRegistryEntryError', errorMessage: expect.stringContaining('Registry entry of tenant acme is malformed') } });
  });

  test('env needs the registry table and the app', () => {
    expect(preTokenGenerationEnv({ REGISTRY_TABLE: 'r', APP_HOST: 'platform' })).toEqual({ registryTable: 'r', appHost: 'platform' });
    expect(() => preTokenGenerationEnv({})).toThrow('Environment variable REGISTRY_TABLE is not set');
    expect(() => preTokenGenerationEnv({ REGISTRY_TABLE: 'r' })).toThrow('Environment variable APP_HOST is not set');
  });
});
