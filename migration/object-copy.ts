/**
 * One tenant's objects (everything under `<tenantId>/` in a bucket), copied to, checked against,
 * or deleted from another bucket under the same keys. Listing is ListObjectsV2 under the
 * prefix (the tenant-scoped session may list only there); each object travels with its body,
 * content type and user metadata, several in flight. S3 lists keys in UTF-8 byte order, the
 * order both sides are compared in. The two sides are reached with two different tenant-scoped
 * sessions, so S3 cannot copy server-side: each body passes through memory, which the app's
 * files (at most API Gateway's 10 MB payload) keep small; a single PutObject takes up to 5 GB.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SideDigest } from '../model/migration';
import { Digest, sha256 } from './digest';
import { inParallel, PageCursor } from './paging';

export interface PrefixRef {
  /** A client with tenant-scoped credentials for this bucket. */
  readonly s3: S3Client;
  readonly bucket: string;
  /** `<tenantId>/` */
  readonly prefix: string;
}

export interface ObjectCopyOptions {
  /** Objects copied or read at a time. @default 16 */
  readonly concurrency?: number;
}

interface Listed {
  readonly key: string;
  readonly size: number;
}

async function listPage(ref: PrefixRef, after: { token?: string; startAfter?: string } | undefined): Promise<{ items: Listed[]; lastKey?: { token: string } }> {
  const out = await ref.s3.send(
    new ListObjectsV2Command({
      Bucket: ref.bucket,
      Prefix: ref.prefix,
      ...(after?.token ? { ContinuationToken: after.token } : after?.startAfter ? { StartAfter: after.startAfter } : {}),
    }),
  );
  const items = (out.Contents ?? []).map((c) => ({ key: c.Key!, size: c.Size ?? 0 }));
  return { items, ...(out.IsTruncated && out.NextContinuationToken ? { lastKey: { token: out.NextContinuationToken } } : {}) };
}

interface StoredObject {
  readonly body: Uint8Array;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
}

async function getObject(ref: PrefixRef, key: string): Promise<StoredObject> {
  const out: GetObjectCommandOutput = await ref.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: key }));
  return { body: out.Body ? await out.Body.transformToByteArray() : new Uint8Array(), ...(out.ContentType ? { contentType: out.ContentType } : {}), metadata: out.Metadata ?? {} };
}

async function putObject(ref: PrefixRef, key: string, object: StoredObject): Promise<void> {
  await ref.s3.send(new PutObjectCommand({ Bucket: ref.bucket, Key: key, Body: object.body, ContentType: object.contentType, Metadata: object.metadata }));
}

function digestOf(key: string, object: StoredObject): { line: string; bytes: number } {
  return { line: objectLine(key, object), bytes: object.body.byteLength };
}

/** One line per object: key, content type, metadata and the SHA-256 of the body. */
function objectLine(key: string, object: StoredObject): string {
  const metadata = Object.keys(object.metadata)
    .sort()
    .map((k) => `${k}=${object.metadata[k]}`)
    .join('&');
  return `${JSON.stringify(key)}\t${object.contentType ?? ''}\t${metadata}\t${sha256(object.body)}`;
}

/**
 * Copies the objects after `startAfter` (a key), one listing page at a time; `onPage` runs
 * after each page is written, with the last key written (the caller's checkpoint).
 */
export async function copyPrefix(
  source: PrefixRef,
  target: PrefixRef,
  opts: ObjectCopyOptions & { readonly startAfter?: string; readonly onPage: (lastKey: string | undefined, written: number, bytes: number) => Promise<void> },
): Promise<void> {
  let after: { token?: string; startAfter?: string } | undefined = opts.startAfter ? { startAfter: opts.startAfter } : undefined;
  for (;;) {
    const page = await listPage(source, after);
    let bytes = 0;
    await inParallel(page.items, opts.concurrency ?? 16, async ({ key }) => {
      const object = await getObject(source, key);
      bytes += object.body.byteLength;
      await putObject(target, key, object);
    });
    const last = page.items.at(-1)?.key;
    await opts.onPage(page.lastKey ? last : undefined, page.items.length, bytes);
    if (!page.lastKey) return;
    after = page.lastKey;
  }
}

