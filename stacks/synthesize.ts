import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'cdktf';
import { stableStringify } from '../format/stable-json';
import { fingerprintedInventory, workingTreeCodeDigest } from '../model/fingerprint';
import { StackSpec } from '../model/inventory';
import { LoadedTenant } from '../model/load';
import { LandingZoneSettings } from '../model/schema/settings';
import type { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';
import { CdktfShortcuts, withCdktfShortcuts } from './lean-synthesis';
import { CachedStack, SynthesisCache } from './synthesis-cache';

/** What synthesis reads of a landing zone: the settings, and each tenant's manifest and profile. */
export interface SynthesisInput {
  readonly settings: LandingZoneSettings;
  readonly tenants: ReadonlyArray<Pick<LoadedTenant, 'manifest' | 'profile'>>;
}

export interface SynthOptions {
  /** Output directory; emptied of earlier synthesis output first. */
  readonly outdir: string;
  /** Only these tenants' stacks, plus the shared stacks they depend on. @default every stack */
  readonly tenantIds?: ReadonlyArray<string>;
  /** Keep the bootstrap stack's state local (first apply only). @default false */
  readonly bootstrapLocalState?: boolean;
  /**
   * Stacks per CDKTF App. Each batch is synthesized and released before the next is built,
   * which bounds memory for large tenant sets; the output does not depend on it.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Synthesis cache (stacks/synthesis-cache.ts): a stack whose fingerprint it holds is copied,
   * not synthesized, and every synthesized stack is stored. The output is the same with or
   * without it. @default no cache
   */
  readonly cacheDir?: string;
  /** The code digest (model/fingerprint.ts), when the caller has it. @default computed from the code on disk */
  readonly codeDigest?: string;
  /**
   * Write only these stacks' configuration; the stack index still lists every selected stack
   * with its fingerprint (a sparse synthesis: `lz affected` needs configurations only where
   * fingerprints differ). @default every selected stack
   */
  readonly materialize?: ReadonlySet<string>;
  /**
   * Extend the synthesis already in `outdir` rather than write it again: a stack it wrote whose
   * fingerprint is unchanged is kept as it is there (copied over, neither taken from the cache
   * nor synthesized again), so a sparse synthesis that gains stacks keeps exactly the ones a
   * command before compared. Output that cannot be read as a synthesis is written anew.
   * @default false
   */
  readonly extend?: boolean;
  /**
   * Worker processes for the stacks that must be synthesized (`synthesizeLandingZoneInParallel`
   * only); few stacks are synthesized in-process, where a worker would cost more to start than
   * it saves. The output does not depend on it. @default the number of cores
   */
  readonly workers?: number;
  /** Fewest stacks that justify one more worker process. @default IN_PROCESS_LIMIT */
  readonly stacksPerWorker?: number;
  /** Most stacks one worker process synthesizes before a fresh one takes over. @default STACKS_PER_PROCESS */
  readonly stacksPerProcess?: number;
  /** CDKTF work skipped because it does not change the output (stacks/lean-synthesis.ts). @default every shortcut */
  readonly cdktfShortcuts?: CdktfShortcuts;
}

export interface SynthesizedStack {
  readonly spec: StackSpec;
  /** Path of cdk.tf.json relative to the output directory. */
  readonly file: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly bytes: number;
  /** The stack's input fingerprint (model/fingerprint.ts). */
  readonly fingerprint: string;
  /** Copied from the synthesis cache (or kept from the output it extends) rather than synthesized in this run. */
  readonly fromCache: boolean;
}

export interface SynthResult {
  readonly outdir: string;
  /** The stacks written (every selected stack unless `materialize` names fewer). */
  readonly stacks: ReadonlyArray<SynthesizedStack>;
  /** Peak resident memory of each worker process, in MiB (none when everything ran in-process). */
  readonly workerPeakRssMb: ReadonlyArray<number>;
}

/** Name of the landing-zone stack index written beside cdktf's manifest.json. */
export const STACK_INDEX_FILE = 'lz-stacks.json';

/**
 * Below this many stacks to synthesize per worker, worker processes cost more to start than
 * they save: a worker takes about 1.2 s to start (Node, ts-node, CDKTF and the provider
 * classes), a stack about 13 ms to synthesize (1,303 stacks in 17 s on one core).
 */
export const IN_PROCESS_LIMIT = 200;

export function createStack(app: App, spec: StackSpec, input: SynthesisInput, opts: Pick<SynthOptions, 'bootstrapLocalState'> = {}): LandingZoneStack {
  // The stack classes (and cdktf with them) load only when a stack is synthesized.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const loaded = spec.tenantId ? input.tenants.find((t) => t.manifest.id === spec.tenantId) : undefined;
  if (spec.tenantId && !loaded) throw new Error(`stack ${spec.name}: tenant ${spec.tenantId} is not in the landing zone`);
  const props: LandingZoneStackProps = { settings: input.settings, spec, tenant: loaded?.manifest, profile: loaded?.profile, localState: spec.kind === 'bootstrap' && opts.bootstrapLocalState === true };
  switch (spec.kind) {
    case 'bootstrap':
      return new (require('./bootstrap-stack') as typeof import('./bootstrap-stack')).BootstrapStack(app, props);
    case 'organization':
      return new (require('./organization-stack') as typeof import('./organization-stack')).OrganizationStack(app, props);
    case 'platform':
      return new (require('./platform-stack') as typeof import('./platform-stack')).PlatformStack(app, props);
    case 'account':
      return new (require('./account-stack') as typeof import('./account-stack')).AccountStack(app, props);
    case 'tenant':
      return new (require('./tenant-stack') as typeof import('./tenant-stack')).TenantStack(app, props);
  }
}

/**
 * Refuses to replace a directory that does not look like synthesis output, so that a typo in
 * `--out` cannot wipe a source folder.
 */
function assertReplaceable(outdir: string): void {
  if (!fs.existsSync(outdir)) return;
  const entries = fs.readdirSync(outdir);
  const ours = entries.length === 0 || entries.includes('manifest.json') || entries.includes(STACK_INDEX_FILE) || (entries.length === 1 && entries[0] === 'stacks');
  if (!ours) throw new Error(`refusing to replace ${outdir}: it is not empty and holds no earlier synthesis output (manifest.json)`);
}

function countBlocks(json: { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> }, kind: 'resource' | 'data'): number {
  return Object.values(json[kind] ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** One synthesis: which stacks, their fingerprints, where output goes, which stacks must be synthesized. */
interface SynthesisJob {
  readonly selected: ReadonlyArray<StackSpec>;
  /** The stacks whose configuration is written (`materialize`). */
  readonly written: ReadonlyArray<StackSpec>;
  readonly fingerprints: ReadonlyMap<string, string>;
  readonly cache: SynthesisCache;
  /** The stacks the cache does not hold (and the output being extended did not write). */
  readonly misses: ReadonlyArray<StackSpec>;
  /** Stacks the output being extended wrote with the same fingerprint (`extend`), by name. */
  readonly kept: ReadonlyMap<string, KeptStack>;
  readonly finalDir: string;
  /** Output is assembled here and renamed to finalDir at the end: a failure leaves the old output intact. */
  readonly staging: string;
  /** A cache made for this run only (no cacheDir given), removed at the end. */
  readonly privateCache?: string;
}

function prepare(input: SynthesisInput, opts: SynthOptions): SynthesisJob {
  const inventory = fingerprintedInventory(input, opts.codeDigest ?? workingTreeCodeDigest(), opts);
  const selected = inventory.map((s) => s.spec);
  const finalDir = path.resolve(opts.outdir);
  assertReplaceable(finalDir);
  const fingerprints = new Map(inventory.map((s) => [s.spec.name, s.fingerprint]));
  const privateCache = opts.cacheDir ? undefined : `${finalDir}.cache-${process.pid}`;
  const cache = new SynthesisCache(opts.cacheDir ? path.resolve(opts.cacheDir) : privateCache!);
  const written = opts.materialize ? selected.filter((s) => opts.materialize!.has(s.name)) : selected;
  const kept = opts.extend ? keptStacks(finalDir, fingerprints) : new Map<string, KeptStack>();
  const misses = written.filter((s) => !kept.has(s.name) && cache.get(fingerprints.get(s.name)!) === undefined);
  const staging = `${finalDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, 'stacks'), { recursive: true });
  return { selected, written, fingerprints, cache, misses, kept, finalDir, staging, privateCache };
}

/** A stack that the output being extended wrote. */
interface KeptStack {
  /** Its directory in that output. */
  readonly dir: string;
  readonly version: string;
  readonly manifestEntry: Readonly<Record<string, unknown>>;
  readonly resources: number;
}

/**
 * The stacks a synthesis in `dir` wrote whose fingerprints are still `fingerprints`' (read from
 * its stack index and manifest.json). Whatever does not read as this code's output is left out,
 * so it is written again.
 */
function keptStacks(dir: string, fingerprints: ReadonlyMap<string, string>): Map<string, KeptStack> {
  const kept = new Map<string, KeptStack>();
  let index: unknown;
  let manifest: unknown;
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, STACK_INDEX_FILE), 'utf8'));
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return kept;
  }
  const entries = (index as { stacks?: unknown })?.stacks;
  const manifestStacks = (manifest as { stacks?: unknown })?.stacks;
  const version = (manifest as { version?: unknown })?.version;
  if (!Array.isArray(entries) || typeof manifestStacks !== 'object' || manifestStacks === null || typeof version !== 'string') return kept;
  for (const e of entries as Array<Record<string, unknown>>) {
    const name = e?.name;
    if (typeof name !== 'string' || !fingerprints.has(name) || e.fingerprint !== fingerprints.get(name)) continue;
    const entry = (manifestStacks as Record<string, unknown>)[name] as Record<string, unknown> | undefined;
    if (typeof e.file !== 'string' || e.file !== `stacks/${name}/cdk.tf.json` || entry?.synthesizedStackPath !== e.file || typeof e.resources !== 'number') continue;
    if (!fs.existsSync(path.join(dir, e.file))) continue;
    const { dependencies: _dependencies, ...manifestEntry } = entry;
    kept.set(name, { dir: path.join(dir, 'stacks', name), version, manifestEntry, resources: e.resources });
  }
  return kept;
}

function cleanup(job: SynthesisJob): void {
  fs.rmSync(job.staging, { recursive: true, force: true });
  if (job.privateCache) fs.rmSync(job.privateCache, { recursive: true, force: true });
}

/**
 * Whether two directories hold the same files with the same bytes (and nothing else). A stack
 * directory of earlier output is left in place only when it is exactly what the cache holds:
 * an edited file, or Terraform's working files, make it be written again.
 */
function sameTree(a: string, b: string): boolean {
  try {
    const list = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const ea = list(a);
    const eb = list(b);
    if (ea.length !== eb.length) return false;
    return ea.every((x, i) => {
      const y = eb[i];
      if (x.name !== y.name) return false;
      if (x.isDirectory() && y.isDirectory()) return sameTree(path.join(a, x.name), path.join(b, y.name));
      if (!x.isFile() || !y.isFile()) return false;
      const fa = path.join(a, x.name);
      const fb = path.join(b, y.name);
      return fs.statSync(fa).size === fs.statSync(fb).size && fs.readFileSync(fa).equals(fs.readFileSync(fb));
    });
  } catch {
    return false;
  }
}

/**
 * The stacks of earlier output in `finalDir` that stay where they are: those the output being
 * extended wrote (`extend`), and, with a shared cache, those whose directory is byte for byte
 * the cache's entry for their fingerprint. A synthesis after a small change then writes only
 * what changed, not the whole estate.
 */
function stacksInPlace(job: SynthesisJob): Set<string> {
  const inPlace = new Set(job.kept.keys());
  if (job.privateCache || !fs.existsSync(path.join(job.finalDir, STACK_INDEX_FILE))) return inPlace;
  const previous = keptStacks(job.finalDir, job.fingerprints);
  for (const spec of job.written) {
    if (inPlace.has(spec.name) || !previous.has(spec.name)) continue;
    if (sameTree(previous.get(spec.name)!.dir, job.cache.stackDir(job.fingerprints.get(spec.name)!))) inPlace.add(spec.name);
  }
  return inPlace;
}

/**
 * Writes the output: the stacks not already in place copied out of the cache, manifest.json and
 * the stack index. Everything is staged first; when no earlier stack stays, the staging folder
 * replaces the output whole. Otherwise the output is updated in place: its stack index is
 * removed first (an interrupted update leaves output no later run reuses), changed stacks are
 * swapped in, stale ones removed, and manifest.json and the index written last.
 */
function finish(job: SynthesisJob): SynthResult {
  const byName = new Map(job.written.map((s) => [s.name, s]));
  const manifestStacks: Record<string, Record<string, unknown>> = {};
  let version = '';
  const missed = new Set(job.misses.map((s) => s.name));
  const inPlace = stacksInPlace(job);
  const stacks: SynthesizedStack[] = job.written.map((spec) => {
    const fingerprint = job.fingerprints.get(spec.name)!;
    const k = job.kept.get(spec.name);
    if (k) {
      version = k.version;
      manifestStacks[spec.name] = { ...k.manifestEntry, dependencies: spec.dependsOn.filter((d) => byName.has(d)) };
      const file = String(k.manifestEntry.synthesizedStackPath);
      const text = fs.readFileSync(path.join(job.finalDir, file), 'utf8');
      return { spec, file, resources: k.resources, dataSources: countBlocks(JSON.parse(text), 'data'), bytes: Buffer.byteLength(text), fingerprint, fromCache: true };
    }
    const entry = job.cache.get(fingerprint);
    if (!entry) throw new Error(`synthesis of stack ${spec.name} left nothing in the cache (${fingerprint})`);
    if (!inPlace.has(spec.name)) job.cache.materialize(fingerprint, path.join(job.staging, 'stacks', spec.name), job.privateCache !== undefined);
    version = entry.version;
    // Stacks are synthesized in separate Apps, so dependencies come from the inventory.
    manifestStacks[spec.name] = { ...entry.manifestEntry, dependencies: spec.dependsOn.filter((d) => byName.has(d)) };
    const file = String(entry.manifestEntry.synthesizedStackPath);
    return { spec, file, resources: entry.resources, dataSources: entry.dataSources, bytes: entry.bytes, fingerprint, fromCache: !missed.has(spec.name) };
  });
  fs.writeFileSync(path.join(job.staging, 'manifest.json'), stableStringify({ version, stacks: manifestStacks }));
  const index = new Map(stacks.map((s) => [s.spec.name, s]));
  fs.writeFileSync(
    path.join(job.staging, STACK_INDEX_FILE),
    stableStringify({
      stacks: job.selected.map((spec) => {
        const s = index.get(spec.name);
        return s ? { ...spec, file: s.file, resources: s.resources, fingerprint: s.fingerprint } : { ...spec, fingerprint: job.fingerprints.get(spec.name)! };
      }),
    }),
  );
  if (inPlace.size === 0) {
    fs.rmSync(job.finalDir, { recursive: true, force: true });
    fs.renameSync(job.staging, job.finalDir);
  } else {
    updateInPlace(job, inPlace);
  }
  if (job.privateCache) fs.rmSync(job.privateCache, { recursive: true, force: true });
  return { outdir: job.finalDir, stacks, workerPeakRssMb: [] };
}

function updateInPlace(job: SynthesisJob, inPlace: ReadonlySet<string>): void {
  const { finalDir, staging } = job;
  fs.rmSync(path.join(finalDir, STACK_INDEX_FILE), { force: true });
  for (const entry of fs.readdirSync(finalDir)) {
    if (entry !== 'stacks' && entry !== 'manifest.json') fs.rmSync(path.join(finalDir, entry), { recursive: true, force: true });
  }
  for (const name of fs.readdirSync(path.join(finalDir, 'stacks'))) {
    if (!inPlace.has(name)) fs.rmSync(path.join(finalDir, 'stacks', name), { recursive: true, force: true });
  }
  for (const name of fs.readdirSync(path.join(staging, 'stacks'))) fs.renameSync(path.join(staging, 'stacks', name), path.join(finalDir, 'stacks', name));
  fs.renameSync(path.join(staging, 'manifest.json'), path.join(finalDir, 'manifest.json'));
  fs.renameSync(path.join(staging, STACK_INDEX_FILE), path.join(finalDir, STACK_INDEX_FILE));
  fs.rmSync(staging, { recursive: true, force: true });
}

/** Synthesizes every selected stack in this process (stacks the cache holds are copied). */
export function synthesizeLandingZone(input: SynthesisInput, opts: SynthOptions): SynthResult {
  const job = prepare(input, opts);
  try {
    if (job.misses.length > 0) synthesizeIntoCache(job.misses, input, job.fingerprints, job.cache.dir, opts, path.join(job.staging, '.apps'));
    return finish(job);
  } catch (e) {
    cleanup(job);
    throw e;
  }
}

/**
 * The same output as `synthesizeLandingZone`, with the stacks that must be synthesized split
 * across worker processes (a bounded pool, balanced by the stacks' expected size).
 */
export async function synthesizeLandingZoneInParallel(input: SynthesisInput, opts: SynthOptions): Promise<SynthResult> {
  const job = prepare(input, opts);
  try {
    const workers = Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), Math.ceil(job.misses.length / (opts.stacksPerWorker ?? IN_PROCESS_LIMIT))));
    if (job.misses.length > 0 && workers === 1) synthesizeIntoCache(job.misses, input, job.fingerprints, job.cache.dir, opts, path.join(job.staging, '.apps'));
    let peaks: number[] = [];
    if (job.misses.length > 0 && workers > 1) {
      // Each lane runs its stacks in fresh processes of at most STACKS_PER_PROCESS stacks each.
      const lanes = balance(job.misses, workers).map(async (lane, i) => {
        const lanePeaks: number[] = [];
        const limit = Math.max(1, opts.stacksPerProcess ?? STACKS_PER_PROCESS);
        for (let k = 0; k < lane.length; k += limit) lanePeaks.push(await runWorker(lane.slice(k, k + limit), input, job, opts, path.join(job.staging, `.worker-${i}-${k}`)));
        return lanePeaks;
      });
      peaks = (await Promise.all(lanes)).flat();
    }
    return { ...finish(job), workerPeakRssMb: peaks };
  } catch (e) {
    cleanup(job);
    throw e;
  }
}

/**
 * Stacks one worker process synthesizes before a fresh one takes over: CDKTF keeps every token it
 * made in process-wide maps, so a process's memory grows with the stacks it synthesized (about
 * 1.1 GB after 6,500 stacks). A fresh process costs about a second of start-up.
 */
const STACKS_PER_PROCESS = 2000;

/** Expected size of a stack, for balancing work between processes (resources of a typical synthesis). */
function weight(spec: StackSpec): number {
  if (spec.kind === 'tenant') return spec.tier === 'L3' ? 60 : spec.tier === 'L2' ? 35 : 8;
  return spec.kind === 'platform' ? 90 : spec.kind === 'account' ? 3 : 20;
}

/** Longest-processing-time-first: each stack to the least loaded chunk; chunks keep inventory order. */
function balance(specs: ReadonlyArray<StackSpec>, n: number): StackSpec[][] {
  const order = new Map(specs.map((s, i) => [s.name, i]));
  const chunks = Array.from({ length: n }, () => ({ load: 0, specs: [] as StackSpec[] }));
  for (const spec of [...specs].sort((a, b) => weight(b) - weight(a) || order.get(a.name)! - order.get(b.name)!)) {
    const target = chunks.reduce((min, c) => (c.load < min.load ? c : min));
    target.load += weight(spec);
    target.specs.push(spec);
  }
  return chunks.map((c) => c.specs.sort((a, b) => order.get(a.name)! - order.get(b.name)!)).filter((c) => c.length > 0);
}

/** What a worker process is sent: plain data, profiles recomputed on its side. */
export interface WorkerRequest {
  readonly settings: LandingZoneSettings;
  readonly manifests: ReadonlyArray<LoadedTenant['manifest']>;
  readonly specs: ReadonlyArray<StackSpec>;
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly cacheDir: string;
  readonly scratch: string;
  readonly bootstrapLocalState: boolean;
  readonly batchSize?: number;
  readonly cdktfShortcuts?: CdktfShortcuts;
}

export type WorkerReply = { readonly ok: true; readonly maxRssMb: number } | { readonly ok: false; readonly error: string };

/** Runs one worker process over `specs`; resolves with its peak resident memory (MiB). */
function runWorker(specs: ReadonlyArray<StackSpec>, input: SynthesisInput, job: SynthesisJob, opts: SynthOptions, scratch: string): Promise<number> {
  const tenantIds = new Set(specs.flatMap((s) => (s.tenantId ? [s.tenantId] : [])));
  const request: WorkerRequest = {
    settings: input.settings,
    manifests: input.tenants.filter((t) => tenantIds.has(t.manifest.id)).map((t) => t.manifest),
    specs,
    fingerprints: Object.fromEntries(specs.map((s) => [s.name, job.fingerprints.get(s.name)!])),
    cacheDir: job.cache.dir,
    scratch,
    bootstrapLocalState: opts.bootstrapLocalState === true,
    batchSize: opts.batchSize,
    cdktfShortcuts: opts.cdktfShortcuts,
  };
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'synthesis-worker.ts'), [], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '..', 'tsconfig.json'), TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let reply: WorkerReply | undefined;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-8192);
    });
    child.on('message', (m: WorkerReply) => {
      reply = m;
    });
    child.on('error', (e) => reject(new Error(`could not start a synthesis worker: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (reply?.ok && code === 0) return resolve(reply.maxRssMb);
      const why = reply && !reply.ok ? reply.error : `exit ${signal ?? code}${stderr ? `: ${stderr.trim()}` : ''}`;
      reject(new Error(`synthesis worker failed: ${why}`));
    });
    child.send(request);
  });
}

