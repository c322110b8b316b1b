/**
 * The tenant data path: items and user profiles in DynamoDB, files in S3. Built on clients the
 * caller passes in, which carry tenant-scoped credentials (tenant-clients.ts). Every key starts
 * with the caller's tenant id: items and users are read by partition key only (Query, never
 * Scan), files live under `<tenantId>/files/`.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ITEM_KEY, TENANT_KEY, USAGE_RECORD_KEY, USER_KEY, type DataLocation, type StorageQuota, type TenantTier } from './contracts';
import {
  InvalidInputError,
  InvalidPaginationTokenError,
  ItemConflictError,
  isConditionalCheckFailed,
  QuotaExceededError,
} from './errors';
import type { TenantDataClients } from './tenant-clients';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_FILE_NAME_LENGTH = 200;
/** Below DynamoDB's 400 KB item limit, leaving room for the keys and bookkeeping attributes. */
export const MAX_ITEM_DATA_BYTES = 350_000;
/** DynamoDB nests at most 32 levels; `data` itself is one. */
export const MAX_ITEM_DATA_DEPTH = 30;
const ITEM_ID = /^[A-Za-z0-9._-]{1,128}$/;
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PAGE_TOKEN_LENGTH = 1024;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export type ItemData = Readonly<Record<string, unknown>>;

