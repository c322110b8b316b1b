/**
 * Fixtures of the migration tests: locations and registry entries of a pooled and a dedicated
 * tenant on the local servers, seeded data with every attribute type, snapshots to compare,
 * tenant-scoped access through a mocked STS, and a kill switch that makes a run die at a
 * chosen call, as a killed process would.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'crypto';
import { ITEM_KEY, TENANT_KEY, USER_KEY, type DataLocation, type RegistryEntry } from '../../functions/shared/contracts';
import { TenantRegistry } from '../../functions/shared/registry';
import { TenantSessions } from '../../functions/shared/tenant-session';
import { localDynamoClient, localS3Client, type LocalAws, DUMMY_CREDENTIALS } from '../../bench/local-aws';
import { canonicalItem } from '../../migration/digest';
import type { MoveDeps } from '../../migration/data-move';
import { MoveRecords } from '../../migration/records';
import type { ScopedClientFactory } from '../../migration/scoped-clients';
import { batchWrite } from '../../migration/table-copy';
import { prng } from '../helpers/prng';

export const REGISTRY_TABLE = 'lz-tenant-registry';
export const PLATFORM_ACCOUNT = '111111111111';
export const TENANT_ACCOUNT = '333333333333';
export const REGION = 'eu-west-1';

export const POOLED: DataLocation = {
  mode: 'pooled',
  accountId: PLATFORM_ACCOUNT,
  region: REGION,
  itemsTable: 'lz-items',
  usersTable: 'lz-users',
  bucket: 'lz-pooled-111111111111-eu-west-1',
  dataAccessRoleArn: `arn:aws:iam::${PLATFORM_ACCOUNT}:role/lz-tenant-data-access`,
};

export function dedicated(tenantId: string): DataLocation {
  return {
    mode: 'dedicated',
    accountId: TENANT_ACCOUNT,
    region: REGION,
    itemsTable: `lz-${tenantId}-items`,
    usersTable: `lz-${tenantId}-users`,
    bucket: `lz-${tenantId}-${TENANT_ACCOUNT}-eu-west-1`,
    dataAccessRoleArn: `arn:aws:iam::${TENANT_ACCOUNT}:role/lz-${tenantId}-data-access`,
    externalId: tenantId,
  };
}

/** The registry entry the tenant stack writes for an L1 tenant moving to L2. */
export function movingEntry(tenantId: string): RegistryEntry {
  return { ...pooledEntry(tenantId), tier: 'L2', data: dedicated(tenantId), migration: { id: 'L1-L2', from: POOLED } };
}

export function pooledEntry(tenantId: string): RegistryEntry {
  return { tenantId, tier: 'L1', status: 'active', displayName: tenantId, appVersion: '3.2.0', servedBy: 'platform', apiKeyId: `key-${tenantId}`, quota: { maxItems: 100_000, maxFileBytes: 1_000_000_000 }, data: POOLED };
}

/** The pooled tables and bucket, and the registry. */
export async function createPlatform(local: LocalAws): Promise<void> {
  await Promise.all([local.createTable(POOLED.itemsTable, ITEM_KEY), local.createTable(POOLED.usersTable, USER_KEY), local.createTable(REGISTRY_TABLE), local.createBucket(POOLED.bucket)]);
}

/** A dedicated tenant's tables and bucket, as its stack creates them (empty). */
export async function createDedicated(local: LocalAws, tenantId: string): Promise<void> {
  const d = dedicated(tenantId);
  await Promise.all([local.createTable(d.itemsTable, ITEM_KEY), local.createTable(d.usersTable, USER_KEY), local.createBucket(d.bucket)]);
}

export async function putRegistry(local: LocalAws, entry: RegistryEntry): Promise<void> {
  await registryClient(local).send(new PutCommand({ TableName: REGISTRY_TABLE, Item: { ...entry } }));
}

export function registryClient(local: LocalAws, client = local.dynamodb()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export { prng };

/** An item with every attribute type DynamoDB has, including a number beyond 2^53. */
function item(tenantId: string, sortKey: string, id: string, rnd: () => number): Record<string, AttributeValue> {
  const n = Math.floor(rnd() * 1e6);
  return {
    [TENANT_KEY]: { S: tenantId },
    [sortKey]: { S: id },
    data: { M: { title: { S: `item ${id} ✓ ${'x'.repeat(n % 40)}` }, n: { N: String(n) }, big: { N: `98765432109876543210${n}` }, ok: { BOOL: n % 2 === 0 }, nothing: { NULL: true }, tags: { L: [{ S: 'a' }, { N: '1.5' }] } } },
    labels: { SS: [`l${n % 7}`, `m${n % 5}`, 'z'] },
    scores: { NS: ['1', String(n % 100 + 2)] },
    blob: { B: createHash('sha256').update(id).digest() },
    version: { N: String(1 + (n % 9)) },
  };
}

/**
 * Writes `count` items (ids `<prefix>00000`...) into a tenant's partition; returns them as
 * partitionSnapshot reads them back (canonical, in key order).
 */
export async function seedItems(local: LocalAws, table: string, sortKey: string, tenantId: string, count: number, seed: number, prefix = 'i'): Promise<string[]> {
  const rnd = prng(seed);
  const items = Array.from({ length: count }, (_, i) => item(tenantId, sortKey, `${prefix}${String(i).padStart(5, '0')}`, rnd));
  await batchWrite(DynamoDBDocumentClient.from(local.dynamodb()), table, items.map((Item) => ({ PutRequest: { Item } })), 8);
  return items.map(canonicalItem);
}

/**
 * Writes `count` files of 0-4 KiB with assorted content types and metadata under
 * `<tenant>/files/`; returns them as prefixSnapshot reads them back.
 */
export async function seedObjects(local: LocalAws, bucket: string, tenantId: string, count: number, seed: number): Promise<string[]> {
  const rnd = prng(seed);
  const s3 = local.s3();
  const types = ['application/pdf', 'text/plain; charset=utf-8', 'image/png', 'application/octet-stream'];
  const files = Array.from({ length: count }, (_, i) => {
    const size = Math.floor(rnd() * 4096);
    const body = Buffer.alloc(size);
    for (let b = 0; b < size; b++) body[b] = Math.floor(rnd() * 256);
    return { key: `${tenantId}/files/f-${String(i).padStart(5, '0')}.bin`, body, contentType: types[i % types.length], metadata: { uploadedby: `user-${i % 13}` } };
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const f = files[next++];
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: f.key, Body: f.body, ContentType: f.contentType, Metadata: f.metadata }));
      }
    }),
  );
  return files.map((f) => objectLine(f.key, f.contentType, f.metadata, f.body));
}

