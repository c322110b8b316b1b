import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { REGISTRY_CACHE_TTL_MS } from '../../functions/shared/registry';
import { encodePageToken, MAX_ITEM_DATA_BYTES } from '../../functions/shared/tenant-data';
import { createHandler, tenantApiEnv } from '../../functions/tenant-api/handler';
import {
  apiEvent,
  dedicatedEntry,
  FakeClock,
  mockRegistry,
  mockSts,
  mockTenantClients,
  pooledEntry,
  recordingLogger,
  REGISTRY_TABLE,
  type ApiRequest,
} from './support';

const NOW = '2030-01-01T00:00:00.000Z';
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const acme = pooledEntry('acme');
const globex = dedicatedEntry('globex', '222222222222', { apiKeyId: 'key-globex' });
const registryEntries = [
  acme,
  globex,
  pooledEntry('umbrella', { status: 'suspended' }),
  pooledEntry('hooli', { status: 'offboarding' }),
  // An L3 tenant that runs its own app: the platform registry keeps its entry, active, without an API key.
  dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined }),
  // A tenant whose entry lacks a key for any other reason: the API must fail closed.
  pooledEntry('keyless', { apiKeyId: undefined }),
];

function setup(entries: readonly unknown[] = registryEntries) {
  const clock = new FakeClock();
  const registry = mockRegistry(entries);
  const sts = mockSts(clock);
  const tenant = mockTenantClients();
  const logger = recordingLogger();
  const handler = createHandler({
    registryClient: registry.client,
    sts: sts.client,
    tenantClientFactory: tenant.factory,
    env: { registryTable: REGISTRY_TABLE, appVersion: '2.0.1', appHost: 'platform' },
    now: clock.now,
    logger,
  });
  /** Every call that could touch tenant data or vend credentials. */
  const dataCalls = () => sts.mock.calls().length + tenant.dbMock.calls().length + tenant.s3Mock.calls().length;
  return { handler, clock, registry, sts, tenant, logger, dataCalls };
}

const body = (response: APIGatewayProxyResult): unknown => JSON.parse(response.body);
/** The data calls on the items table (the usage record in the users table aside). */
const itemTableCalls = (tenant: ReturnType<typeof mockTenantClients>, command?: typeof UpdateCommand) =>
  (command ? tenant.dbMock.commandCalls(command) : tenant.dbMock.calls()).map((call) => call.args[0].input as { TableName?: string }).filter((input) => input.TableName !== 'lz-pooled-users' && input.TableName !== 'lz-globex-users');
const acmeRequest = (request: Omit<ApiRequest, 'tenantClaim'>) => apiEvent({ tenantClaim: 'acme', ...request });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const storedItem = (itemId: string, version = 1) => ({
  tenantId: 'acme',
  itemId,
  data: { colour: 'red' },
  version,
  createdAt: NOW,
  updatedAt: NOW,
});

