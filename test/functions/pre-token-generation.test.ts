import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { createHandler, preTokenGenerationEnv } from '../../functions/pre-token-generation/handler';
import { REGISTRY_CACHE_TTL_MS } from '../../functions/shared/registry';
import { cognitoEventBase, dedicatedEntry, FakeClock, mockRegistry, pooledEntry, recordingLogger, REGISTRY_TABLE } from './support';

function setup(entries: readonly unknown[] = [pooledEntry('acme'), dedicatedEntry('globex', '222222222222')]) {
  const clock = new FakeClock();
  const registry = mockRegistry(entries);
  const logger = recordingLogger();
  const handler = createHandler({ registryClient: registry.client, env: { registryTable: REGISTRY_TABLE }, now: clock.now, logger });
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
  test('adds tenant id and tier to both the ID and the access token', async () => {
    const { handler, registry } = setup();

    const output = await handler(event({ sub: 's1', 'custom:tenant_id': 'globex' }));

    expect(output.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'globex', tenant_tier: 'L2' } },
      accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'globex', tenant_tier: 'L2' } },
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
      accessTokenGeneration: { scopesToAdd: ['items/read'], claimsToAddOrOverride: { tenant_id: 'acme', tenant_tier: 'L1' } },
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

    await expect(handler(event({ 'custom:tenant_id': 'initech' }))).rejects.toThrow('Tenant initech is not registered');
  });

  test.each(['suspended', 'offboarding'] as const)('a %s tenant cannot sign in', async (status) => {
    const { handler, logger } = setup([pooledEntry('acme', { status })]);

    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).rejects.toThrow(
      new Error(`Tenant acme is ${status}: sign-in is disabled`),
    );
    expect(logger.records).toEqual([
      { level: 'warn', message: 'sign-in refused', fields: { tenantId: 'acme', status, userName: 'jane' } },
    ]);
  });

  test('suspension takes effect once the cached entry expires', async () => {
    const entries = [pooledEntry('acme')];
    const { handler, registry, clock } = setup(entries);
    await handler(event({ 'custom:tenant_id': 'acme' }));

    registry.mock.on(GetCommand).resolves({ Item: pooledEntry('acme', { status: 'suspended' }) });
    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).resolves.toBeDefined();
    clock.advance(REGISTRY_CACHE_TTL_MS);
    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).rejects.toThrow('Tenant acme is suspended: sign-in is disabled');
  });

  test('a malformed registry entry refuses the sign-in', async () => {
    const { handler } = setup([{ tenantId: 'acme', tier: 'L1', status: 'active' }]);

    await expect(handler(event({ 'custom:tenant_id': 'acme' }))).rejects.toThrow('Registry entry of tenant acme is malformed');
  });

  test('env needs the registry table', () => {
    expect(preTokenGenerationEnv({ REGISTRY_TABLE: 'r' })).toEqual({ registryTable: 'r' });
    expect(() => preTokenGenerationEnv({})).toThrow('Environment variable REGISTRY_TABLE is not set');
  });
});