export interface PrefixComparison {
  readonly source: SideDigest;
  readonly target: SideDigest;
  readonly repaired: number;
}

/**
 * Reads both sides in key order and digests each (count, bytes, SHA-256 over every object's
 * line). With `repair`, missing or different objects are written again and objects only the
 * target has are deleted; a repaired pass is followed by a clean one.
 */
export async function comparePrefixes(source: PrefixRef, target: PrefixRef, opts: ObjectCopyOptions & { readonly repair: boolean }): Promise<PrefixComparison> {
  const src = new PageCursor<Listed>((after) => listPage(source, after as { token: string } | undefined));
  const dst = new PageCursor<Listed>((after) => listPage(target, after as { token: string } | undefined));
  const sourceDigest = new Digest(`${source.bucket}/${source.prefix}`);
  const targetDigest = new Digest(`${target.bucket}/${target.prefix}`);
  let repaired = 0;
  const stale: string[] = [];
  for (;;) {
    // A window of keys in merged order, fetched in parallel, digested in order.
    const window: Array<{ key: string; inSource: boolean; inTarget: boolean }> = [];
    while (window.length < 256) {
      const [a, b] = await Promise.all([src.peek(), dst.peek()]);
      if (a === undefined && b === undefined) break;
      const order = a === undefined ? 1 : b === undefined ? -1 : Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8'));
      window.push({ key: order <= 0 ? a!.key : b!.key, inSource: order <= 0, inTarget: order >= 0 });
      if (order <= 0) await src.next();
      if (order >= 0) await dst.next();
    }
    if (window.length === 0) break;
    // Each object is digested as it arrives; only its line is kept, and a repair reads it again.
    const read = await inParallel(window, opts.concurrency ?? 16, async (w) => ({
      source: w.inSource ? digestOf(w.key, await getObject(source, w.key)) : undefined,
      target: w.inTarget ? digestOf(w.key, await getObject(target, w.key)) : undefined,
    }));
    const repairs: string[] = [];
    window.forEach((w, i) => {
      const { source: s, target: t } = read[i];
      if (s) sourceDigest.add(s.line, s.bytes);
      if (t) targetDigest.add(t.line, t.bytes);
      if (s?.line === t?.line) return;
      repaired += 1;
      if (s) repairs.push(w.key);
      else stale.push(w.key);
    });
    if (opts.repair) await inParallel(repairs, opts.concurrency ?? 16, async (key) => putObject(target, key, await getObject(source, key)));
  }
  if (opts.repair) await deleteKeys(target, stale);
  return { source: sourceDigest.result(true), target: targetDigest.result(true), repaired };
}

async function deleteKeys(ref: PrefixRef, keys: ReadonlyArray<string>): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const out = await ref.s3.send(new DeleteObjectsCommand({ Bucket: ref.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    if (out.Errors && out.Errors.length > 0) throw new Error(`deleting from ${ref.bucket}: ${out.Errors.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`);
  }
}

/** Deletes every object under the prefix (the old copy, after its retention); returns how many went. */
export async function deletePrefix(ref: PrefixRef): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await listPage(ref, undefined);
    if (page.items.length === 0) return deleted;
    await deleteKeys(ref, page.items.map((i) => i.key));
    deleted += page.items.length;
  }
}

/** Counts the objects under the prefix. */
export async function countPrefix(ref: PrefixRef): Promise<number> {
  let count = 0;
  let after: { token?: string } | undefined;
  do {
    const page = await listPage(ref, after);
    count += page.items.length;
    after = page.lastKey;
  } while (after);
  return count;
}
