/**
 * The L1 to L2 move: the tenant's items and profiles (pooled tables, by partition key) and
 * files (pooled bucket, under its prefix) are copied into its own tables and bucket, verified,
 * and only then does the registry serve the tenant from there.
 *
 * Writes are frozen for the copy (the API answers 503 with Retry-After, reads go on from the
 * pooled tables) rather than written twice: a write freeze makes "no write lost" hold by
 * construction and lets both sides be compared exactly, while dual writes across two accounts
 * have no transaction between them, so a failure half-way would leave the copies apart with
 * nobody to tell which one is right; the freeze lasts only as long as the copy.
 *
 * Step by step (the record in the registry says where a run stands):
 * 1. freeze: the record says `frozen`; the run waits out the functions' registry cache and the
 *    API's time limit, so that no write that started before the freeze is still on its way;
 * 2. copy: table by table and the bucket, page by page, a checkpoint after each page: an
 *    interrupted run resumes after the last checkpoint (re-copying a page is harmless);
 * 3. verify: both sides are read again and digested the same way (count and SHA-256 per table
 *    and bucket); differences found on the way are repaired and the pass repeated, so a target
 *    left over from an earlier failed attempt ends up equal to the frozen source;
 * 4. switch: the record says `switched` (conditional on this run still owning it): the
 *    functions serve the tenant account from then on, and writes resume there.
 *
 * An error marks the move `failed`: writes resume on the old location, which is untouched and
 * still serves; the next run starts the copy again. A run killed outright leaves the tenant
 * frozen until a run resumes it (or `lz migrate --abort` lifts the freeze). A switched move
 * is never run again: a repeated run changes nothing.
 */
import { randomUUID } from 'crypto';
import { ITEM_KEY, TENANT_API_TIMEOUT_SECONDS, USER_KEY, type DataLocation } from '../functions/shared/contracts';
import { DEFAULT_RETRY_AFTER_SECONDS, REGISTRY_CACHE_TTL_MS, type RegistryReader } from '../functions/shared/registry';
import { addDays, type CopyCheck } from '../model/migration';
import type { MoveId } from '../model/schema/tenant';
import type { Item } from './digest';
import { comparePrefixes, copyPrefix, type PrefixRef } from './object-copy';
import { MoveOwnershipError, MoveRecords, type Checkpoint, type MoveRecord } from './records';
import { tenantScopedClients, type ScopedAccess } from './scoped-clients';
import { comparePartitions, copyPartition, type PartitionRef } from './table-copy';

/** How long a freeze must be in force before the copy reads anything: the registry cache TTL, the API's time limit and a margin. */
export const FREEZE_GRACE_MS = REGISTRY_CACHE_TTL_MS + TENANT_API_TIMEOUT_SECONDS * 1000 + 5_000;
/** A frozen record whose owner has not written for this long belongs to a run that died. */
export const STALE_RUN_MS = 2 * 60_000;
/** How often a run shows it is alive (well within STALE_RUN_MS). */
const HEARTBEAT_MS = 30_000;
/** Verification passes before giving up (the first repairs, the second must be clean). */
const MAX_VERIFY_PASSES = 3;

export interface MoveDeps {
  readonly records: MoveRecords;
  /** Reads the tenant's registry entry (without a cache). */
  readonly registry: RegistryReader;
  /** Tenant-scoped sessions and the clients built on them. */
  readonly access: ScopedAccess;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly progress?: (line: string) => void;
}

export interface DataMoveOptions {
  readonly retentionDays: number;
  /** @default FREEZE_GRACE_MS */
  readonly freezeGraceMs?: number;
  /** @default STALE_RUN_MS */
  readonly staleAfterMs?: number;
  /** @default DEFAULT_RETRY_AFTER_SECONDS */
  readonly retryAfterSeconds?: number;
  /** Items per Query page. @default 500 */
  readonly pageSize?: number;
  /** BatchWriteItem calls in flight per table. @default 8 */
  readonly concurrency?: number;
  /** Objects in flight. @default 16 */
  readonly objectConcurrency?: number;
  /** @default a random id */
  readonly runId?: string;
}

export type MoveStatus = 'switched' | 'already-switched' | 'moving' | 'waiting' | 'failed' | 'cleaned' | 'nothing-to-do';

export interface MoveResult {
  readonly tenantId: string;
  readonly moveId: MoveId;
  readonly status: MoveStatus;
  readonly message: string;
  readonly record?: MoveRecord;
}

/** A verification that still differs after repairs. */
export class VerificationError extends Error {
  constructor(readonly checks: ReadonlyArray<CopyCheck>) {
    super(`verification failed: ${checks.filter((c) => !c.match).map((c) => `${c.name} (${c.source.count} in ${c.source.location}, ${c.target.count} in ${c.target.location})`).join(', ')}`);
    this.name = 'VerificationError';
  }
}

