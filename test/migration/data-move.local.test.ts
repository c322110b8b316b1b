/**
 * The L1 to L2 data move against real implementations started here (dynalite, s3rver): 10,000
 * items and 1,000 files copied, verified and switched; a tenant next to it untouched byte for
 * byte; sessions only ever the tenant's; interrupted at random (seeded) points and resumed;
 * writes arriving during the move, none lost; the old copy deleted only after its retention.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ITEM_KEY, USER_KEY } from '../../functions/shared/contracts';
import { TenantRegistry } from '../../functions/shared/registry';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as fs from 'fs';
import * as path from 'path';
import { auditTenant } from '../../audit/engine';
import { dataMigration } from '../../audit/rules/data-migration';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { directoryEvidenceStore } from '../../migration/evidence';
import { runMigrate } from '../../scripts/commands/migrate';
import { l1, l2, makeFixture } from '../helpers/fixture';
import type { TenantDataClientFactory } from '../../functions/shared/tenant-clients';
import { createHandler } from '../../functions/tenant-api/handler';
import { localDynamoClient, localS3Client, startLocalAws, type LocalAws } from '../../bench/local-aws';
import { apiEvent, recordingLogger } from '../functions/support';
import { cleanupMove } from '../../migration/cleanup';
import { abortDataMove, runDataMove } from '../../migration/data-move';
import { MoveRecords } from '../../migration/records';
import {
  createDedicated,
  createPlatform,
  dedicated,
  engineDeps,
  KillSwitch,
  mockedSts,
  movingEntry,
  POOLED,
  pooledEntry,
  prng,
  putRegistry,
  registryClient,
  REGISTRY_TABLE,
  seedItems,
  seedObjects,
  SimulatedCrash,
  tenantSnapshot,
} from './support';

let local: LocalAws;
let bystander: Awaited<ReturnType<typeof tenantSnapshot>>;
const NEIGHBOUR = 'globex';

/** An L1 tenant's data (items, profiles, files) about to move; returns it as tenantSnapshot reads it. */
async function seedTenant(tenantId: string, items: number, objects: number, seed: number): Promise<{ items: string[]; users: string[]; files: string[] }> {
  const [itemLines, users, files] = await Promise.all([
    seedItems(local, POOLED.itemsTable, ITEM_KEY, tenantId, items, seed),
    seedItems(local, POOLED.usersTable, USER_KEY, tenantId, Math.ceil(items / 20), seed + 1, 'u'),
    seedObjects(local, POOLED.bucket, tenantId, objects, seed + 2),
  ]);
  await createDedicated(local, tenantId);
  await putRegistry(local, movingEntry(tenantId));
  return { items: itemLines, users, files };
}

const fast = { freezeGraceMs: 30, staleAfterMs: 0, retentionDays: 30 };
const quiet = recordingLogger();

beforeAll(async () => {
  local = await startLocalAws();
  await createPlatform(local);
  // The neighbour shares the pooled tables and bucket, with item ids that collide with the movers'.
  await Promise.all([seedItems(local, POOLED.itemsTable, ITEM_KEY, NEIGHBOUR, 300, 7), seedItems(local, POOLED.usersTable, USER_KEY, NEIGHBOUR, 20, 8, 'u'), seedObjects(local, POOLED.bucket, NEIGHBOUR, 40, 9)]);
  await putRegistry(local, pooledEntry(NEIGHBOUR));
  bystander = await tenantSnapshot(local, POOLED, NEIGHBOUR);
}, 120_000);

afterAll(async () => {
  // Whatever the tests did, the neighbour's data is exactly as it was.
  expect(await tenantSnapshot(local, POOLED, NEIGHBOUR)).toEqual(bystander);
  await local.stop();
});

const serving = async (tenantId: string) => (await new TenantRegistry({ client: registryClient(local), tableName: REGISTRY_TABLE, ttlMs: 0 }).locate(tenantId)).serving;