export interface TenantItem {
  readonly itemId: string;
  readonly data: ItemData;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ListItemsOptions {
  /** 1 to MAX_PAGE_SIZE. @default DEFAULT_PAGE_SIZE */
  readonly limit?: number;
  /** From the previous page's nextToken. */
  readonly nextToken?: string;
}

export interface ItemPage {
  readonly items: readonly TenantItem[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

export interface PutItemResult {
  readonly created: boolean;
  readonly item: TenantItem;
}

export interface StoredFile {
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface TenantData {
  listItems(tenantId: string, options?: ListItemsOptions): Promise<ItemPage>;
  getItem(tenantId: string, itemId: string): Promise<TenantItem | undefined>;
  /**
   * Creates the item (version 1) when `expectedVersion` is absent, else replaces its data if it is
   * at that version. Throws ItemConflictError when the condition fails.
   */
  putItem(tenantId: string, itemId: string, data: ItemData, expectedVersion?: number): Promise<PutItemResult>;
  /** False when there was no such item. */
  deleteItem(tenantId: string, itemId: string): Promise<boolean>;
  putFile(tenantId: string, name: string, body: Uint8Array, contentType?: string): Promise<void>;
  getFile(tenantId: string, name: string): Promise<StoredFile | undefined>;
  /** Records the profile once; an existing profile is left as it is (`created: false`). */
  putUserProfile(tenantId: string, userId: string, email: string, tier: TenantTier): Promise<{ readonly created: boolean }>;
  /**
   * A user who moved to another user pool got a new id: its profile moves from the old id to
   * the new one, keeping every field (`previousUserId` records the old id). Idempotent: a
   * repeated move finds the new profile and only removes a leftover old one.
   */
  moveUserProfile(tenantId: string, fromUserId: string, toUserId: string, email: string, tier: TenantTier): Promise<{ readonly created: boolean }>;
}

export interface TenantDataOptions {
  readonly clients: Pick<TenantDataClients, 'db' | 's3'>;
  readonly location: Pick<DataLocation, 'itemsTable' | 'usersTable' | 'bucket'>;
  /** Milliseconds since the epoch, for timestamps. @default Date.now */
  readonly now?: () => number;
  /**
   * The tenant's storage quota: new items and file bytes are reserved on the tenant's usage
   * record (in its users table, under USAGE_RECORD_KEY) with a conditional update before they
   * are written, and released when a write fails or an item is deleted. @default no quota
   */
  readonly quota?: StorageQuota;
}

type UsageCounter = 'items' | 'fileBytes';

export function createTenantData(options: TenantDataOptions): TenantData {
  const { db, s3 } = options.clients;
  const { itemsTable, usersTable, bucket } = options.location;
  const now = options.now ?? Date.now;
  const timestamp = (): string => new Date(now()).toISOString();
  const quota = options.quota;
  const usageKey = (tenantId: string) => ({ [TENANT_KEY]: tenantId, [USER_KEY]: USAGE_RECORD_KEY });
  const limitOf: Record<UsageCounter, (q: StorageQuota) => number> = { items: (q) => q.maxItems, fileBytes: (q) => q.maxFileBytes };
  const quotaMessage: Record<UsageCounter, (max: number) => string> = {
    items: (max) => `the tenant may store at most ${max} items`,
    fileBytes: (max) => `the tenant's files may take at most ${max} bytes`,
  };

  /** Counts `amount` against the quota, atomically, or throws QuotaExceededError. */
  async function reserve(tenantId: string, counter: UsageCounter, amount: number): Promise<void> {
    if (!quota || amount <= 0) return;
    const max = limitOf[counter](quota);
    if (amount > max) throw new QuotaExceededError(quotaMessage[counter](max));
    try {
      await db.send(
        new UpdateCommand({
          TableName: usersTable,
          Key: usageKey(tenantId),
          UpdateExpression: 'ADD #used :amount',
          ConditionExpression: 'attribute_not_exists(#used) OR #used <= :room',
          ExpressionAttributeNames: { '#used': counter },
          ExpressionAttributeValues: { ':amount': amount, ':room': max - amount },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new QuotaExceededError(quotaMessage[counter](max));
      throw error;
    }
  }

  /** Gives `amount` back (never below zero); a failure leaves the count high, which errs on the safe side. */
  async function release(tenantId: string, counter: UsageCounter, amount: number): Promise<void> {
    if (!quota || amount <= 0) return;
    try {
      await db.send(
        new UpdateCommand({
          TableName: usersTable,
          Key: usageKey(tenantId),
          UpdateExpression: 'ADD #used :minus',
          ConditionExpression: '#used >= :amount',
          ExpressionAttributeNames: { '#used': counter },
          ExpressionAttributeValues: { ':minus': -amount, ':amount': amount },
        }),
      );
    } catch {
      // The count stays high: the tenant is refused a little early, never let past its quota.
    }
  }

  /** Size of a stored object, 0 when there is none. */
  async function storedSize(key: string): Promise<number> {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head?.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return 0;
      throw error;
    }
  }

  return {
    async listItems(tenantId, { limit = DEFAULT_PAGE_SIZE, nextToken } = {}) {
      checkTenantId(tenantId);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
        throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      }
      const startKey = nextToken === undefined ? undefined : decodePageToken(tenantId, nextToken);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: itemsTable,
          KeyConditionExpression: '#tenant = :tenant',
          ExpressionAttributeNames: { '#tenant': TENANT_KEY },
          ExpressionAttributeValues: { ':tenant': tenantId },
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      return {
        items: Items.map(toTenantItem),
        ...(LastEvaluatedKey ? { nextToken: encodePageToken(LastEvaluatedKey) } : {}),
      };
    },

    async getItem(tenantId, itemId) {
      checkTenantId(tenantId);
      checkItemId(itemId);
      const { Item } = await db.send(
        new GetCommand({ TableName: itemsTable, Key: itemKey(tenantId, itemId), ConsistentRead: true }),
      );
      return Item ? toTenantItem(Item) : undefined;
    },

    async putItem(tenantId, itemId, data, expectedVersion) {
      checkTenantId(tenantId);
      checkItemId(itemId);
      checkItemData(data);
      if (expectedVersion !== undefined && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 1)) {
        throw new InvalidInputError('version must be a positive integer');
      }
      const at = timestamp();
      try {
        if (expectedVersion === undefined) {
          const item = { [TENANT_KEY]: tenantId, [ITEM_KEY]: itemId, data, version: 1, createdAt: at, updatedAt: at };
          await reserve(tenantId, 'items', 1);
          try {
            await db.send(
              new PutCommand({
                TableName: itemsTable,
                Item: item,
                ConditionExpression: 'attribute_not_exists(#item)',
                ExpressionAttributeNames: { '#item': ITEM_KEY },
              }),
            );
          } catch (error) {
            await release(tenantId, 'items', 1);
            throw error;
          }
          return { created: true, item: toTenantItem(item) };
        }
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: itemsTable,
            Key: itemKey(tenantId, itemId),
            UpdateExpression: 'SET #data = :data, #version = :next, #updatedAt = :now',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#data': 'data', '#version': 'version', '#updatedAt': 'updatedAt' },
            ExpressionAttributeValues: { ':data': data, ':next': expectedVersion + 1, ':now': at, ':expected': expectedVersion },
            ReturnValues: 'ALL_NEW',
          }),
        );
        if (!Attributes) throw new Error(`UpdateItem on ${itemId} returned no attributes`);
        return { created: false, item: toTenantItem(Attributes) };
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new ItemConflictError(itemId, expectedVersion);
        throw error;
      }
    },

    async deleteItem(tenantId, itemId) {
      checkTenantId(tenantId);
      checkItemId(itemId);
      try {
        await db.send(
          new DeleteCommand({
            TableName: itemsTable,
            Key: itemKey(tenantId, itemId),
            ConditionExpression: 'attribute_exists(#item)',
            ExpressionAttributeNames: { '#item': ITEM_KEY },
          }),
        );
        await release(tenantId, 'items', 1);
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async putFile(tenantId, name, body, contentType = DEFAULT_CONTENT_TYPE) {
      const key = fileKey(tenantId, name);
      // Only the growth counts: replacing a file frees the bytes of the one it replaces.
      const previous = quota ? await storedSize(key) : 0;
      const growth = body.length - previous;
      await reserve(tenantId, 'fileBytes', growth);
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      } catch (error) {
        await release(tenantId, 'fileBytes', growth);
        throw error;
      }
      await release(tenantId, 'fileBytes', -growth);
    },

    async getFile(tenantId, name) {
      const key = fileKey(tenantId, name);
      try {
        const { Body, ContentType } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return {
          body: Body ? await Body.transformToByteArray() : new Uint8Array(),
          contentType: ContentType ?? DEFAULT_CONTENT_TYPE,
        };
      } catch (error) {
        if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
        throw error;
      }
    },

    async putUserProfile(tenantId, userId, email, tier) {
      checkTenantId(tenantId);
      checkUserId(userId);
      return createProfile({ [TENANT_KEY]: tenantId, [USER_KEY]: userId, email, tier, createdAt: timestamp() });
    },

    async moveUserProfile(tenantId, fromUserId, toUserId, email, tier) {
      checkTenantId(tenantId);
      checkUserId(fromUserId);
      checkUserId(toUserId);
      const key = (userId: string) => ({ [TENANT_KEY]: tenantId, [USER_KEY]: userId });
      const { Item: old } = await db.send(new GetCommand({ TableName: usersTable, Key: key(fromUserId), ConsistentRead: true }));
      const result = await createProfile({ createdAt: timestamp(), ...old, ...key(toUserId), email, tier, previousUserId: fromUserId });
      // Only once the new profile exists: a failure in between leaves the old one for the retry.
      if (old) await db.send(new DeleteCommand({ TableName: usersTable, Key: key(fromUserId) }));
      return result;
    },
  };

  async function createProfile(item: Record<string, unknown>): Promise<{ readonly created: boolean }> {
    try {
      await db.send(
        new PutCommand({
          TableName: usersTable,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#user)',
          ExpressionAttributeNames: { '#user': USER_KEY },
        }),
      );
      return { created: true };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { created: false };
      throw error;
    }
  }
}

function checkUserId(userId: string): void {
  if (userId.length === 0 || userId.length > 128) throw new InvalidInputError('userId must be 1-128 characters');
}

function itemKey(tenantId: string, itemId: string): Record<string, string> {
  return { [TENANT_KEY]: tenantId, [ITEM_KEY]: itemId };
}

/** The S3 key of a tenant file; the name can never leave the tenant's `files/` prefix. */
export function fileKey(tenantId: string, name: string): string {
  checkTenantId(tenantId);
  checkFileName(name);
  return `${tenantId}/files/${name}`;
}

function checkTenantId(tenantId: string): void {
  // The tenant id prefixes S3 keys, so it must not carry separators of its own.
  if (!TENANT_ID.test(tenantId)) throw new InvalidInputError('tenant id is not valid');
}

export function checkItemId(itemId: string): void {
  if (!ITEM_ID.test(itemId)) {
    throw new InvalidInputError('item id must be 1-128 characters of letters, digits, ".", "_" and "-"');
  }
}

export function checkFileName(name: string): void {
  if (
    name.length === 0 ||
    name.length > MAX_FILE_NAME_LENGTH ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('..') ||
    /[\u0000-\u001f\u007f]/.test(name)
  ) {
    throw new InvalidInputError(
      `file name must be 1-${MAX_FILE_NAME_LENGTH} characters without "/", "\\", ".." or control characters`,
    );
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses data that DynamoDB or the marshaller would reject, as a caller error rather than a
 * crash. Nothing here recurses: the depth is checked on an explicit stack before the data is
 * serialized, so no input can overflow the call stack (JSON.stringify of deeply nested arrays
 * would).
 */
export function checkItemData(data: unknown): asserts data is ItemData {
  if (!isRecord(data)) throw new InvalidInputError('data must be a JSON object');
  const problem = storageProblem(data);
  if (problem) throw new InvalidInputError(`data cannot be stored: ${problem}`);
  if (Buffer.byteLength(JSON.stringify(data), 'utf8') > MAX_ITEM_DATA_BYTES) {
    throw new InvalidInputError(`data must be at most ${MAX_ITEM_DATA_BYTES} bytes of JSON`);
  }
}

function storageProblem(root: unknown): string | undefined {
  const pending: Array<readonly [unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      const magnitude = Math.abs(value);
      // The marshaller refuses non-finite and unsafe numbers; DynamoDB refuses magnitudes below 1e-130.
      if (!Number.isFinite(value) || magnitude > Number.MAX_SAFE_INTEGER || (magnitude !== 0 && magnitude < 1e-130)) {
        return `number ${value} is out of range`;
      }
      continue;
    }
    if (typeof value !== 'object') return `${typeof value} values are not supported`;
    if (depth > MAX_ITEM_DATA_DEPTH) return `nesting deeper than ${MAX_ITEM_DATA_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const child of value) pending.push([child, depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === '') return 'object keys must not be empty';
      pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * How deeply the arrays and objects of a JSON text nest, counted without parsing it (strings
 * and their escapes skipped), so that a body can be refused before `JSON.parse` builds it.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

function toTenantItem(record: Readonly<Record<string, unknown>>): TenantItem {
  return {
    itemId: String(record[ITEM_KEY]),
    data: isRecord(record.data) ? record.data : {},
    version: Number(record.version),
    createdAt: String(record.createdAt),
    updatedAt: String(record.updatedAt),
  };
}

/** Pagination tokens are the LastEvaluatedKey, base64url-encoded JSON. */
export function encodePageToken(lastEvaluatedKey: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

/** The start key in a token, if the token is well-formed and was issued to this tenant. */
export function decodePageToken(tenantId: string, token: string): Record<string, string> {
  if (token.length === 0 || token.length > MAX_PAGE_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidPaginationTokenError();
  }
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPaginationTokenError();
  }
  if (
    !isRecord(key) ||
    Object.keys(key).length !== 2 ||
    key[TENANT_KEY] !== tenantId ||
    typeof key[ITEM_KEY] !== 'string' ||
    !ITEM_ID.test(key[ITEM_KEY])
  ) {
    throw new InvalidPaginationTokenError();
  }
  return { [TENANT_KEY]: tenantId, [ITEM_KEY]: key[ITEM_KEY] };
}