export function describeLocation(location: DataLocation, tenantId: string): string {
  return `${location.mode} in ${location.accountId} ${location.region}: tables ${location.itemsTable} and ${location.usersTable}, s3://${location.bucket}/${tenantId}/`;
}

const TABLES = [
  { name: 'items', sortKey: ITEM_KEY, table: (l: DataLocation) => l.itemsTable },
  { name: 'users', sortKey: USER_KEY, table: (l: DataLocation) => l.usersTable },
] as const;

function emptyCheckpoint(): Checkpoint {
  return { tables: Object.fromEntries(TABLES.map((t) => [t.name, { done: false, copied: 0 }])), objects: { done: false, copied: 0, bytes: 0 } };
}

export async function runDataMove(tenantId: string, moveId: MoveId, deps: MoveDeps, opts: DataMoveOptions): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const say = deps.progress ?? (() => undefined);
  const iso = () => new Date(now()).toISOString();
  const runId = opts.runId ?? randomUUID();

  const entry = await deps.registry.getEntry(tenantId);
  if (!entry.migration || entry.migration.id !== moveId) {
    return { tenantId, moveId, status: 'waiting', message: `the registry entry has no marker for ${moveId} yet: apply the tenant stack first` };
  }
  const source = entry.migration.from;
  const target = entry.data;
  let record = await deps.records.get(tenantId, moveId);
  if (record && (record.phase === 'switched' || record.phase === 'cleaned')) {
    return { tenantId, moveId, status: 'already-switched', message: `switched at ${record.switchedAt}; nothing to do`, record };
  }

  // Start (or start again after a failure), or take over a frozen move whose run died.
  const graceMs = opts.freezeGraceMs ?? FREEZE_GRACE_MS;
  let waitMs = graceMs;
  if (record?.phase === 'frozen') {
    const idle = now() - record.heartbeatAt;
    if (idle < (opts.staleAfterMs ?? STALE_RUN_MS)) {
      throw new MoveOwnershipError(`run ${record.runId} is copying ${tenantId} (last seen ${Math.round(idle / 1000)} s ago); try again once it is done, or after ${Math.round((opts.staleAfterMs ?? STALE_RUN_MS) / 1000)} s without news from it`);
    }
    say(`${tenantId}: resuming the frozen move after run ${record.runId}`);
    await deps.records.update(tenantId, moveId, record.runId, { runId }, now());
    record = { ...record, runId };
    waitMs = Math.max(0, Date.parse(record.frozenAt!) + graceMs - now());
  } else {
    const started: MoveRecord = {
      migrationId: moveId,
      kind: 'data',
      phase: 'frozen',
      runId,
      heartbeatAt: now(),
      attempts: (record?.attempts ?? 0) + 1,
      retentionDays: opts.retentionDays,
      startedAt: record?.startedAt ?? iso(),
      frozenAt: iso(),
      retryAfterSeconds: opts.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
      from: describeLocation(source, tenantId),
      to: describeLocation(target, tenantId),
      source,
      target,
      checkpoint: emptyCheckpoint(),
    };
    await deps.records.put(tenantId, started, record?.runId);
    record = started;
    say(`${tenantId}: writes frozen; waiting ${Math.round(graceMs / 1000)} s for requests that started before the freeze`);
  }
  if (waitMs > 0) await sleep(waitMs);

  const owned = record;
  const update = (fields: Record<string, unknown>) => deps.records.update(tenantId, moveId, runId, fields, now());
  const src = tenantScopedClients(deps.access, tenantId, source);
  const dst = tenantScopedClients(deps.access, tenantId, target);
  const started = now();
  // The heartbeat tells other runs this one is alive, also through a long verification.
  const heartbeat = setInterval(() => void update({}).catch(() => undefined), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const checkpoint = owned.checkpoint ?? emptyCheckpoint();
    const figures: Record<string, number> = {};
    const copyTables = TABLES.map(async (t) => {
      const cp = checkpoint.tables[t.name] ?? { done: false, copied: 0 };
      if (cp.done) return;
      let copied = cp.copied;
      await copyPartition({ db: src.db, table: t.table(source), tenantId, sortKey: t.sortKey }, { db: dst.db, table: t.table(target) }, {
        startKey: cp.lastKey,
        pageSize: opts.pageSize,
        concurrency: opts.concurrency,
        onPage: async (lastKey: Item | undefined, written: number) => {
          copied += written;
          await update({ [`checkpoint.tables.${t.name}`]: lastKey ? { lastKey, done: false, copied } : { done: true, copied } });
        },
      });
      figures[`${t.name}Copied`] = copied;
      say(`${tenantId}: ${t.name} copied (${copied})`);
    });
    const prefix = `${tenantId}/`;
    const srcObjects: PrefixRef = { s3: src.s3, bucket: source.bucket, prefix };
    const dstObjects: PrefixRef = { s3: dst.s3, bucket: target.bucket, prefix };
    const copyObjects = (async () => {
      const cp = checkpoint.objects;
      if (cp.done) return;
      let { copied, bytes } = cp;
      await copyPrefix(srcObjects, dstObjects, {
        startAfter: cp.startAfter,
        concurrency: opts.objectConcurrency,
        onPage: async (lastKey, written, pageBytes) => {
          copied += written;
          bytes += pageBytes;
          await update({ 'checkpoint.objects': lastKey ? { startAfter: lastKey, done: false, copied, bytes } : { done: true, copied, bytes } });
        },
      });
      figures.objectsCopied = copied;
      figures.bytesCopied = bytes;
      say(`${tenantId}: files copied (${copied})`);
    })();
    await Promise.all([...copyTables, copyObjects]);
    const copyMs = now() - started;

    const verifyStarted = now();
    let checks: CopyCheck[] = [];
    let repaired = 0;
    for (let pass = 1; pass <= MAX_VERIFY_PASSES; pass++) {
      const results = await Promise.all([
        ...TABLES.map(async (t) => {
          const ref = (l: DataLocation, db: PartitionRef['db']): PartitionRef => ({ db, table: t.table(l), tenantId, sortKey: t.sortKey });
          const r = await comparePartitions(ref(source, src.db), ref(target, dst.db), { repair: true, pageSize: opts.pageSize, concurrency: opts.concurrency });
          return { check: { name: t.name, source: r.source, target: r.target, match: r.repaired === 0 && r.source.count === r.target.count && r.source.sha256 === r.target.sha256 }, repaired: r.repaired };
        }),
        comparePrefixes(srcObjects, dstObjects, { repair: true, concurrency: opts.objectConcurrency }).then((r) => ({
          check: { name: 'files', source: r.source, target: r.target, match: r.repaired === 0 && r.source.count === r.target.count && r.source.sha256 === r.target.sha256 },
          repaired: r.repaired,
        })),
      ]);
      checks = results.map((r) => r.check);
      const fixed = results.reduce((n, r) => n + r.repaired, 0);
      repaired += fixed;
      if (fixed === 0) break;
      say(`${tenantId}: verification pass ${pass} repaired ${fixed} entries; checking again`);
    }
    figures.repaired = repaired;
    figures.copyMs = copyMs;
    figures.verifyMs = now() - verifyStarted;
    figures.frozenMs = now() - Date.parse(owned.frozenAt!);
    if (!checks.every((c) => c.match)) throw new VerificationError(checks);

    const switchedAt = iso();
    await update({ phase: 'switched', switchedAt, retainUntil: addDays(switchedAt, owned.retentionDays), checks, figures });
    say(`${tenantId}: verified and switched to ${target.mode} in ${target.accountId}; writes resume there`);
    return { tenantId, moveId, status: 'switched', message: `verified (${checks.map((c) => `${c.name} ${c.target.count}`).join(', ')}) and switched`, record: await deps.records.get(tenantId, moveId) };
  } catch (error) {
    if (error instanceof MoveOwnershipError) throw error;
    const failure = (error as Error).message;
    // Writes resume on the old location, which still has everything: the copy only read it.
    await update({ phase: 'failed', failure, ...(error instanceof VerificationError ? { checks: error.checks } : {}) });
    say(`${tenantId}: move failed (${failure}); writes resume on the old location`);
    return { tenantId, moveId, status: 'failed', message: failure, record: await deps.records.get(tenantId, moveId) };
  } finally {
    clearInterval(heartbeat);
    src.destroy?.();
    dst.destroy?.();
  }
}

/** Lifts a freeze left by a run that died (the tenant then writes to its old location again). */
export async function abortDataMove(tenantId: string, moveId: MoveId, deps: MoveDeps, reason: string): Promise<MoveResult> {
  const record = await deps.records.get(tenantId, moveId);
  if (!record || record.phase !== 'frozen') return { tenantId, moveId, status: 'nothing-to-do', message: `no frozen move ${moveId} (${record?.phase ?? 'none'})`, ...(record ? { record } : {}) };
  await deps.records.update(tenantId, moveId, record.runId, { phase: 'failed', failure: `aborted: ${reason}` }, (deps.now ?? Date.now)());
  return { tenantId, moveId, status: 'failed', message: `freeze lifted: ${reason}`, record: await deps.records.get(tenantId, moveId) };
}
