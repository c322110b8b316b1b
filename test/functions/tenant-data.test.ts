import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError, InvalidPaginationTokenError, ItemConflictError, QuotaExceededError } from '../../functions/shared/errors';
import { checkItemData, createTenantData, decodePageToken, encodePageToken, fileKey, jsonNestingDepth } from '../../functions/shared/tenant-data';
import { FakeClock, mockTenantClients, pooledEntry } from './support';

const location = pooledEntry('acme').data;
const NOW = '2030-01-01T00:00:00.000Z';

function setup() {
  const clock = new FakeClock();
  const { db, s3, dbMock, s3Mock } = mockTenantClients();
  const data = createTenantData({ clients: { db, s3 }, location, now: clock.now });
  return { data, dbMock, s3Mock };
}

/** The one method of an S3 body stream that getFile uses. */
const streamOf = (text: string) =>
  ({ transformToByteArray: async () => new Uint8Array(Buffer.from(text)) }) as unknown as GetObjectCommandOutput['Body'];

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('listItems', () => {
  test('queries the partition of the tenant only, with the page size', async () => {
    const { data, dbMock } = setup();
    dbMock.on(QueryCommand).resolves({
      Items: [{ tenantId: 'acme', itemId: 'a', data: { n: 1 }, version: 1, createdAt: NOW, updatedAt: NOW }],
      LastEvaluatedKey: { tenantId: 'acme', itemId: 'a' },
    });

    const page = await data.listItems('acme', { limit: 1 });

    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-items',
        KeyConditionExpression: '#tenant = :tenant',
        ExpressionAttributeNames: { '#tenant': 'tenantId' },
        ExpressionAttributeValues: { ':tenant': 'acme' },
        Limit: 1,
      },
    ]);
    expect(dbMock.calls()[0].args[0]).toBeInstanceOf(QueryCommand);
    expect(page).toEqual({
      items: [{ itemId: 'a', data: { n: 1 }, version: 1, createdAt: NOW, updatedAt: NOW }],
      nextToken: encodePageToken({ tenantId: 'acme', itemId: 'a' }),
    });
  });

  test('continues from the token and has no token on the last page', async () => {
    const { data, dbMock } = setup();
    dbMock.on(QueryCommand).resolves({ Items: [] });

    const page = await data.listItems('acme', { nextToken: encodePageToken({ tenantId: 'acme', itemId: 'a' }) });

    expect(dbMock.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      Limit: 20,
      ExclusiveStartKey: { tenantId: 'acme', itemId: 'a' },
    });
    expect(page).toEqual({ items: [] });
  });

  test.each([
    ['another tenant', encodePageToken({ tenantId: 'globex', itemId: 'a' })],
    ['an extra key', encodePageToken({ tenantId: 'acme', itemId: 'a', other: 'x' })],
    ['a missing sort key', encodePageToken({ tenantId: 'acme' })],
    ['not base64url', 'a+b/c=='],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['too long', 'a'.repeat(2000)],
  ])('refuses a token of %s without querying', async (_name, token) => {
    const { data, dbMock } = setup();

    await expect(data.listItems('acme', { nextToken: token })).rejects.toBeInstanceOf(InvalidPaginationTokenError);
    expect(dbMock.calls()).toHaveLength(0);
  });

  test.each([0, 101, 1.5])('refuses limit %p', async (limit) => {
    const { data, dbMock } = setup();

    await expect(data.listItems('acme', { limit })).rejects.toThrow('limit must be an integer from 1 to 100');
    expect(dbMock.calls()).toHaveLength(0);
  });
});

