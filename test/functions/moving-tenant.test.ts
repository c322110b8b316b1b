/**
 * A tenant whose data moves to another tier: the registry's migration marker and record decide
 * where the handlers serve it from and whether it may write; a user who moved to its tenant's
 * own pool takes its profile along.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { migrationRecordKey, PREVIOUS_USER_ID_ATTRIBUTE, type RegistryEntry } from '../../functions/shared/contracts';
import { InvalidRegistryEntryError, TenantNotFoundError } from '../../functions/shared/errors';
import { DEFAULT_RETRY_AFTER_SECONDS, servingLocation, TenantRegistry } from '../../functions/shared/registry';
import { createHandler as createPostConfirmation } from '../../functions/post-confirmation/handler';
import { createHandler as createTenantApi } from '../../functions/tenant-api/handler';
import { apiEvent, cognitoEventBase, dedicatedEntry, FakeClock, mockRegistry, mockSts, mockTenantClients, pooledEntry, recordingLogger, REGISTRY_TABLE, type ApiRequest } from './support';

const DEDICATED_ACCOUNT = '333333333333';
const pooled = pooledEntry('acme').data;
/** acme moving from L1 to L2: `data` is the new home, the marker the old one. */
const moving: RegistryEntry = { ...dedicatedEntry('acme', DEDICATED_ACCOUNT), migration: { id: 'L1-L2', from: pooled } };
const record = (phase: string, extra: Record<string, unknown> = {}) => ({ tenantId: migrationRecordKey('acme', 'L1-L2'), migrationId: 'L1-L2', phase, ...extra });

describe('servingLocation', () => {
  test.each([
    ['no marker', { ...moving, migration: undefined }, undefined, 'data', true],
    ['marker, no record yet', moving, undefined, 'from', true],
    ['marker, record of another move', moving, { migrationId: 'L2-L3', phase: 'switched' as const }, 'from', true],
    ['frozen', moving, { migrationId: 'L1-L2', phase: 'frozen' as const }, 'from', false],
    ['failed', moving, { migrationId: 'L1-L2', phase: 'failed' as const }, 'from', true],
    ['switched', moving, { migrationId: 'L1-L2', phase: 'switched' as const }, 'data', true],
    ['cleaned', moving, { migrationId: 'L1-L2', phase: 'cleaned' as const }, 'data', true],
  ])('%s', (_name, entry, rec, where, writable) => {
    const serving = servingLocation(entry as RegistryEntry, rec);
    expect(serving.data).toBe(where === 'data' ? entry.data : moving.migration!.from);
    expect(serving.writable).toBe(writable);
    expect(serving.retryAfterSeconds).toBe(writable ? undefined : DEFAULT_RETRY_AFTER_SECONDS);
  });
});

describe('TenantRegistry.locate', () => {
  test('reads the migration record (strongly consistent) only for an entry with a marker', async () => {
    const registry = mockRegistry([pooledEntry('plain'), moving, record('frozen', { retryAfterSeconds: 30 })]);
    const reader = new TenantRegistry({ client: registry.client, tableName: REGISTRY_TABLE });

    await expect(reader.locate('plain')).resolves.toMatchObject({ serving: { writable: true, data: { mode: 'pooled' } } });
    await expect(reader.locate('acme')).resolves.toMatchObject({ serving: { writable: false, retryAfterSeconds: 30, data: { mode: 'pooled' } } });
    expect(registry.mock.commandCalls(GetCommand).map((c) => [c.args[0].input.Key, c.args[0].input.ConsistentRead])).toEqual([
      [{ tenantId: 'plain' }, undefined],
      [{ tenantId: 'acme' }, undefined],
      [{ tenantId: migrationRecordKey('acme', 'L1-L2') }, true],
    ]);
  });

  test('a malformed record fails closed; a record key is never an entry', async () => {
    const registry = mockRegistry([moving, record('half-done')]);
    const reader = new TenantRegistry({ client: registry.client, tableName: REGISTRY_TABLE });
    await expect(reader.locate('acme')).rejects.toThrow(InvalidRegistryEntryError);
    await expect(reader.locate(migrationRecordKey('acme', 'L1-L2'))).rejects.toThrow(TenantNotFoundError);
  });

  test('a marker without its old location is a malformed entry', async () => {
    const registry = mockRegistry([{ ...moving, migration: { id: 'L1-L2' } }]);
    await expect(new TenantRegistry({ client: registry.client, tableName: REGISTRY_TABLE }).locate('acme')).rejects.toThrow(/migration.from must be a map/);
  });
});

function api(entries: readonly unknown[]) {
  const clock = new FakeClock();
  const registry = mockRegistry(entries);
  const sts = mockSts(clock);
  const tenant = mockTenantClients();
  tenant.dbMock.on(QueryCommand).resolves({ Items: [] });
  const handler = createTenantApi({ registryClient: registry.client, sts: sts.client, tenantClientFactory: tenant.factory, env: { registryTable: REGISTRY_TABLE, appVersion: '2.0.1', appHost: 'platform' }, now: clock.now, logger: recordingLogger() });
  return { handler, sts, tenant };
}