function objectLine(key: string | undefined, contentType: string | undefined, metadata: Record<string, string> | undefined, body: Uint8Array): string {
  return `${key} ${contentType} ${JSON.stringify(metadata)} ${createHash('sha256').update(body).digest('hex')}`;
}

/** Every item of a partition, canonical, in key order: the test's own view, not the engine's. */
export async function partitionSnapshot(local: LocalAws, table: string, tenantId: string): Promise<string[]> {
  const db = local.dynamodb();
  const out: string[] = [];
  let key: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: '#t = :t', ExpressionAttributeNames: { '#t': TENANT_KEY }, ExpressionAttributeValues: { ':t': { S: tenantId } }, ConsistentRead: true, ExclusiveStartKey: key }));
    out.push(...(page.Items ?? []).map(canonicalItem));
    key = page.LastEvaluatedKey;
  } while (key);
  return out;
}

/** Every object under a prefix: key, content type, metadata and the bytes' SHA-256. */
export async function prefixSnapshot(local: LocalAws, bucket: string, prefix: string): Promise<string[]> {
  const s3 = local.s3();
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const c of page.Contents ?? []) {
      const o = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: c.Key }));
      out.push(objectLine(c.Key, o.ContentType, o.Metadata, await o.Body!.transformToByteArray()));
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/** Everything a tenant has in a location. */
export async function tenantSnapshot(local: LocalAws, location: DataLocation, tenantId: string): Promise<{ items: string[]; users: string[]; files: string[] }> {
  const [items, users, files] = await Promise.all([partitionSnapshot(local, location.itemsTable, tenantId), partitionSnapshot(local, location.usersTable, tenantId), prefixSnapshot(local, location.bucket, `${tenantId}/`)]);
  return { items, users, files };
}

/**
 * A run that dies at call number `at`, or at each call with probability `chance` (drawn from
 * `rnd`), counted over every client it is attached to: that call and all later ones fail.
 */
export class KillSwitch {
  calls = 0;
  dead = false;

  constructor(
    public at: number = Infinity,
    private readonly chance?: { readonly p: number; readonly rnd: () => number },
  ) {}

  attach<C extends { middlewareStack: { add: (...args: any[]) => void } }>(client: C): C {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        this.calls += 1;
        if (!this.dead && this.chance && this.chance.rnd() < this.chance.p) this.at = this.calls;
        if (this.dead || this.calls >= this.at) {
          this.dead = true;
          throw new SimulatedCrash(this.at);
        }
        return next(args);
      },
      { step: 'initialize', name: 'killSwitch' },
    );
    return client;
  }
}

export class SimulatedCrash extends Error {
  constructor(at: number) {
    super(`process killed at call ${at}`);
    this.name = 'SimulatedCrash';
  }
}

/**
 * STS that vends sessions (s3rver knows one access key, so every session uses it) and
 * remembers what was asked: the proof that the engine only ever asks for tenant-scoped ones.
 */
export function mockedSts() {
  const client = new STSClient({ region: REGION });
  const mock = mockClient(client);
  let issued = 0;
  mock.on(AssumeRoleCommand).callsFake(() => {
    issued += 1;
    return { Credentials: { ...pascal(DUMMY_CREDENTIALS), SessionToken: `session-${issued}`, Expiration: new Date(Date.now() + 900_000) } };
  });
  return { client, mock };
}

function pascal(c: typeof DUMMY_CREDENTIALS) {
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey };
}

/** Engine dependencies on the local servers; every client dies with the kill switch. */
export function engineDeps(local: LocalAws, sts: STSClient, kill = new KillSwitch(), extra: Partial<MoveDeps> = {}): MoveDeps {
  const registry = registryClient(local, kill.attach(localDynamoClient(local.dynamodbEndpoint)));
  const factory: ScopedClientFactory = (credentials) => {
    const dynamodb = kill.attach(localDynamoClient(local.dynamodbEndpoint, credentials));
    const s3 = kill.attach(localS3Client(local.s3Endpoint, credentials));
    return { db: DynamoDBDocumentClient.from(dynamodb), s3, destroy: () => (dynamodb.destroy(), s3.destroy()) };
  };
  return {
    records: new MoveRecords(registry, REGISTRY_TABLE),
    registry: new TenantRegistry({ client: registry, tableName: REGISTRY_TABLE, ttlMs: 0 }),
    access: { sessions: new TenantSessions({ sts }), factory },
    ...extra,
  };
}