describe('page tokens', () => {
  test('round-trip for the same tenant', () => {
    const token = encodePageToken({ tenantId: 'acme', itemId: 'x.1' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken('acme', token)).toEqual({ tenantId: 'acme', itemId: 'x.1' });
  });
});

describe('getItem', () => {
  test('reads by the tenant and item key, consistently', async () => {
    const { data, dbMock } = setup();
    dbMock.on(GetCommand).resolves({ Item: { tenantId: 'acme', itemId: 'a', data: {}, version: 3, createdAt: NOW, updatedAt: NOW } });

    await expect(data.getItem('acme', 'a')).resolves.toEqual({ itemId: 'a', data: {}, version: 3, createdAt: NOW, updatedAt: NOW });
    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      { TableName: 'lz-pooled-items', Key: { tenantId: 'acme', itemId: 'a' }, ConsistentRead: true },
    ]);
  });

  test('is undefined for a missing item', async () => {
    const { data, dbMock } = setup();
    dbMock.on(GetCommand).resolves({});

    await expect(data.getItem('acme', 'a')).resolves.toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a slash', 'a/b'],
    ['a space', 'a b'],
    ['a non-ASCII letter', 'ä'],
    ['a parent reference', '../x'],
  ])('refuses an item id: %s', async (_name, itemId) => {
    const { data, dbMock } = setup();

    await expect(data.getItem('acme', itemId)).rejects.toBeInstanceOf(InvalidInputError);
    expect(dbMock.calls()).toHaveLength(0);
  });

  test('accepts 128 characters of letters, digits, ".", "_" and "-"', async () => {
    const { data, dbMock } = setup();
    dbMock.on(GetCommand).resolves({});
    const itemId = `Az09._-${'x'.repeat(121)}`;

    await data.getItem('acme', itemId);
    expect(dbMock.commandCalls(GetCommand)[0].args[0].input.Key).toEqual({ tenantId: 'acme', itemId });
  });
});

