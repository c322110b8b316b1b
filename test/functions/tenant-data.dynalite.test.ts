/**
 * The data path against a real DynamoDB implementation (dynalite, in memory): isolation between
 * tenants that use the same item ids, pagination, and the conditional writes.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { ITEM_KEY, USAGE_RECORD_KEY, USER_KEY } from '../../functions/shared/contracts';
import { InvalidPaginationTokenError, ItemConflictError, QuotaExceededError } from '../../functions/shared/errors';
import type { TenantDataClientFactory } from '../../functions/shared/tenant-clients';
import { createTenantData, type TenantData, type TenantItem } from '../../functions/shared/tenant-data';
import { createHandler } from '../../functions/tenant-api/handler';
import { apiEvent, FakeClock, mockSts, pooledEntry, recordingLogger, REGISTRY_TABLE } from './support';

interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
// dynalite ships no type declarations.
const dynalite = require('dynalite') as DynaliteFactory;

const REGION = 'eu-west-1';
const DUMMY_CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
const A = 'tenant-a';
const B = 'tenant-b';
const entryA = pooledEntry(A);
const entryB = pooledEntry(B);

let server: Server;
let endpoint: string;
const openClients: DynamoDBClient[] = [];

function dynamoClient(credentials: AwsCredentials = DUMMY_CREDENTIALS): DynamoDBClient {
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials, maxAttempts: 1 });
  openClients.push(client);
  return client;
}

function documentClient(credentials?: AwsCredentials): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamoClient(credentials));
}

/** A table keyed like the contract's: tenantId, then the sort key if any. */
async function createTable(name: string, sortKey?: string): Promise<void> {
  const keys = [
    { AttributeName: 'tenantId', KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  await dynamoClient().send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keys,
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key.AttributeName, AttributeType: 'S' })),
    }),
  );
}

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await createTable(entryA.data.itemsTable, ITEM_KEY);
  await createTable(entryA.data.usersTable, USER_KEY);
  await createTable(REGISTRY_TABLE);
});

