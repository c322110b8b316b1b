/**
 * `npm run bench:migration [items] [objects]`: copy throughput of the tier-move engine against
 * the local DynamoDB and S3 implementations (dynalite, s3rver, each in a process of its own),
 * batched (BatchWriteItem of 25, Query pages of 500) with several calls in flight, for one
 * tenant of 20,000 items and 2,000 files of 0-4 KiB by default. Then the verification pass
 * (both sides read and digested) and a whole move (freeze, copy, verify, switch). The local
 * servers set the pace: on AWS the same code is bounded by table capacity and S3 request rates.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as os from 'os';
import { ITEM_KEY, USER_KEY } from '../functions/shared/contracts';
import { runDataMove } from '../migration/data-move';
import { comparePrefixes, copyPrefix } from '../migration/object-copy';
import { comparePartitions, copyPartition } from '../migration/table-copy';
import { createDedicated, createPlatform, dedicated, engineDeps, mockedSts, movingEntry, POOLED, putRegistry, seedItems, seedObjects } from '../test/migration/support';
import { startLocalAws } from './local-aws';

const [items = 20_000, objects = 2_000] = process.argv.slice(2).map(Number).filter((n) => n > 0);
const TENANT = 'bench';

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

function row(what: string, count: number, unit: string, ms: number): string {
  return `${what.padEnd(60)}  ${String(count).padStart(7)} ${unit.padEnd(7)}  ${`${(ms / 1000).toFixed(2)} s`.padStart(8)}  ${`${Math.round((count / ms) * 1000)} ${unit}/s`.padStart(14)}`;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; dynalite and s3rver on 127.0.0.1`);
  const local = await startLocalAws();
  try {
    await createPlatform(local);
    console.log(`${'what'.padEnd(60)}  ${'count'.padStart(7)} ${''.padEnd(7)}  ${'time'.padStart(8)}  ${'throughput'.padStart(14)}`);
    const seededItems = await timed(() => seedItems(local, POOLED.itemsTable, ITEM_KEY, TENANT, items, 1));
    console.log(row('seed items (BatchWriteItem x25, 8 in flight)', items, 'items', seededItems.ms));
    const seededObjects = await timed(() => seedObjects(local, POOLED.bucket, TENANT, objects, 2));
    console.log(row('seed files (PutObject, 16 in flight)', objects, 'objects', seededObjects.ms));
    await seedItems(local, POOLED.usersTable, USER_KEY, TENANT, Math.ceil(items / 20), 3, 'u');

    const db = DynamoDBDocumentClient.from(local.dynamodb());
    const s3 = local.s3();
    const source = { db, table: POOLED.itemsTable, tenantId: TENANT, sortKey: ITEM_KEY };
    for (const concurrency of [1, 4, 16]) {
      const table = `bench-items-c${concurrency}`;
      await local.createTable(table, ITEM_KEY);
      const copy = await timed(() => copyPartition(source, { db, table }, { pageSize: 500, concurrency, onPage: async () => undefined }));
      console.log(row(`copy items: pages of 500, ${concurrency} batch${concurrency === 1 ? '' : 'es'} in flight`, items, 'items', copy.ms));
    }
    for (const concurrency of [1, 8, 32]) {
      const bucket = `bench-files-c${concurrency}`;
      await local.createBucket(bucket);
      const copy = await timed(() => copyPrefix({ s3, bucket: POOLED.bucket, prefix: `${TENANT}/` }, { s3, bucket, prefix: `${TENANT}/` }, { concurrency, onPage: async () => undefined }));
      console.log(row(`copy files: ${concurrency} object${concurrency === 1 ? '' : 's'} in flight`, objects, 'objects', copy.ms));
    }
    const verifyItems = await timed(() => comparePartitions(source, { ...source, table: 'bench-items-c16' }, { repair: false }));
    if (verifyItems.value.repaired !== 0) throw new Error('the copy differs from its source');
    console.log(row('verify items (both sides read, SHA-256)', items, 'items', verifyItems.ms));
    const verifyFiles = await timed(() => comparePrefixes({ s3, bucket: POOLED.bucket, prefix: `${TENANT}/` }, { s3, bucket: 'bench-files-c32', prefix: `${TENANT}/` }, { repair: false, concurrency: 32 }));
    if (verifyFiles.value.repaired !== 0) throw new Error('the copy differs from its source');
    console.log(row('verify files (both sides read, SHA-256)', objects, 'objects', verifyFiles.ms));

    await createDedicated(local, TENANT);
    await putRegistry(local, movingEntry(TENANT));
    const move = await timed(() => runDataMove(TENANT, 'L1-L2', engineDeps(local, mockedSts().client), { retentionDays: 30, freezeGraceMs: 0, concurrency: 8, objectConcurrency: 16 }));
    if (move.value.status !== 'switched') throw new Error(`the move ended ${move.value.status}: ${move.value.message}`);
    const f = move.value.record!.figures!;
    const entries = f.itemsCopied + f.usersCopied + f.objectsCopied;
    console.log(row('whole move: copy and verify, tenant-scoped (writes frozen)', entries, 'entries', move.ms));
    console.log(`  of which copy ${(f.copyMs / 1000).toFixed(2)} s, verify ${(f.verifyMs / 1000).toFixed(2)} s; target ${dedicated(TENANT).itemsTable}`);
  } finally {
    await local.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