test('10,000 items and 1,000 files: copied with tenant-scoped sessions only, verified, switched; a repeated run changes nothing', async () => {
  // What was written, as the test reads a location back: compared with what arrives.
  const before = await seedTenant('acme', 10_000, 1_000, 1);
  const sts = mockedSts();

  const result = await runDataMove('acme', 'L1-L2', engineDeps(local, sts.client), { ...fast, concurrency: 8 });

  expect(result).toMatchObject({ status: 'switched' });
  const checks = result.record!.checks!;
  expect(checks.map((c) => [c.name, c.source.count, c.target.count, c.match])).toEqual([
    ['items', 10_000, 10_000, true],
    ['users', 500, 500, true],
    ['files', 1_000, 1_000, true],
  ]);
  for (const c of checks) expect(c.source.sha256).toBe(c.target.sha256);
  // The test's own reading: every item, profile and file arrived exactly as it was.
  expect(await tenantSnapshot(local, dedicated('acme'), 'acme')).toEqual(before);
  expect(await serving('acme')).toEqual({ data: dedicated('acme'), writable: true });
  // The neighbour in the same pooled tables and bucket: byte for byte as it was.
  expect(await tenantSnapshot(local, POOLED, NEIGHBOUR)).toEqual(bystander);

  // Every session was acme's: the pooled role and acme's own role, tagged TenantId=acme, nothing else.
  const asked = sts.mock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
  expect(new Set(asked.map((a) => JSON.stringify([a.RoleArn, a.Tags, a.ExternalId ?? null])))).toEqual(
    new Set([JSON.stringify([POOLED.dataAccessRoleArn, [{ Key: 'TenantId', Value: 'acme' }], null]), JSON.stringify([dedicated('acme').dataAccessRoleArn, [{ Key: 'TenantId', Value: 'acme' }], 'acme'])]),
  );

  // Again: no session is asked for, so no data is read or written; the registry stays as it is.
  const registryBefore = await registryItems();
  const again = mockedSts();
  const counter = new KillSwitch();
  await expect(runDataMove('acme', 'L1-L2', engineDeps(local, again.client, counter), fast)).resolves.toMatchObject({ status: 'already-switched' });
  expect([again.mock.calls().length, counter.calls]).toEqual([0, 3]); // three reads: the entry and its record (as the app reads them), the record
  expect(await registryItems()).toEqual(registryBefore);
}, 400_000);

async function registryItems() {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  return (await registryClient(local).send(new ScanCommand({ TableName: REGISTRY_TABLE, ConsistentRead: true }))).Items;
}

test('killed at random (seeded) points while copying and while verifying, every run resumes where the last one stopped; the tenant never writes to a half-copied target', async () => {
  const before = await seedTenant('crashy', 600, 60, 2);
  const records = new MoveRecords(registryClient(local), REGISTRY_TABLE);
  const rnd = prng(20261130);
  const killed: string[] = [];
  let result;
  while (result === undefined) {
    // Any call may be the last (a whole run makes about 350), until runs died three times while
    // copying and twice while verifying; then the run is left alone.
    const count = (what: string) => killed.filter((k) => k.startsWith(what)).length;
    const kill = count('copying') < 3 || count('verifying') < 2 ? new KillSwitch(Infinity, { p: 1 / 50, rnd }) : new KillSwitch();
    expect(killed.length).toBeLessThan(40);
    try {
      result = await runDataMove('crashy', 'L1-L2', engineDeps(local, mockedSts().client, kill), fast);
    } catch (error) {
      expect(error).toBeInstanceOf(SimulatedCrash);
      const record = await records.get('crashy', 'L1-L2');
      const copied = record?.checkpoint && Object.values(record.checkpoint.tables).every((t) => t.done) && record.checkpoint.objects.done;
      killed.push(`${record ? (copied ? 'verifying' : 'copying') : 'starting'} at call ${kill.at}`);
      // Killed: still served from the pooled tables, and frozen as soon as the record exists.
      expect(await serving('crashy')).toEqual(record ? { data: POOLED, writable: false, retryAfterSeconds: 60 } : { data: POOLED, writable: true });
    }
  }
  expect(result).toMatchObject({ status: 'switched', record: { attempts: 1 } }); // resumed every time, never started over
  expect(await tenantSnapshot(local, dedicated('crashy'), 'crashy')).toEqual(before);
}, 180_000);

