/**
 * One tenant's partition of a table, copied to, checked against, or deleted from another
 * table of the same key schema. Reads are `Query` on the partition key (never `Scan`: the
 * tenant-scoped session may not scan), strongly consistent, page by page; writes are
 * `BatchWriteItem` of 25, several in flight. Items travel as raw attribute values, so every type
 * (numbers beyond 2^53, sets, binary) arrives exactly as it left.
 */
import { BatchWriteItemCommand, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_KEY } from '../functions/shared/contracts';
import type { SideDigest } from '../model/migration';
import { canonicalItem, Digest, type Item } from './digest';
import { inParallel, PageCursor, withBackoff } from './paging';

export interface PartitionRef {
  /** A client with tenant-scoped credentials for this table. */
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly tenantId: string;
  /** Sort key attribute (a string key). */
  readonly sortKey: string;
}

export interface TableCopyOptions {
  /** Items per Query page. @default 500 */
  readonly pageSize?: number;
  /** BatchWriteItem calls in flight. @default 8 */
  readonly concurrency?: number;
}

const BATCH = 25;

async function queryPage(ref: PartitionRef, startKey: Item | undefined, limit: number, keysOnly = false): Promise<{ items: Item[]; lastKey?: Item }> {
  const out = await ref.db.send(
    new QueryCommand({
      TableName: ref.table,
      KeyConditionExpression: '#tenant = :tenant',
      ExpressionAttributeNames: { '#tenant': TENANT_KEY, ...(keysOnly ? { '#sort': ref.sortKey } : {}) },
      ExpressionAttributeValues: { ':tenant': { S: ref.tenantId } },
      ...(keysOnly ? { ProjectionExpression: '#tenant, #sort' } : {}),
      ConsistentRead: true,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** Writes requests in batches of 25, retrying what DynamoDB leaves unprocessed. */
export async function batchWrite(db: DynamoDBDocumentClient, table: string, requests: ReadonlyArray<WriteRequest>, concurrency: number): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  await inParallel(batches, concurrency, async (batch) => {
    let pending = batch;
    await withBackoff(`BatchWriteItem on ${table}`, async () => {
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
      return pending.length === 0;
    });
  });
}

/**
 * Copies the partition from `startKey` on. `onPage` runs after each page is written, with the
 * key to resume after (undefined on the last page): the caller's checkpoint.
 */
export async function copyPartition(
  source: PartitionRef,
  target: Pick<PartitionRef, 'db' | 'table'>,
  opts: TableCopyOptions & { readonly startKey?: Item; readonly onPage: (lastKey: Item | undefined, written: number) => Promise<void> },
): Promise<void> {
  const pageSize = opts.pageSize ?? 500;
  // The next page is read while the current one is written.
  let next = queryPage(source, opts.startKey, pageSize);
  for (;;) {
    const page = await next;
    if (page.lastKey) next = queryPage(source, page.lastKey, pageSize);
    await batchWrite(target.db, target.table, page.items.map((Item) => ({ PutRequest: { Item } })), opts.concurrency ?? 8);
    await opts.onPage(page.lastKey, page.items.length);
    if (!page.lastKey) return;
  }
}

export interface PartitionComparison {
  readonly source: SideDigest;
  readonly target: SideDigest;
  /** Items the target lacked or had different (written again) and items only the target had (deleted). */
  readonly repaired: number;
}

function sortKeyOf(item: Item, ref: PartitionRef): Buffer {
  const v = item[ref.sortKey]?.S;
  if (v === undefined) throw new Error(`${ref.table}: an item of ${ref.tenantId} has no string ${ref.sortKey}`);
  return Buffer.from(v, 'utf8');
}

/**
 * Reads both partitions in key order (DynamoDB orders string keys by their UTF-8 bytes) and
 * digests each side. With `repair`, the target is made equal to the source on the way; the
 * digests then describe what was read, so a repaired pass is followed by a clean one.
 */
export async function comparePartitions(source: PartitionRef, target: PartitionRef, opts: TableCopyOptions & { readonly repair: boolean }): Promise<PartitionComparison> {
  const pageSize = opts.pageSize ?? 500;
  const src = new PageCursor<Item>((key) => queryPage(source, key as Item | undefined, pageSize));
  const dst = new PageCursor<Item>((key) => queryPage(target, key as Item | undefined, pageSize));
  const sourceDigest = new Digest(source.table);
  const targetDigest = new Digest(target.table);
  const fixes: WriteRequest[] = [];
  let repaired = 0;
  const fix = async (request: WriteRequest) => {
    repaired += 1;
    fixes.push(request);
    if (opts.repair && fixes.length >= 500) await batchWrite(target.db, target.table, fixes.splice(0), opts.concurrency ?? 8);
  };
  for (;;) {
    const [a, b] = await Promise.all([src.peek(), dst.peek()]);
    if (a === undefined && b === undefined) break;
    const order = a === undefined ? 1 : b === undefined ? -1 : Buffer.compare(sortKeyOf(a, source), sortKeyOf(b, target));
    const sourceLine = order <= 0 ? canonicalItem(a!) : undefined;
    const targetLine = order >= 0 ? canonicalItem(b!) : undefined;
    if (sourceLine !== undefined) {
      sourceDigest.add(sourceLine);
      await src.next();
    }
    if (targetLine !== undefined) {
      targetDigest.add(targetLine);
      await dst.next();
    }
    if (sourceLine === undefined) await fix({ DeleteRequest: { Key: { [TENANT_KEY]: b![TENANT_KEY], [target.sortKey]: b![target.sortKey] } } });
    else if (sourceLine !== targetLine) await fix({ PutRequest: { Item: a! } });
  }
  if (opts.repair && fixes.length > 0) await batchWrite(target.db, target.table, fixes, opts.concurrency ?? 8);
  return { source: sourceDigest.result(), target: targetDigest.result(), repaired };
}

/** Deletes the partition (the old copy, after its retention); returns how many items went. */
export async function deletePartition(ref: PartitionRef, opts: TableCopyOptions = {}): Promise<number> {
  let deleted = 0;
  for (;;) {
    // Always from the start: the pages already read are gone.
    const page = await queryPage(ref, undefined, opts.pageSize ?? 500, true);
    if (page.items.length === 0) return deleted;
    await batchWrite(ref.db, ref.table, page.items.map((Key) => ({ DeleteRequest: { Key } })), opts.concurrency ?? 8);
    deleted += page.items.length;
  }
}

/** Counts the partition's items (keys only). */
export async function countPartition(ref: PartitionRef): Promise<number> {
  let count = 0;
  let key: Item | undefined;
  do {
    const page = await queryPage(ref, key, 1000, true);
    count += page.items.length;
    key = page.lastKey;
  } while (key);
  return count;
}