describe('who the caller is', () => {
  test('a request without a tenant claim is refused before anything is read', async () => {
    const { handler, registry, dataCalls, logger } = setup();

    const response = await handler(apiEvent({ method: 'GET', resource: '/items', headers: { 'x-tenant-id': 'acme' } }));

    expect(response).toEqual({ statusCode: 403, headers: JSON_HEADERS, body: JSON.stringify({ error: 'forbidden', message: 'Forbidden' }) });
    expect(registry.mock.calls()).toHaveLength(0);
    expect(dataCalls()).toBe(0);
    expect(logger.records).toEqual([
      { level: 'warn', message: 'request refused', fields: { requestId: 'req-1', route: 'GET /items', reason: 'no tenant in the authorizer context' } },
    ]);
  });

  test('a request without any authorizer context is refused', async () => {
    const { handler } = setup();
    const event = apiEvent({ method: 'GET', resource: '/tenant' });
    event.requestContext.authorizer = null;

    expect((await handler(event)).statusCode).toBe(403);
  });

  test('an empty tenant claim is refused', async () => {
    const { handler, registry } = setup();

    expect((await handler(apiEvent({ method: 'GET', resource: '/tenant', tenantClaim: '' }))).statusCode).toBe(403);
    expect(registry.mock.calls()).toHaveLength(0);
  });

  test.each([
    ['not registered', 'initech'],
    ['suspended', 'umbrella'],
    ['offboarding', 'hooli'],
  ])('a tenant that is %s is refused', async (_name, tenantId) => {
    const { handler, dataCalls } = setup();

    const response = await handler(apiEvent({ method: 'GET', resource: '/items', tenantClaim: tenantId }));
    expect(response.statusCode).toBe(403);
    expect(dataCalls()).toBe(0);
  });

  test('a tenant must use its own API key', async () => {
    const { handler, dataCalls } = setup();
    const request = { method: 'GET', resource: '/tenant', tenantClaim: 'globex' };

    expect((await handler(apiEvent({ ...request, apiKeyId: 'key-acme' }))).statusCode).toBe(403);
    expect((await handler(apiEvent({ ...request, apiKeyId: null }))).statusCode).toBe(403);
    expect((await handler(apiEvent({ ...request, apiKeyId: 'key-globex' }))).statusCode).toBe(200);
    expect(dataCalls()).toBe(0);
  });

  test('a tenant without an API key in this app is refused, whatever key the request was made with (fails closed)', async () => {
    const { handler, dataCalls, logger } = setup();

    for (const apiKeyId of ['key-acme', 'key-globex', null]) {
      expect((await handler(apiEvent({ method: 'GET', resource: '/items', tenantClaim: 'keyless', apiKeyId }))).statusCode).toBe(403);
    }
    expect(dataCalls()).toBe(0);
    expect(logger.records.map((r) => r.fields?.reason)).toEqual(['tenant has no API key in this app', 'tenant has no API key in this app', 'tenant has no API key in this app']);
  });

  test("the platform app refuses a tenant that its own app serves, even with another tenant's key", async () => {
    const { handler, dataCalls, logger } = setup();

    const response = await handler(apiEvent({ method: 'GET', resource: '/items', tenantClaim: 'initrode', apiKeyId: 'key-acme' }));
    expect(response.statusCode).toBe(403);
    expect(dataCalls()).toBe(0);
    expect(logger.records[0].fields?.reason).toBe("tenant is served by the tenant's own app, not this (platform) app");
  });

  test("the tenant's own app serves it", async () => {
    const registry = mockRegistry([dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant' })]);
    const handler = createHandler({ registryClient: registry.client, sts: mockSts(new FakeClock()).client, env: { registryTable: REGISTRY_TABLE, appVersion: '2.0.1', appHost: 'tenant' }, logger: recordingLogger() });

    expect((await handler(apiEvent({ method: 'GET', resource: '/tenant', tenantClaim: 'initrode' }))).statusCode).toBe(200);
  });

  test(`a suspension reaches a warm container within REGISTRY_CACHE_TTL_MS (${REGISTRY_CACHE_TTL_MS} ms), not later`, async () => {
    const { handler, registry, clock } = setup();
    const request = acmeRequest({ method: 'GET', resource: '/tenant' });
    expect((await handler(request)).statusCode).toBe(200);

    registry.mock.on(GetCommand).resolves({ Item: pooledEntry('acme', { status: 'suspended' }) });
    clock.advance(REGISTRY_CACHE_TTL_MS - 1);
    expect((await handler(request)).statusCode).toBe(200);
    clock.advance(1);
    expect((await handler(request)).statusCode).toBe(403);
  });

  test('a malformed registry entry is a server error, not access', async () => {
    const { handler, logger } = setup([{ tenantId: 'acme', tier: 'L1', status: 'active' }]);

    const response = await handler(acmeRequest({ method: 'GET', resource: '/tenant' }));
    expect(response.statusCode).toBe(500);
    expect(logger.records[0]).toMatchObject({ level: 'error', fields: { errorName: 'InvalidRegistryEntryError' } });
  });
});

describe('tenant named elsewhere than the claim', () => {
  test('path, query, headers and body naming another tenant are ignored', async () => {
    const { handler, sts, tenant, registry } = setup();
    tenant.dbMock.on(PutCommand).resolves({});

    const response = await handler(
      apiEvent({
        method: 'PUT',
        resource: '/items/{itemId}',
        tenantClaim: 'acme',
        pathParameters: { itemId: 'doc-1', tenantId: 'globex' },
        query: { tenantId: 'globex', tenant_id: 'globex' },
        headers: { 'x-tenant-id': 'globex', 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: 'globex', tenant_id: 'globex', data: { colour: 'red' } }),
      }),
    );

    expect(response.statusCode).toBe(201);
    expect(registry.mock.calls().map((call) => call.args[0].input)).toEqual([{ TableName: REGISTRY_TABLE, Key: { tenantId: 'acme' } }]);
    expect(sts.mock.calls().map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::111111111111:role/lz-pooled-data-access',
        RoleSessionName: 'tenant-acme',
        DurationSeconds: 900,
        Tags: [{ Key: 'TenantId', Value: 'acme' }],
      },
    ]);
    expect(itemTableCalls(tenant)).toEqual([
      {
        TableName: 'lz-pooled-items',
        Item: { tenantId: 'acme', itemId: 'doc-1', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW },
        ConditionExpression: 'attribute_not_exists(#item)',
        ExpressionAttributeNames: { '#item': 'itemId' },
      },
    ]);
    expect(tenant.s3Mock.calls()).toHaveLength(0);
  });

  test('a claim for the tenant lists only that tenant, whatever the query says', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(QueryCommand).resolves({ Items: [] });

    await handler(acmeRequest({ method: 'GET', resource: '/items', query: { tenantId: 'globex' }, headers: { 'x-tenant-id': 'globex' } }));

    expect(tenant.dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-items',
        KeyConditionExpression: '#tenant = :tenant',
        ExpressionAttributeNames: { '#tenant': 'tenantId' },
        ExpressionAttributeValues: { ':tenant': 'acme' },
        Limit: 20,
      },
    ]);
  });

  test('a dedicated tenant’s data is reached with its external id, in its region, in its tables', async () => {
    const { handler, sts, tenant } = setup();
    tenant.dbMock.on(GetCommand).resolves({ Item: { ...storedItem('doc-1'), tenantId: 'globex' } });

    const response = await handler(
      apiEvent({ method: 'GET', resource: '/items/{itemId}', tenantClaim: 'globex', apiKeyId: 'key-globex', pathParameters: { itemId: 'doc-1' } }),
    );

    expect(response.statusCode).toBe(200);
    expect(sts.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/lz-data-access',
      RoleSessionName: 'tenant-globex',
      DurationSeconds: 900,
      Tags: [{ Key: 'TenantId', Value: 'globex' }],
      ExternalId: 'globex',
    });
    expect(tenant.calls).toEqual([{ accessKeyId: 'ASIA1', region: 'eu-central-1' }]);
    expect(tenant.dbMock.calls().map((call) => call.args[0].input)).toEqual([
      { TableName: 'lz-globex-items', Key: { tenantId: 'globex', itemId: 'doc-1' }, ConsistentRead: true },
    ]);
  });
});