test('a failed move leaves the tenant working where it was; the next run starts over and repairs the partial copy', async () => {
  await Promise.all([seedItems(local, POOLED.itemsTable, ITEM_KEY, 'broken', 300, 3), seedObjects(local, POOLED.bucket, 'broken', 30, 4)]);
  const d = dedicated('broken');
  // The tenant stack was applied only in part: the tables exist, the bucket does not yet.
  await Promise.all([local.createTable(d.itemsTable, ITEM_KEY), local.createTable(d.usersTable, USER_KEY)]);
  await putRegistry(local, movingEntry('broken'));
  const before = await tenantSnapshot(local, POOLED, 'broken');

  const failed = await runDataMove('broken', 'L1-L2', engineDeps(local, mockedSts().client), fast);
  expect(failed).toMatchObject({ status: 'failed', record: { phase: 'failed', failure: expect.stringMatching(/bucket/i) } });
  expect(await serving('broken')).toEqual({ data: POOLED, writable: true });

  // Meanwhile the tenant deletes an item that was already copied: the retry must not bring it back.
  const gone = JSON.parse(before.items[0]).itemId.S as string;
  await local.dynamodb().send(new (await import('@aws-sdk/client-dynamodb')).DeleteItemCommand({ TableName: POOLED.itemsTable, Key: { tenantId: { S: 'broken' }, itemId: { S: gone } } }));
  await local.createBucket(d.bucket);

  const retried = await runDataMove('broken', 'L1-L2', engineDeps(local, mockedSts().client), fast);
  expect(retried).toMatchObject({ status: 'switched', record: { attempts: 2 } });
  const after = await tenantSnapshot(local, d, 'broken');
  expect(after).toEqual({ ...before, items: before.items.slice(1) });

  // The old copy goes only when acknowledged and after its retention, and only the tenant's.
  const deps = engineDeps(local, mockedSts().client);
  await expect(cleanupMove('broken', 'L1-L2', deps, { acknowledged: false })).resolves.toMatchObject({ status: 'waiting', message: expect.stringMatching(/does not name L1-L2/) });
  await expect(cleanupMove('broken', 'L1-L2', deps, { acknowledged: true })).resolves.toMatchObject({ status: 'waiting', message: expect.stringMatching(/^kept until 20/) });
  const later = engineDeps(local, mockedSts().client, undefined, { now: () => Date.parse(retried.record!.retainUntil!) + 1 });
  await expect(cleanupMove('broken', 'L1-L2', later, { acknowledged: true })).resolves.toMatchObject({ status: 'cleaned', message: 'old copy deleted (items 299, profiles 0, files 30)' });
  expect(await tenantSnapshot(local, POOLED, 'broken')).toEqual({ items: [], users: [], files: [] });
  expect(await tenantSnapshot(local, d, 'broken')).toEqual(after);
  expect(await serving('broken')).toEqual({ data: d, writable: true });
}, 120_000);

test('a freeze left by a killed run can be lifted; the tenant writes to its old location again', async () => {
  await seedItems(local, POOLED.itemsTable, ITEM_KEY, 'stuck', 50, 5);
  await createDedicated(local, 'stuck');
  await putRegistry(local, movingEntry('stuck'));
  await expect(runDataMove('stuck', 'L1-L2', engineDeps(local, mockedSts().client, new KillSwitch(6)), fast)).rejects.toThrow(SimulatedCrash);
  expect(await serving('stuck')).toMatchObject({ data: POOLED, writable: false });

  await expect(abortDataMove('stuck', 'L1-L2', engineDeps(local, mockedSts().client), 'customer needs to write now')).resolves.toMatchObject({ status: 'failed' });
  expect(await serving('stuck')).toEqual({ data: POOLED, writable: true });
}, 60_000);

test('writes arriving during the move: refused with 503 and Retry-After while frozen, none lost before or after', async () => {
  await seedTenant('busy', 500, 50, 6);
  const sts = mockedSts();
  const factory: TenantDataClientFactory = (credentials) => ({
    db: DynamoDBDocumentClient.from(localDynamoClient(local.dynamodbEndpoint, credentials), { marshallOptions: { removeUndefinedValues: true } }),
    s3: localS3Client(local.s3Endpoint, credentials),
  });
  // The real API handler, caching the registry for 20 ms (60 s in Lambda); the move waits 1 s after freezing.
  const api = createHandler({ registryClient: registryClient(local), sts: sts.client, tenantClientFactory: factory, registryCacheTtlMs: 20, env: { registryTable: REGISTRY_TABLE, appVersion: '3.2.0', appHost: 'platform' }, logger: quiet });
  const acknowledged: Array<{ kind: 'item' | 'file'; id: string; phase: string }> = [];
  let refused = 0;
  let phase = 'before';
  let stop = false;
  const writer = (async () => {
    for (let n = 0; !stop; ) {
      const kind = n % 3 === 2 ? 'file' : 'item';
      const id = `w${String(n).padStart(4, '0')}`;
      const response = await api(
        kind === 'item'
          ? apiEvent({ tenantClaim: 'busy', method: 'PUT', resource: '/items/{itemId}', pathParameters: { itemId: id }, body: JSON.stringify({ data: { n } }) })
          : apiEvent({ tenantClaim: 'busy', method: 'PUT', resource: '/files/{name}', pathParameters: { name: `${id}.txt` }, body: `file ${n}`, headers: { 'content-type': 'text/plain' } }),
      );
      if (response.statusCode === 503) {
        expect(response.headers?.['retry-after']).toBe('60');
        refused += 1;
        await new Promise((resolve) => setTimeout(resolve, 10)); // a client would wait Retry-After; the test only needs time to pass
        continue;
      }
      expect([response.statusCode, response.body]).toEqual([kind === 'item' ? 201 : 200, expect.any(String)]);
      acknowledged.push({ kind, id, phase });
      n += 1;
    }
  })();
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  await until(() => acknowledged.length >= 15);
  phase = 'during';
  const result = await runDataMove('busy', 'L1-L2', engineDeps(local, sts.client), { ...fast, freezeGraceMs: 1_000 });
  phase = 'after';
  const switchedAt = acknowledged.length;
  await until(() => acknowledged.length >= switchedAt + 15);
  stop = true;
  await writer;

  expect(result.status).toBe('switched');
  expect(refused).toBeGreaterThan(0);
  expect(acknowledged.filter((w) => w.phase === 'before').length).toBeGreaterThanOrEqual(15);
  // Every acknowledged write is in the tenant's own tables and bucket, with what was written.
  const own = await tenantSnapshot(local, dedicated('busy'), 'busy');
  for (const w of acknowledged) {
    const n = Number(w.id.slice(1));
    if (w.kind === 'item') expect(own.items.find((i) => JSON.parse(i).itemId.S === w.id)).toContain(`"n":{"N":"${n}"}`);
    else expect(own.files.find((f) => f.startsWith(`busy/files/${w.id}.txt text/plain`))).toBeDefined();
  }
  // ...and writes made after the switch went only there.
  const pooled = await tenantSnapshot(local, POOLED, 'busy');
  const late = acknowledged.filter((w) => w.phase === 'after' && w.kind === 'item').map((w) => w.id);
  expect(late.length).toBeGreaterThan(0);
  expect(pooled.items.filter((i) => late.includes(JSON.parse(i).itemId.S))).toEqual([]);
}, 120_000);