afterAll(async () => {
  for (const client of openClients) client.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('tenant-data on DynamoDB', () => {
  let clock: FakeClock;
  let data: TenantData;
  let db: DynamoDBDocumentClient;
  // Each test works in its own item ids so that tests do not see each other's writes.
  let run = 0;
  let prefix: string;

  beforeEach(() => {
    run += 1;
    prefix = `t${run}`;
    clock = new FakeClock();
    db = documentClient();
    data = createTenantData({ clients: { db, s3: new S3Client({ region: REGION }) }, location: entryA.data, now: clock.now });
  });

  const rawItem = async (tenantId: string, itemId: string) =>
    (await db.send(new GetCommand({ TableName: entryA.data.itemsTable, Key: { tenantId, itemId } }))).Item;

  test('the same item id in two tenants is two items; each tenant reads only its own', async () => {
    const id = `${prefix}-shared`;
    await data.putItem(A, id, { owner: 'A' });
    await data.putItem(B, id, { owner: 'B' });

    expect((await data.getItem(A, id))?.data).toEqual({ owner: 'A' });
    expect((await data.getItem(B, id))?.data).toEqual({ owner: 'B' });
    await expect(data.getItem(A, `${prefix}-only-b`)).resolves.toBeUndefined();
  });

  test('a tenant cannot update or delete the item of another tenant', async () => {
    const onlyB = `${prefix}-only-b`;
    await data.putItem(B, onlyB, { owner: 'B' });

    await expect(data.putItem(A, onlyB, { owner: 'A' }, 1)).rejects.toBeInstanceOf(ItemConflictError);
    await expect(data.deleteItem(A, onlyB)).resolves.toBe(false);
    expect(await rawItem(B, onlyB)).toMatchObject({ tenantId: B, data: { owner: 'B' }, version: 1 });
    expect(await rawItem(A, onlyB)).toBeUndefined();

    const shared = `${prefix}-shared`;
    await data.putItem(A, shared, { owner: 'A' });
    await data.putItem(B, shared, { owner: 'B' });
    await expect(data.deleteItem(A, shared)).resolves.toBe(true);
    expect(await rawItem(A, shared)).toBeUndefined();
    expect(await rawItem(B, shared)).toMatchObject({ data: { owner: 'B' } });
  });

  test('creating an item twice is a conflict', async () => {
    const id = `${prefix}-once`;
    await expect(data.putItem(A, id, { n: 1 })).resolves.toMatchObject({ created: true, item: { version: 1 } });

    await expect(data.putItem(A, id, { n: 2 })).rejects.toThrow(new ItemConflictError(id, undefined));
    expect(await rawItem(A, id)).toMatchObject({ data: { n: 1 }, version: 1 });
  });

  test('an update needs the current version and increments it; a stale version is a conflict', async () => {
    const id = `${prefix}-versioned`;
    await data.putItem(A, id, { n: 1 });
    clock.advance(1000);

    const updated = await data.putItem(A, id, { n: 2 }, 1);
    expect(updated).toEqual({
      created: false,
      item: { itemId: id, data: { n: 2 }, version: 2, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:01.000Z' },
    });

    await expect(data.putItem(A, id, { n: 3 }, 1)).rejects.toThrow(new ItemConflictError(id, 1));
    await expect(data.putItem(A, `${prefix}-missing`, { n: 3 }, 1)).rejects.toBeInstanceOf(ItemConflictError);
    expect(await rawItem(A, id)).toMatchObject({ data: { n: 2 }, version: 2 });
  });

  test('listing by tenant returns exactly that tenant’s items across several pages', async () => {
    const listDb = documentClient();
    const tenantX = `${prefix}-x`;
    const tenantY = `${prefix}-y`;
    const ids = Array.from({ length: 7 }, (_, i) => `item-${i}`);
    for (const id of ids) await data.putItem(tenantX, id, { owner: tenantX });
    for (const id of ids.slice(0, 4)) await data.putItem(tenantY, id, { owner: tenantY });
    const lister = createTenantData({ clients: { db: listDb, s3: new S3Client({ region: REGION }) }, location: entryA.data });

    const seen: TenantItem[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await lister.listItems(tenantX, { limit: 3, nextToken });
      seen.push(...page.items);
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken !== undefined);

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.map((item) => item.itemId)).toEqual(ids);
    expect(seen.every((item) => item.data.owner === tenantX)).toBe(true);
  });

  test('a pagination token of another tenant is refused', async () => {
    const tenantY = `${prefix}-y`;
    for (const id of ['a', 'b', 'c']) await data.putItem(tenantY, id, {});
    const { nextToken } = await data.listItems(tenantY, { limit: 1 });
    expect(nextToken).toBeDefined();

    await expect(data.listItems(`${prefix}-x`, { nextToken })).rejects.toBeInstanceOf(InvalidPaginationTokenError);
  });

  test('the item quota is counted on the tenant’s usage record: full is full, a delete frees a place, a conflict costs nothing', async () => {
    const tenant = `${prefix}-quota`;
    const other = `${prefix}-other`;
    const limited = createTenantData({ clients: { db, s3: new S3Client({ region: REGION }) }, location: entryA.data, quota: { maxItems: 2, maxFileBytes: 1 }, now: clock.now });
    const usage = async (id: string) => (await db.send(new GetCommand({ TableName: entryA.data.usersTable, Key: { tenantId: id, userId: USAGE_RECORD_KEY } }))).Item?.items;

    await limited.putItem(tenant, 'a', {});
    await expect(limited.putItem(tenant, 'a', {})).rejects.toBeInstanceOf(ItemConflictError);
    await limited.putItem(tenant, 'b', {});
    expect(await usage(tenant)).toBe(2);
    await expect(limited.putItem(tenant, 'c', {})).rejects.toThrow(new QuotaExceededError('the tenant may store at most 2 items'));
    expect(await rawItem(tenant, 'c')).toBeUndefined();
    // Updates of existing items need no room; another tenant has its own count.
    await expect(limited.putItem(tenant, 'a', { n: 2 }, 1)).resolves.toMatchObject({ created: false });
    await expect(limited.putItem(other, 'a', {})).resolves.toMatchObject({ created: true });

    await expect(limited.deleteItem(tenant, 'a')).resolves.toBe(true);
    expect(await usage(tenant)).toBe(1);
    await expect(limited.putItem(tenant, 'c', {})).resolves.toMatchObject({ created: true });
    expect(await usage(tenant)).toBe(2);
  });

  test('user profiles are recorded once', async () => {
    await expect(data.putUserProfile(A, `${prefix}-sub`, 'jane@a.example', 'L1')).resolves.toEqual({ created: true });
    clock.advance(5000);
    await expect(data.putUserProfile(A, `${prefix}-sub`, 'other@a.example', 'L2')).resolves.toEqual({ created: false });

    const { Item } = await db.send(
      new GetCommand({ TableName: entryA.data.usersTable, Key: { tenantId: A, userId: `${prefix}-sub` } }),
    );
    expect(Item).toEqual({
      tenantId: A,
      userId: `${prefix}-sub`,
      email: 'jane@a.example',
      tier: 'L1',
      createdAt: '2030-01-01T00:00:00.000Z',
    });
  });
});

describe('tenant API on DynamoDB', () => {
  const api = async () => {
    const clock = new FakeClock();
    const sts = mockSts(clock);
    const registryClient = documentClient();
    for (const entry of [entryA, entryB]) await registryClient.send(new PutCommand({ TableName: REGISTRY_TABLE, Item: entry }));
    const built: { accessKeyId: string; region: string }[] = [];
    const factory: TenantDataClientFactory = (credentials, region) => {
      built.push({ accessKeyId: credentials.accessKeyId, region });
      return { db: documentClient(credentials), s3: new S3Client({ region }) };
    };
    const handler = createHandler({
      registryClient,
      sts: sts.client,
      tenantClientFactory: factory,
      env: { registryTable: REGISTRY_TABLE, appVersion: '1.4.0', appHost: 'platform' },
      now: clock.now,
      logger: recordingLogger(),
    });
    return { handler, sts, built };
  };
  const item = (tenantClaim: string, method: string, itemId: string, body?: unknown) =>
    apiEvent({
      method,
      resource: '/items/{itemId}',
      tenantClaim,
      pathParameters: { itemId },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const list = (tenantClaim: string, query: Record<string, string>) =>
    apiEvent({ method: 'GET', resource: '/items', tenantClaim, query });

  test('two tenants with the same item id stay apart, whatever the body says', async () => {
    const { handler, sts, built } = await api();

    expect((await handler(item(A, 'PUT', 'api-doc', { data: { owner: 'A' }, tenantId: B }))).statusCode).toBe(201);
    expect((await handler(item(B, 'PUT', 'api-doc', { data: { owner: 'B' } }))).statusCode).toBe(201);

    const readA = await handler(item(A, 'GET', 'api-doc'));
    expect(readA.statusCode).toBe(200);
    expect(JSON.parse(readA.body)).toMatchObject({ itemId: 'api-doc', data: { owner: 'A' }, version: 1 });
    expect(JSON.parse((await handler(item(B, 'GET', 'api-doc'))).body).data).toEqual({ owner: 'B' });

    // Every data call ran with credentials vended for the caller's tenant, in the data region.
    expect(sts.mock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.Tags)).toEqual([
      [{ Key: 'TenantId', Value: A }],
      [{ Key: 'TenantId', Value: B }],
    ]);
    expect(built).toEqual([
      { accessKeyId: 'ASIA1', region: REGION },
      { accessKeyId: 'ASIA2', region: REGION },
    ]);
  });

  test('a tenant cannot read, update or delete an item that only another tenant has', async () => {
    const { handler } = await api();
    await handler(item(B, 'PUT', 'api-b-only', { data: { owner: 'B' } }));

    expect((await handler(item(A, 'GET', 'api-b-only'))).statusCode).toBe(404);
    expect((await handler(item(A, 'PUT', 'api-b-only', { data: { owner: 'A' }, version: 1 }))).statusCode).toBe(409);
    expect((await handler(item(A, 'DELETE', 'api-b-only'))).statusCode).toBe(404);
    const stillB = await handler(item(B, 'GET', 'api-b-only'));
    expect(JSON.parse(stillB.body)).toMatchObject({ data: { owner: 'B' }, version: 1 });
  });

  test('conditional writes: create twice 409, stale version 409, current version 200, delete 204', async () => {
    const { handler } = await api();

    expect((await handler(item(A, 'PUT', 'api-cond', { data: { n: 1 } }))).statusCode).toBe(201);
    expect((await handler(item(A, 'PUT', 'api-cond', { data: { n: 2 } }))).statusCode).toBe(409);
    const updated = await handler(item(A, 'PUT', 'api-cond', { data: { n: 2 }, version: 1 }));
    expect(updated.statusCode).toBe(200);
    expect(JSON.parse(updated.body)).toMatchObject({ data: { n: 2 }, version: 2 });
    expect((await handler(item(A, 'PUT', 'api-cond', { data: { n: 3 }, version: 1 }))).statusCode).toBe(409);
    expect((await handler(item(A, 'DELETE', 'api-cond'))).statusCode).toBe(204);
    expect((await handler(item(A, 'DELETE', 'api-cond'))).statusCode).toBe(404);
  });

  test('listing pages through the caller’s items only, and refuses another tenant’s token', async () => {
    const { handler } = await api();
    const tenantC = 'tenant-c';
    const tenantD = 'tenant-d';
    const registry = documentClient();
    await registry.send(new PutCommand({ TableName: REGISTRY_TABLE, Item: pooledEntry(tenantC) }));
    await registry.send(new PutCommand({ TableName: REGISTRY_TABLE, Item: pooledEntry(tenantD) }));
    for (const n of [1, 2, 3, 4, 5]) await handler(item(tenantC, 'PUT', `c-${n}`, { data: { n } }));
    for (const n of [1, 2, 3]) await handler(item(tenantD, 'PUT', `c-${n}`, { data: { n } }));

    const ids: string[] = [];
    let nextToken: string | undefined;
    let firstTokenOfC: string | undefined;
    do {
      const response = await handler(list(tenantC, { limit: '2', ...(nextToken ? { nextToken } : {}) }));
      expect(response.statusCode).toBe(200);
      const page = JSON.parse(response.body) as { items: { itemId: string }[]; nextToken?: string };
      ids.push(...page.items.map((i) => i.itemId));
      nextToken = page.nextToken;
      firstTokenOfC ??= nextToken;
    } while (nextToken);
    expect(ids).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5']);

    const refused = await handler(list(tenantD, { nextToken: firstTokenOfC! }));
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({ error: 'bad_request', message: 'nextToken is not valid' });
  });
});