describe('GET /tenant', () => {
  test('reports the tenant, its registry tier and the app version, without touching data', async () => {
    const { handler, dataCalls } = setup();

    const response = await handler(acmeRequest({ method: 'GET', resource: '/tenant' }));

    expect(response).toEqual({
      statusCode: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({ tenantId: 'acme', tier: 'L1', appVersion: '2.0.1' }),
    });
    expect(dataCalls()).toBe(0);
  });
});

describe('GET /items', () => {
  test('passes limit and nextToken and returns the page', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(QueryCommand).resolves({ Items: [storedItem('b')], LastEvaluatedKey: { tenantId: 'acme', itemId: 'b' } });
    const token = encodePageToken({ tenantId: 'acme', itemId: 'a' });

    const response = await handler(acmeRequest({ method: 'GET', resource: '/items', query: { limit: '1', nextToken: token } }));

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      items: [{ itemId: 'b', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW }],
      nextToken: encodePageToken({ tenantId: 'acme', itemId: 'b' }),
    });
    expect(tenant.dbMock.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      Limit: 1,
      ExclusiveStartKey: { tenantId: 'acme', itemId: 'a' },
    });
  });

  test.each(['0', '101', '-1', '1.5', 'ten', ''])('refuses limit %p without reading', async (limit) => {
    const { handler, dataCalls } = setup();

    const response = await handler(acmeRequest({ method: 'GET', resource: '/items', query: { limit } }));
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'bad_request', message: 'limit must be an integer from 1 to 100' });
    expect(dataCalls()).toBe(0);
  });

  test('refuses a token issued to another tenant', async () => {
    const { handler, tenant } = setup();

    const response = await handler(
      acmeRequest({ method: 'GET', resource: '/items', query: { nextToken: encodePageToken({ tenantId: 'globex', itemId: 'a' }) } }),
    );
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'bad_request', message: 'nextToken is not valid' });
    expect(tenant.dbMock.calls()).toHaveLength(0);
  });
});