/**
 * Synthesizes `specs` in this process, batch by batch, and stores each stack in the cache.
 * Used in-process and by the worker processes.
 */
export function synthesizeIntoCache(specs: ReadonlyArray<StackSpec>, input: SynthesisInput, fingerprints: ReadonlyMap<string, string>, cacheDir: string, opts: Pick<SynthOptions, 'bootstrapLocalState' | 'batchSize' | 'cdktfShortcuts'>, scratch: string): void {
  const { App: CdktfApp } = require('cdktf') as typeof import('cdktf');
  const cache = new SynthesisCache(cacheDir);
  const batchSize = Math.max(1, opts.batchSize ?? 100);
  withCdktfShortcuts(() => {
    for (let i = 0; i < specs.length; i += batchSize) {
      const appDir = path.join(scratch, `batch-${i}`);
      fs.mkdirSync(appDir, { recursive: true });
      const app = new CdktfApp({ outdir: appDir, stackTraces: false });
      for (const spec of specs.slice(i, i + batchSize)) createStack(app, spec, input, opts);
      app.synth();
      for (const [name, entry] of Object.entries(app.manifest.stacks)) {
        const text = fs.readFileSync(path.join(appDir, entry.synthesizedStackPath), 'utf8');
        const json = JSON.parse(text);
        const { dependencies: _dependencies, ...manifestEntry } = entry as unknown as Record<string, unknown>;
        const cached: CachedStack = { manifestEntry, version: app.manifest.version, resources: countBlocks(json, 'resource'), dataSources: countBlocks(json, 'data'), bytes: Buffer.byteLength(text) };
        cache.put(fingerprints.get(name)!, path.join(appDir, entry.workingDirectory), cached);
      }
      fs.rmSync(appDir, { recursive: true, force: true });
    }
  }, opts.cdktfShortcuts);
  fs.rmSync(scratch, { recursive: true, force: true });
}