describe('putItem', () => {
  test('creates version 1 only if the item does not exist', async () => {
    const { data, dbMock } = setup();
    dbMock.on(PutCommand).resolves({});

    const result = await data.putItem('acme', 'a', { colour: 'red' });

    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-items',
        Item: { tenantId: 'acme', itemId: 'a', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW },
        ConditionExpression: 'attribute_not_exists(#item)',
        ExpressionAttributeNames: { '#item': 'itemId' },
      },
    ]);
    expect(result).toEqual({
      created: true,
      item: { itemId: 'a', data: { colour: 'red' }, version: 1, createdAt: NOW, updatedAt: NOW },
    });
  });

  test('updates only at the expected version, and increments it', async () => {
    const { data, dbMock } = setup();
    dbMock.on(UpdateCommand).resolves({
      Attributes: { tenantId: 'acme', itemId: 'a', data: { colour: 'blue' }, version: 3, createdAt: 'earlier', updatedAt: NOW },
    });

    const result = await data.putItem('acme', 'a', { colour: 'blue' }, 2);

    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-items',
        Key: { tenantId: 'acme', itemId: 'a' },
        UpdateExpression: 'SET #data = :data, #version = :next, #updatedAt = :now',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#data': 'data', '#version': 'version', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':data': { colour: 'blue' }, ':next': 3, ':now': NOW, ':expected': 2 },
        ReturnValues: 'ALL_NEW',
      },
    ]);
    expect(result).toEqual({
      created: false,
      item: { itemId: 'a', data: { colour: 'blue' }, version: 3, createdAt: 'earlier', updatedAt: NOW },
    });
  });

  test('a failed create condition is a conflict', async () => {
    const { data, dbMock } = setup();
    dbMock.on(PutCommand).rejects(conditionFailed());

    const error = await data.putItem('acme', 'a', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemConflictError);
    expect(error).toMatchObject({ itemId: 'a', expectedVersion: undefined, message: 'Item a already exists' });
  });

  test('a failed version condition is a conflict', async () => {
    const { data, dbMock } = setup();
    dbMock.on(UpdateCommand).rejects(conditionFailed());

    await expect(data.putItem('acme', 'a', {}, 4)).rejects.toThrow(new ItemConflictError('a', 4));
  });

  test('other DynamoDB errors pass through', async () => {
    const { data, dbMock } = setup();
    dbMock.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(data.putItem('acme', 'a', {})).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  test.each<[string, unknown, number | undefined, string]>([
    ['an array', [1], undefined, 'data must be a JSON object'],
    ['null', null, undefined, 'data must be a JSON object'],
    ['an infinite number', { n: Infinity }, undefined, 'data cannot be stored: number Infinity is out of range'],
    ['an unsafe integer', { n: 2 ** 60 }, undefined, 'out of range'],
    ['a tiny number', { n: 1e-200 }, undefined, 'out of range'],
    ['an empty key', { '': 1 }, undefined, 'object keys must not be empty'],
    ['deep nesting', JSON.parse('{"a":'.repeat(31) + '1' + '}'.repeat(31)), undefined, 'nesting deeper than 30 levels'],
    ['too much data', { s: 'x'.repeat(350_001) }, undefined, 'data must be at most 350000 bytes of JSON'],
    ['version 0', {}, 0, 'version must be a positive integer'],
    ['a fractional version', {}, 1.5, 'version must be a positive integer'],
  ])('refuses %s before writing', async (_name, value, version, message) => {
    const { data, dbMock } = setup();

    const error = await data.putItem('acme', 'a', value as Record<string, unknown>, version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(message);
    expect(dbMock.calls()).toHaveLength(0);
  });
});

describe('file storage quota', () => {
  const quota = { maxItems: 10, maxFileBytes: 100 };
  const setupFiles = () => {
    const clients = mockTenantClients();
    const data = createTenantData({ clients, location: pooledEntry('acme').data, quota });
    return { clients, data };
  };

  test('a new file reserves its size before it is written; a replaced file only its growth', async () => {
    const { clients, data } = setupFiles();
    clients.s3Mock.on(HeadObjectCommand, { Key: 'acme/files/new.bin' }).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    clients.s3Mock.on(HeadObjectCommand, { Key: 'acme/files/old.bin' }).resolves({ ContentLength: 30 });

    await data.putFile('acme', 'new.bin', new Uint8Array(40));
    await data.putFile('acme', 'old.bin', new Uint8Array(50));
    await data.putFile('acme', 'old.bin', new Uint8Array(10));
    const updates = clients.dbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.UpdateExpression, u.ExpressionAttributeValues])).toEqual([
      ['ADD #used :amount', { ':amount': 40, ':room': 60 }],
      ['ADD #used :amount', { ':amount': 20, ':room': 80 }],
      ['ADD #used :minus', { ':minus': -20, ':amount': 20 }],
    ]);
    expect(updates.every((u) => u.TableName === 'lz-pooled-users' && u.Key?.userId === '#usage' && u.ExpressionAttributeNames?.['#used'] === 'fileBytes')).toBe(true);
  });

  test('a file beyond the quota is refused and never written', async () => {
    const { clients, data } = setupFiles();
    clients.s3Mock.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    clients.dbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'full', $metadata: {} }));

    await expect(data.putFile('acme', 'big.bin', new Uint8Array(90))).rejects.toThrow(new QuotaExceededError("the tenant's files may take at most 100 bytes"));
    await expect(data.putFile('acme', 'huge.bin', new Uint8Array(101))).rejects.toBeInstanceOf(QuotaExceededError);
    expect(clients.s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('a failed upload gives its reservation back', async () => {
    const { clients, data } = setupFiles();
    clients.s3Mock.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    clients.s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));

    await expect(data.putFile('acme', 'a.bin', new Uint8Array(25))).rejects.toThrow('SlowDown');
    expect(clients.dbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues)).toEqual([
      { ':amount': 25, ':room': 75 },
      { ':minus': -25, ':amount': 25 },
    ]);
  });
});

describe('checks that cannot be made to overflow the stack', () => {
  test('data nested 200,000 levels deep is an InvalidInputError, not a RangeError', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => checkItemData({ x: deep })).toThrow(new InvalidInputError('data cannot be stored: nesting deeper than 30 levels'));
  });

  test('the nesting of a JSON text is counted without parsing it, strings and escapes skipped', () => {
    expect(jsonNestingDepth('{}')).toBe(1);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonNestingDepth('{"a":"[[[[{{{{ \\" [[["}')).toBe(1);
    expect(jsonNestingDepth(`${'['.repeat(500_000)}${']'.repeat(500_000)}`)).toBe(500_000);
  });
});