describe('items', () => {
  const itemRequest = (method: string, itemId: string, requestBody?: string) =>
    acmeRequest({ method, resource: '/items/{itemId}', pathParameters: { itemId }, ...(requestBody === undefined ? {} : { body: requestBody }) });

  test('GET returns the item, or 404', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(GetCommand, { Key: { tenantId: 'acme', itemId: 'doc-1' } }).resolves({ Item: storedItem('doc-1') });
    tenant.dbMock.on(GetCommand, { Key: { tenantId: 'acme', itemId: 'doc-2' } }).resolves({});

    const found = await handler(itemRequest('GET', 'doc-1'));
    expect(found.statusCode).toBe(200);
    expect(body(found)).toEqual({ itemId: 'doc-1', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW });
    expect(await handler(itemRequest('GET', 'doc-2'))).toEqual({
      statusCode: 404,
      headers: JSON_HEADERS,
      body: JSON.stringify({ error: 'not_found', message: 'item not found' }),
    });
  });

  test('PUT without a version creates (201), with a version updates (200)', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(PutCommand).resolves({});
    tenant.dbMock.on(UpdateCommand, { TableName: 'lz-pooled-items' }).resolves({ Attributes: storedItem('doc-1', 3) });

    const created = await handler(itemRequest('PUT', 'doc-1', JSON.stringify({ data: { colour: 'red' } })));
    expect(created.statusCode).toBe(201);
    expect(body(created)).toEqual({ itemId: 'doc-1', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW });

    const updated = await handler(itemRequest('PUT', 'doc-1', JSON.stringify({ data: { colour: 'red' }, version: 2 })));
    expect(updated.statusCode).toBe(200);
    expect(body(updated)).toMatchObject({ version: 3 });
    expect(itemTableCalls(tenant, UpdateCommand)[0]).toMatchObject({
      Key: { tenantId: 'acme', itemId: 'doc-1' },
      ExpressionAttributeValues: { ':expected': 2, ':next': 3 },
    });
  });

  test('PUT of a new item beyond the tenant’s storage quota is 409 quota_exceeded and writes nothing', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(UpdateCommand, { TableName: 'lz-pooled-users' }).rejects(conditionFailed());

    const response = await handler(itemRequest('PUT', 'doc-9', JSON.stringify({ data: {} })));
    expect([response.statusCode, body(response)]).toEqual([409, { error: 'quota_exceeded', message: 'the tenant may store at most 1000 items' }]);
    expect(tenant.dbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  test('PUT accepts a base64-encoded JSON body', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(PutCommand).resolves({});
    const event = itemRequest('PUT', 'doc-1', Buffer.from(JSON.stringify({ data: { n: 1 } })).toString('base64'));
    event.isBase64Encoded = true;

    expect((await handler(event)).statusCode).toBe(201);
    expect(tenant.dbMock.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ data: { n: 1 } });
  });

  test('PUT that loses its condition is 409', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(PutCommand).rejects(conditionFailed());
    tenant.dbMock.on(UpdateCommand, { TableName: 'lz-pooled-items' }).rejects(conditionFailed());

    const exists = await handler(itemRequest('PUT', 'doc-1', JSON.stringify({ data: {} })));
    expect(exists.statusCode).toBe(409);
    expect(body(exists)).toEqual({ error: 'conflict', message: 'Item doc-1 already exists' });
    const stale = await handler(itemRequest('PUT', 'doc-1', JSON.stringify({ data: {}, version: 1 })));
    expect(stale.statusCode).toBe(409);
    expect(body(stale)).toEqual({ error: 'conflict', message: 'Item doc-1 does not exist at version 1' });
  });

  test.each<[string, string | undefined, string]>([
    ['no body', undefined, 'body must be JSON'],
    ['a body that is not JSON', '{data:', 'body must be JSON'],
    ['a JSON array', '[]', 'body must be a JSON object'],
    ['no data', '{"version":1}', 'data must be a JSON object'],
    ['data that is a string', '{"data":"x"}', 'data must be a JSON object'],
    ['a version that is a string', '{"data":{},"version":"1"}', 'version must be a positive integer'],
    ['a negative version', '{"data":{},"version":-1}', 'version must be a positive integer'],
    ['a fractional version', '{"data":{},"version":1.5}', 'version must be a positive integer'],
  ])('PUT with %s is 400 and writes nothing', async (_name, requestBody, message) => {
    const { handler, dataCalls } = setup();

    const response = await handler(itemRequest('PUT', 'doc-1', requestBody));
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'bad_request', message });
    expect(dataCalls()).toBe(0);
  });

  test('about 400 KB of nested arrays is 400, not a stack overflow and a 500 (that five times would page the on-call engineer)', async () => {
    const { handler, dataCalls, logger } = setup();
    const nested = (depth: number) => `{"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

    // The penetration test's body: refused by its size, before anything parses it.
    const pentest = await handler(itemRequest('PUT', 'doc-1', nested(199_000)));
    expect([pentest.statusCode, body(pentest)]).toEqual([400, { error: 'bad_request', message: `body must be at most ${MAX_ITEM_DATA_BYTES + 1024} bytes` }]);
    // The same attack within the size limit: refused by its depth, counted on the text.
    const within = nested(170_000);
    expect(within.length).toBeLessThan(MAX_ITEM_DATA_BYTES);
    const deep = await handler(itemRequest('PUT', 'doc-1', within));
    expect([deep.statusCode, body(deep)]).toEqual([400, { error: 'bad_request', message: 'data must not nest deeper than 30 levels' }]);
    expect(dataCalls()).toBe(0);
    expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  test('nesting just beyond what DynamoDB stores is 400; just within is stored', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(PutCommand).resolves({});
    const nest = (levels: number) => `{"data":${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}}`;

    expect((await handler(itemRequest('PUT', 'doc-1', nest(31)))).statusCode).toBe(400);
    expect((await handler(itemRequest('PUT', 'doc-1', nest(30)))).statusCode).toBe(201);
  });

  test.each([
    ['text', false],
    ['base64', true],
  ])('a %s body larger than the item limit is refused before it is decoded or parsed', async (_name, isBase64Encoded) => {
    const { handler, dataCalls } = setup();
    const big = JSON.stringify({ data: { blob: 'x'.repeat(MAX_ITEM_DATA_BYTES + 2048) } });
    const request = itemRequest('PUT', 'doc-1', isBase64Encoded ? Buffer.from(big).toString('base64') : big);

    const response = await handler({ ...request, isBase64Encoded });
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'bad_request', message: `body must be at most ${MAX_ITEM_DATA_BYTES + 1024} bytes` });
    expect(dataCalls()).toBe(0);
  });

  test('an invalid item id is 400', async () => {
    const { handler, tenant } = setup();

    const response = await handler(itemRequest('GET', 'a b'));
    expect(response.statusCode).toBe(400);
    expect(tenant.dbMock.calls()).toHaveLength(0);
  });

  test('DELETE is 204, or 404 when there is no such item', async () => {
    const { handler, tenant } = setup();
    tenant.dbMock.on(DeleteCommand, { Key: { tenantId: 'acme', itemId: 'doc-1' } }).resolves({});
    tenant.dbMock.on(DeleteCommand, { Key: { tenantId: 'acme', itemId: 'doc-2' } }).rejects(conditionFailed());

    expect(await handler(itemRequest('DELETE', 'doc-1'))).toEqual({
      statusCode: 204,
      headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      body: '',
    });
    expect((await handler(itemRequest('DELETE', 'doc-2'))).statusCode).toBe(404);
  });
});

describe('files', () => {
  const fileRequest = (method: string, name: string, extra: Partial<ApiRequest> = {}) =>
    acmeRequest({ method, resource: '/files/{name}', pathParameters: { name }, ...extra });

  test('PUT stores a base64 body under the tenant prefix', async () => {
    const { handler, tenant } = setup();
    tenant.s3Mock.on(PutObjectCommand).resolves({});
    const bytes = Buffer.from([0, 1, 2, 255]);

    const response = await handler(
      fileRequest('PUT', 'photo.png', { body: bytes.toString('base64'), isBase64Encoded: true, headers: { 'Content-Type': 'image/png' } }),
    );

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ name: 'photo.png', size: 4 });
    expect(tenant.s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'lz-pooled-data', Key: 'acme/files/photo.png', Body: bytes, ContentType: 'image/png' },
    ]);
  });

  test('PUT stores a text body as UTF-8', async () => {
    const { handler, tenant } = setup();
    tenant.s3Mock.on(PutObjectCommand).resolves({});

    await handler(fileRequest('PUT', 'note.txt', { body: 'grüß' }));

    expect(tenant.s3Mock.commandCalls(PutObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'lz-pooled-data',
      Key: 'acme/files/note.txt',
      Body: Buffer.from('grüß', 'utf8'),
      ContentType: 'application/octet-stream',
    });
  });

  test.each(['..', 'a..b', 'a/b', '.%2F..%2Fglobex'])('PUT with the name %p is 400', async (name) => {
    const { handler, tenant } = setup();

    expect((await handler(fileRequest('PUT', name, { body: 'x' }))).statusCode).toBe(400);
    expect(tenant.s3Mock.calls()).toHaveLength(0);
  });

  test('GET returns the file base64-encoded as a download', async () => {
    const { handler, tenant } = setup();
    tenant.s3Mock.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new Uint8Array([0, 1, 2, 255]) } as unknown as GetObjectCommandOutput['Body'],
      ContentType: 'image/png',
    });

    const response = await handler(fileRequest('GET', 'photo.png'));

    expect(response).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'image/png',
        'content-disposition': 'attachment',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(tenant.s3Mock.calls().map((call) => call.args[0].input)).toEqual([{ Bucket: 'lz-pooled-data', Key: 'acme/files/photo.png' }]);
  });

  test('GET of a missing file is 404', async () => {
    const { handler, tenant } = setup();
    tenant.s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    expect((await handler(fileRequest('GET', 'nothing.txt'))).statusCode).toBe(404);
  });
});

describe('routing and failures', () => {
  test.each([
    ['POST', '/items'],
    ['GET', '/admin/tenants'],
    ['PATCH', '/items/{itemId}'],
  ])('%s %s is 404', async (method, resource) => {
    const { handler, dataCalls } = setup();

    const response = await handler(acmeRequest({ method, resource }));
    expect(response).toEqual({ statusCode: 404, headers: JSON_HEADERS, body: JSON.stringify({ error: 'not_found', message: 'No such route' }) });
    expect(dataCalls()).toBe(0);
  });

  test('an unexpected error is a generic 500; the detail goes to the log only', async () => {
    const { handler, tenant, logger } = setup();
    tenant.dbMock.on(QueryCommand).rejects(new Error('secret internal detail'));

    const response = await handler(acmeRequest({ method: 'GET', resource: '/items' }));

    expect(response).toEqual({
      statusCode: 500,
      headers: JSON_HEADERS,
      body: JSON.stringify({ error: 'internal_error', message: 'Internal server error' }),
    });
    expect(logger.records).toEqual([
      {
        level: 'error',
        message: 'request failed',
        fields: expect.objectContaining({ requestId: 'req-1', route: 'GET /items', errorName: 'Error', errorMessage: 'secret internal detail' }),
      },
    ]);
  });

  test('a refused AssumeRole is a 500, and no data call is made', async () => {
    const { handler, sts, tenant } = setup();
    sts.mock.on(AssumeRoleCommand).rejects(new Error('AccessDenied'));

    expect((await handler(acmeRequest({ method: 'GET', resource: '/items' }))).statusCode).toBe(500);
    expect(tenant.dbMock.calls()).toHaveLength(0);
  });
});

describe('credentials across requests', () => {
  test('are vended once, reused until 60 s before expiry, then vended again', async () => {
    const { handler, clock, sts, tenant } = setup();
    tenant.dbMock.on(QueryCommand).resolves({ Items: [] });
    const list = () => handler(acmeRequest({ method: 'GET', resource: '/items' }));

    await list();
    clock.advance(839_999);
    await list();
    expect(sts.mock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(tenant.calls).toEqual([{ accessKeyId: 'ASIA1', region: 'eu-west-1' }]);

    clock.advance(1);
    await list();
    expect(sts.mock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(tenant.calls).toEqual([
      { accessKeyId: 'ASIA1', region: 'eu-west-1' },
      { accessKeyId: 'ASIA2', region: 'eu-west-1' },
    ]);
  });

  test('are vended per tenant', async () => {
    const { handler, sts, tenant } = setup();
    tenant.dbMock.on(QueryCommand).resolves({ Items: [] });

    await handler(acmeRequest({ method: 'GET', resource: '/items' }));
    await handler(apiEvent({ method: 'GET', resource: '/items', tenantClaim: 'globex', apiKeyId: 'key-globex' }));

    expect(sts.mock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.Tags)).toEqual([
      [{ Key: 'TenantId', Value: 'acme' }],
      [{ Key: 'TenantId', Value: 'globex' }],
    ]);
    expect(tenant.dbMock.commandCalls(QueryCommand).map((call) => call.args[0].input.ExpressionAttributeValues)).toEqual([
      { ':tenant': 'acme' },
      { ':tenant': 'globex' },
    ]);
  });
});

describe('tenantApiEnv', () => {
  test('needs the registry table, the app version and the app', () => {
    expect(tenantApiEnv({ REGISTRY_TABLE: 'r', APP_VERSION: '2.0.1', APP_HOST: 'platform' })).toEqual({ registryTable: 'r', appVersion: '2.0.1', appHost: 'platform' });
    expect(() => tenantApiEnv({ REGISTRY_TABLE: 'r' })).toThrow('Environment variable APP_VERSION is not set');
  });
});