test('lz migrate after an apply: moves the tenants whose stacks applied, leaves the others, records evidence the audit reads; a second run changes nothing', async () => {
  const fx = makeFixture({ tenants: { 'cli-a.yaml': l2('cli-a', { migration: { from: 'L1' } }), 'cli-b.yaml': l2('cli-b', { migration: { from: 'L1' } }), 'plain.yaml': l1('plain') } });
  try {
    const lz = fx.validate().landingZone!;
    await Promise.all([seedTenant('cli-a', 120, 12, 21), seedTenant('cli-b', 60, 6, 22)]);
    // An lz apply report as the apply job writes it: cli-a's tenant stack applied, cli-b's failed.
    const counts = { create: 0, update: 0, replace: 0, delete: 0, import: 0, forget: 0 };
    const tenantStack = (id: string, status: string) => ({ stack: `tenant-${id}`, kind: 'tenant', tenantId: id, tier: 'L2', wave: 3, change: 'changed', status, source: 'terraform', counts, changes: [], notes: [], violations: [], state: `s3://state/tenants/${id}/tenant.tfstate` });
    const applyReport = { formatVersion: 1, command: 'apply', mode: 'terraform', base: { ref: 'main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, stacks: [tenantStack('cli-a', 'applied'), tenantStack('cli-b', 'failed')] };
    fs.writeFileSync(path.join(fx.root, 'apply.json'), JSON.stringify(applyReport));
    const services = () => ({ deps: engineDeps(local, mockedSts().client, undefined, { sleep: async () => undefined }), pools: async () => Promise.reject(new Error('no users move here')), evidence: directoryEvidenceStore(path.join(fx.root, 'unused')) });
    let stderr = '';
    const io = { out: () => undefined, err: (t: string) => void (stderr += `${t}\n`), cwd: fx.root, env: {}, color: false };
    const opts = { after: ['apply.json'], evidenceOut: 'reports/migration.json', evidenceDir: 'state', format: 'text' as const };

    const report = await runMigrate(lz, opts, io, { services: services() });
    expect(report.tenants.map((t) => [t.tenantId, t.move, t.status])).toEqual([['cli-a', 'L1-L2', 'switched']]);
    expect(stderr).toContain('cli-b: left for later, its tenant stack is failed in the apply report');
    const written = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports/migration.json'), 'utf8'));
    expect(written.tenants[0].evidence.checks.map((c: { name: string; target: { count: number } }) => [c.name, c.target.count])).toEqual([['items', 120], ['users', 6], ['files', 12]]);
    expect(written.tenants[0].evidenceAt).toBe(path.join(fx.root, 'state/tenants/cli-a/migration.json'));

    // The audit, reading the state directory, finds where cli-a's data is.
    const [evidence] = await collectStateEvidence([lz.tenants.find((t) => t.manifest.id === 'cli-a')!], directoryReader(path.join(fx.root, 'state')));
    const [result] = auditTenant(lz.settings, evidence, 'state', [dataMigration], new Date().toISOString()).results;
    expect(result).toMatchObject({ status: 'pass', message: expect.stringMatching(/^L1-L2: served from dedicated in 333333333333 .* verified \(items 120, users 6, files 12\); old copy \(pooled in 111111111111/) });

    const again = await runMigrate(lz, { ...opts, after: undefined, tenant: ['cli-a'] }, io, { services: services() });
    expect(again.tenants.map((t) => [t.tenantId, t.status])).toEqual([['cli-a', 'already-switched']]);
  } finally {
    fx.cleanup();
  }
}, 120_000);