describe('deleteItem', () => {
  test('deletes only an existing item of the tenant', async () => {
    const { data, dbMock } = setup();
    dbMock.on(DeleteCommand).resolves({});

    await expect(data.deleteItem('acme', 'a')).resolves.toBe(true);
    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-items',
        Key: { tenantId: 'acme', itemId: 'a' },
        ConditionExpression: 'attribute_exists(#item)',
        ExpressionAttributeNames: { '#item': 'itemId' },
      },
    ]);
  });

  test('is false for a missing item', async () => {
    const { data, dbMock } = setup();
    dbMock.on(DeleteCommand).rejects(conditionFailed());

    await expect(data.deleteItem('acme', 'a')).resolves.toBe(false);
  });
});

describe('files', () => {
  test('are written under <tenantId>/files/<name>', async () => {
    const { data, s3Mock } = setup();
    s3Mock.on(PutObjectCommand).resolves({});
    const body = Buffer.from('hello');

    await data.putFile('acme', 'report.txt', body, 'text/plain');

    expect(s3Mock.calls().map((call) => call.args[0].input)).toEqual([
      { Bucket: 'lz-pooled-data', Key: 'acme/files/report.txt', Body: body, ContentType: 'text/plain' },
    ]);
  });

  test('are read from <tenantId>/files/<name>', async () => {
    const { data, s3Mock } = setup();
    s3Mock.on(GetObjectCommand).resolves({
      Body: streamOf('hello'),
      ContentType: 'text/plain',
    });

    const file = await data.getFile('acme', 'report.txt');

    expect(s3Mock.calls().map((call) => call.args[0].input)).toEqual([{ Bucket: 'lz-pooled-data', Key: 'acme/files/report.txt' }]);
    expect(file && Buffer.from(file.body).toString()).toBe('hello');
    expect(file?.contentType).toBe('text/plain');
  });

  test('a missing file is undefined', async () => {
    const { data, s3Mock } = setup();
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    await expect(data.getFile('acme', 'nothing')).resolves.toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['a slash', 'a/b'],
    ['only dots', '..'],
    ['two dots inside', 'x..y'],
    ['a path to another prefix', '../acme2/files/x'],
    ['a backslash', 'a\\b'],
    ['a newline', 'a\nb'],
    ['201 characters', 'n'.repeat(201)],
  ])(
    'refuses a file name: %s',
    async (_name, name) => {
      const { data, s3Mock } = setup();

      await expect(data.putFile('acme', name, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidInputError);
      await expect(data.getFile('acme', name)).rejects.toBeInstanceOf(InvalidInputError);
      expect(s3Mock.calls()).toHaveLength(0);
    },
  );

  test('a tenant id cannot move the prefix', () => {
    expect(() => fileKey('acme/../globex', 'x')).toThrow(InvalidInputError);
    expect(fileKey('acme', 'n'.repeat(200))).toBe(`acme/files/${'n'.repeat(200)}`);
  });
});

describe('putUserProfile', () => {
  test('records the profile once', async () => {
    const { data, dbMock } = setup();
    dbMock.on(PutCommand).resolves({});

    await expect(data.putUserProfile('acme', 'sub-1', 'jane@acme.example', 'L1')).resolves.toEqual({ created: true });
    expect(dbMock.calls().map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'lz-pooled-users',
        Item: { tenantId: 'acme', userId: 'sub-1', email: 'jane@acme.example', tier: 'L1', createdAt: NOW },
        ConditionExpression: 'attribute_not_exists(#user)',
        ExpressionAttributeNames: { '#user': 'userId' },
      },
    ]);
  });

  test('an existing profile is not an error', async () => {
    const { data, dbMock } = setup();
    dbMock.on(PutCommand).rejects(conditionFailed());

    await expect(data.putUserProfile('acme', 'sub-1', 'jane@acme.example', 'L1')).resolves.toEqual({ created: false });
  });
});
