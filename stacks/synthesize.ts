import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { stackInventory, StackSpec, stacksForTenants } from '../model/inventory';
import { LandingZone } from '../model/validate';
import { stableStringify } from '../format/stable-json';
import { AccountStack } from './account-stack';
import { BootstrapStack } from './bootstrap-stack';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';
import { OrganizationStack } from './organization-stack';
import { PlatformStack } from './platform-stack';
import { TenantStack } from './tenant-stack';

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
}

export interface SynthesizedStack {
  readonly spec: StackSpec;
  /** Path of cdk.tf.json relative to the output directory. */
  readonly file: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly bytes: number;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: ReadonlyArray<SynthesizedStack>;
}

/** Name of the landing-zone stack index written beside cdktf's manifest.json. */
export const STACK_INDEX_FILE = 'lz-stacks.json';

export function createStack(app: App, spec: StackSpec, lz: LandingZone, opts: Pick<SynthOptions, 'bootstrapLocalState'> = {}): LandingZoneStack {
  const loaded = spec.tenantId ? lz.tenants.find((t) => t.manifest.id === spec.tenantId) : undefined;
  if (spec.tenantId && !loaded) throw new Error(`stack ${spec.name}: tenant ${spec.tenantId} is not in the landing zone`);
  const props: LandingZoneStackProps = { settings: lz.settings, spec, tenant: loaded?.manifest, profile: loaded?.profile, localState: spec.kind === 'bootstrap' && opts.bootstrapLocalState === true };
  switch (spec.kind) {
    case 'bootstrap':
      return new BootstrapStack(app, props);
    case 'organization':
      return new OrganizationStack(app, props);
    case 'platform':
      return new PlatformStack(app, props);
    case 'account':
      return new AccountStack(app, props);
    case 'tenant':
      return new TenantStack(app, props);
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

export function synthesizeLandingZone(lz: LandingZone, opts: SynthOptions): SynthResult {
  const inventory = stackInventory(lz.tenants.map((t) => t.profile));
  const selected = opts.tenantIds ? stacksForTenants(inventory, opts.tenantIds) : inventory;
  const finalDir = path.resolve(opts.outdir);
  assertReplaceable(finalDir);
  // Synthesize next to the target and swap at the end: a failure leaves the old output intact.
  const outdir = `${finalDir}.partial-${process.pid}`;
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  try {
    const stacks = synthesizeInto(outdir, selected, lz, opts);
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(outdir, finalDir);
    return { outdir: finalDir, stacks };
  } catch (e) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * CDKTF records a full stack trace for every token it creates, only to quote it in errors
 * about that token; with source maps installed (ts-node) formatting those traces is the
 * largest single cost of synthesis. While synthesizing, traces captured into plain objects
 * (the token case) are left unformatted; real errors keep their formatted stack.
 */
function withoutTokenStackTraces<T>(fn: () => T): T {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (target, frames) => {
    if (!(target instanceof Error)) return '';
    return original ? original(target, frames) : `${target}\n${frames.map((f) => `    at ${f}`).join('\n')}`;
  };
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = original;
  }
}

function synthesizeInto(outdir: string, selected: ReadonlyArray<StackSpec>, lz: LandingZone, opts: SynthOptions): SynthesizedStack[] {
  return withoutTokenStackTraces(() => synthesizeStacks(outdir, selected, lz, opts));
}

function synthesizeStacks(outdir: string, selected: ReadonlyArray<StackSpec>, lz: LandingZone, opts: SynthOptions): SynthesizedStack[] {
  const batchSize = Math.max(1, opts.batchSize ?? 100);
  const manifestStacks: Record<string, Record<string, unknown>> = {};
  let version = '';
  for (let i = 0; i < selected.length; i += batchSize) {
    const app = new App({ outdir, stackTraces: false });
    for (const spec of selected.slice(i, i + batchSize)) createStack(app, spec, lz, opts);
    app.synth();
    version = app.manifest.version;
    for (const [name, entry] of Object.entries(app.manifest.stacks)) manifestStacks[name] = { ...entry };
  }
  const byName = new Map(selected.map((s) => [s.name, s]));
  for (const [name, entry] of Object.entries(manifestStacks)) {
    // Stacks are synthesized in separate Apps, so dependencies come from the inventory.
    entry.dependencies = [...(byName.get(name)?.dependsOn ?? [])].filter((d) => byName.has(d));
  }
  fs.writeFileSync(path.join(outdir, 'manifest.json'), stableStringify({ version, stacks: manifestStacks }));

  const stacks: SynthesizedStack[] = selected.map((spec) => {
    const file = String(manifestStacks[spec.name].synthesizedStackPath);
    const text = fs.readFileSync(path.join(outdir, file), 'utf8');
    const json = JSON.parse(text);
    return { spec, file, resources: countBlocks(json, 'resource'), dataSources: countBlocks(json, 'data'), bytes: Buffer.byteLength(text) };
  });
  fs.writeFileSync(
    path.join(outdir, STACK_INDEX_FILE),
    stableStringify({
      stacks: stacks.map((s) => ({ ...s.spec, file: s.file, resources: s.resources })),
    }),
  );
  return stacks;
}