describe('tenant API during a move', () => {
  test('frozen: writes get 503 with Retry-After and touch nothing; reads go on from the old location', async () => {
    const { handler, sts, tenant } = api([moving, record('frozen', { retryAfterSeconds: 45 })]);

    const writes: Array<Omit<ApiRequest, 'tenantClaim'>> = [
      { method: 'PUT', resource: '/items/{itemId}', pathParameters: { itemId: 'a' }, body: '{"data":{}}' },
      { method: 'DELETE', resource: '/items/{itemId}', pathParameters: { itemId: 'a' } },
      { method: 'PUT', resource: '/files/{name}', pathParameters: { name: 'f.txt' }, body: 'x' },
    ];
    for (const request of writes) {
      const response = await handler(apiEvent({ tenantClaim: 'acme', ...request }));
      expect([response.statusCode, response.headers?.['retry-after'], JSON.parse(response.body).error]).toEqual([503, '45', 'migration_in_progress']);
    }
    expect(sts.mock.calls()).toHaveLength(0);

    const read = await handler(apiEvent({ tenantClaim: 'acme', method: 'GET', resource: '/items' }));
    expect(read.statusCode).toBe(200);
    expect(tenant.dbMock.commandCalls(QueryCommand)[0].args[0].input.TableName).toBe(pooled.itemsTable);
    expect(sts.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({ RoleArn: pooled.dataAccessRoleArn, Tags: [{ Key: 'TenantId', Value: 'acme' }] });
  });

  test('switched: reads and writes go to the new location', async () => {
    const { handler, sts, tenant } = api([moving, record('switched')]);
    tenant.dbMock.on(PutCommand).resolves({});

    const response = await handler(apiEvent({ tenantClaim: 'acme', method: 'PUT', resource: '/items/{itemId}', pathParameters: { itemId: 'a' }, body: '{"data":{"n":1}}' }));
    expect(response.statusCode).toBe(201);
    expect(tenant.dbMock.commandCalls(PutCommand)[0].args[0].input.TableName).toBe(moving.data.itemsTable);
    expect(sts.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({ RoleArn: moving.data.dataAccessRoleArn, ExternalId: 'acme' });
  });

  test('a tenant that runs its own app is not served by this one', async () => {
    const { handler, sts } = api([dedicatedEntry('acme', DEDICATED_ACCOUNT, { tier: 'L3', servedBy: 'tenant', usersMovingOut: true })]);
    const response = await handler(apiEvent({ tenantClaim: 'acme', method: 'GET', resource: '/items' }));
    expect(response.statusCode).toBe(403);
    expect(sts.mock.calls()).toHaveLength(0);
  });
});

function postAuth(entries: readonly unknown[]) {
  const clock = new FakeClock();
  const registry = mockRegistry(entries);
  const sts = mockSts(clock);
  const tenant = mockTenantClients();
  const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
  const events = mockClient(eventBridge);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  const logger = recordingLogger();
  const handler = createPostConfirmation({ registryClient: registry.client, sts: sts.client, eventBridge, tenantClientFactory: tenant.factory, env: { registryTable: REGISTRY_TABLE, eventBusName: 'bus', appHost: 'platform' }, now: clock.now, logger });
  const signIn = (attributes: Record<string, string>) =>
    handler({ ...cognitoEventBase('PostAuthentication_Authentication', { sub: 'new-sub', email: 'jane@acme.example', 'custom:tenant_id': 'acme', ...attributes }), response: {} } as PostAuthenticationTriggerEvent);
  return { signIn, sts, tenant, events, logger };
}

describe('post authentication during and after a move', () => {
  test('frozen: the profile is deferred to the next sign-in; nothing is written or published', async () => {
    const { signIn, sts, events, logger } = postAuth([moving, record('frozen')]);
    await expect(signIn({})).resolves.toMatchObject({ userName: 'jane' });
    expect(sts.mock.calls()).toHaveLength(0);
    expect(events.calls()).toHaveLength(0);
    expect(logger.records.map((r) => r.message)).toContain('tenant data is moving; profile deferred to the next sign-in');
  });

  test('a sign-in to the shared pool of a tenant with its own app records nothing there', async () => {
    const { signIn, sts, events } = postAuth([dedicatedEntry('acme', DEDICATED_ACCOUNT, { tier: 'L3', servedBy: 'tenant', usersMovingOut: true })]);
    await signIn({});
    expect([sts.mock.calls().length, events.calls().length]).toEqual([0, 0]);
    // Without a move under way, the shared pool refuses the tenant's users outright.
    const refused = postAuth([dedicatedEntry('acme', DEDICATED_ACCOUNT, { tier: 'L3', servedBy: 'tenant' })]);
    await expect(refused.signIn({})).rejects.toThrow('Request refused');
    expect([refused.sts.mock.calls().length, refused.events.calls().length]).toEqual([0, 0]);
  });

  test('a user who moved to the own pool takes its profile to its new id, once', async () => {
    const { signIn, tenant, events } = postAuth([dedicatedEntry('acme', DEDICATED_ACCOUNT, { tier: 'L3' })]);
    const old = { tenantId: 'acme', userId: 'old-sub', email: 'jane@acme.example', tier: 'L2', createdAt: '2029-05-01T00:00:00.000Z', locale: 'de' };
    tenant.dbMock.on(GetCommand).resolves({ Item: old });
    tenant.dbMock.on(PutCommand).resolves({});
    tenant.dbMock.on(DeleteCommand).resolves({});

    await signIn({ [PREVIOUS_USER_ID_ATTRIBUTE]: 'old-sub' });

    expect(tenant.dbMock.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      Item: { ...old, userId: 'new-sub', tier: 'L3', previousUserId: 'old-sub' },
      ConditionExpression: 'attribute_not_exists(#user)',
    });
    expect(tenant.dbMock.commandCalls(DeleteCommand)[0].args[0].input.Key).toEqual({ tenantId: 'acme', userId: 'old-sub' });
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
