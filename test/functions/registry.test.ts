import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRegistryEntryError, TenantNotFoundError } from '../../functions/shared/errors';
import { parseRegistryEntry, REGISTRY_CACHE_TTL_MS, TenantRegistry } from '../../functions/shared/registry';
import { dedicatedEntry, FakeClock, mockRegistry, pooledEntry, REGISTRY_TABLE } from './support';

describe('TenantRegistry', () => {
  const acme = pooledEntry('acme', { apiKeyId: 'key-acme' });
  const globex = dedicatedEntry('globex', '222222222222');

  function setup(entries: readonly unknown[] = [acme, globex]) {
    const clock = new FakeClock();
    const { client, mock } = mockRegistry(entries);
    const registry = new TenantRegistry({ client, tableName: REGISTRY_TABLE, now: clock.now });
    return { clock, mock, registry };
  }

  test('reads the entry by tenantId from the registry table', async () => {
    const { mock, registry } = setup();

    await expect(registry.getEntry('globex')).resolves.toEqual(globex);
    expect(mock.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: REGISTRY_TABLE, Key: { tenantId: 'globex' } },
    ]);
  });

  test('serves an entry from the cache for 60 seconds, then reads it again', async () => {
    const { clock, mock, registry } = setup();

    await registry.getEntry('acme');
    clock.advance(REGISTRY_CACHE_TTL_MS - 1);
    await registry.getEntry('acme');
    expect(mock.commandCalls(GetCommand)).toHaveLength(1);

    clock.advance(1);
    await expect(registry.getEntry('acme')).resolves.toEqual(acme);
    expect(mock.commandCalls(GetCommand)).toHaveLength(2);
  });

  test('caches per tenant', async () => {
    const { mock, registry } = setup();

    await registry.getEntry('acme');
    await registry.getEntry('globex');
    await registry.getEntry('acme');
    expect(mock.commandCalls(GetCommand).map((call) => call.args[0].input.Key)).toEqual([
      { tenantId: 'acme' },
      { tenantId: 'globex' },
    ]);
  });

  test('a missing item is TenantNotFoundError, and is not cached', async () => {
    const { mock, registry } = setup();

    await expect(registry.getEntry('initech')).rejects.toThrow(new TenantNotFoundError('initech'));
    await expect(registry.getEntry('initech')).rejects.toBeInstanceOf(TenantNotFoundError);
    expect(mock.commandCalls(GetCommand)).toHaveLength(2);
  });

  test('an empty tenant id is not looked up', async () => {
    const { mock, registry } = setup();

    await expect(registry.getEntry('')).rejects.toBeInstanceOf(TenantNotFoundError);
    expect(mock.calls()).toHaveLength(0);
  });

  test('a malformed item is InvalidRegistryEntryError, not an entry with holes', async () => {
    const { registry } = setup([{ tenantId: 'acme', tier: 'L1', status: 'active' }]);

    await expect(registry.getEntry('acme')).rejects.toBeInstanceOf(InvalidRegistryEntryError);
  });
});

describe('parseRegistryEntry', () => {
  const valid = dedicatedEntry('globex', '222222222222', { apiKeyId: 'key-globex' });

  test('accepts a complete entry and keeps only the contract fields', () => {
    expect(parseRegistryEntry('globex', { ...valid, extra: 'ignored' })).toEqual(valid);
    expect(parseRegistryEntry('acme', pooledEntry('acme'))).toEqual(pooledEntry('acme'));
  });

  const withData = (data: Record<string, unknown>) => ({ ...valid, data: { ...valid.data, ...data } });
  test.each<[string, unknown, string]>([
    ['not a map', 'globex', 'item is not a map'],
    ['another tenant', { ...valid, tenantId: 'acme' }, 'tenantId is "acme", expected "globex"'],
    ['unknown tier', { ...valid, tier: 'L4' }, 'tier must be one of L1, L2, L3'],
    ['unknown status', { ...valid, status: 'paused' }, 'status must be one of active, suspended, offboarding'],
    ['missing displayName', { ...valid, displayName: undefined }, 'displayName must be a non-empty string'],
    ['numeric appVersion', { ...valid, appVersion: 1 }, 'appVersion must be a non-empty string'],
    ['empty apiKeyId', { ...valid, apiKeyId: '' }, 'apiKeyId must be a non-empty string'],
    ['no data', { ...valid, data: undefined }, 'data must be a map'],
    ['unknown mode', withData({ mode: 'shared' }), 'data.mode must be one of pooled, dedicated'],
    ['short account id', withData({ accountId: '2222' }), 'data.accountId is not valid: "2222"'],
    ['missing region', withData({ region: undefined }), 'data.region must be a non-empty string'],
    ['bad region', withData({ region: 'Europe' }), 'data.region is not valid: "Europe"'],
    ['missing items table', withData({ itemsTable: '' }), 'data.itemsTable must be a non-empty string'],
    ['missing users table', withData({ usersTable: undefined }), 'data.usersTable must be a non-empty string'],
    ['missing bucket', withData({ bucket: undefined }), 'data.bucket must be a non-empty string'],
    ['not a role arn', withData({ dataAccessRoleArn: 'arn:aws:iam::222222222222:user/x' }), 'data.dataAccessRoleArn is not valid'],
    ['numeric external id', withData({ externalId: 42 }), 'data.externalId must be a non-empty string'],
  ])('refuses %s', (_name, item, problem) => {
    let error: unknown;
    try {
      parseRegistryEntry('globex', item);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRegistryEntryError);
    expect((error as InvalidRegistryEntryError).problems.some((p) => p.startsWith(problem))).toBe(true);
  });

  test('reports every problem at once', () => {
    expect(() => parseRegistryEntry('globex', { tenantId: 'globex' })).toThrow(
      'Registry entry of tenant globex is malformed: tier must be one of L1, L2, L3; status must be one of active, ' +
        'suspended, offboarding; displayName must be a non-empty string; appVersion must be a non-empty string; servedBy must be one of platform, tenant; data must be a map',
    );
  });
});
