import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { coverageManifest } from '../../bench/tenant-set';
import { CODE_ROOT, fingerprintedInventory, isSynthesisInput, workingTreeCodeDigest } from '../../model/fingerprint';
import { LandingZone } from '../../model/validate';
import { synthesizeLandingZone, synthesizeLandingZoneInParallel } from '../../stacks/synthesize';
import { EXAMPLE_SETTINGS, makeFixture, Manifest } from '../helpers/fixture';
import { readTree, tempDir } from '../helpers/synth';

/**
 * Soundness of the per-stack fingerprints (model/fingerprint.ts) and of everything built on
 * them: equal fingerprints must always mean byte-equal output, and a synthesis that takes stacks
 * from the cache, or splits them across worker processes, must equal a fresh full one.
 * `LZ_PROPERTY_RUNS` raises the number of random cases (`npm run test:property`).
 */
const RUNS = Number(process.env.LZ_PROPERTY_RUNS ?? 6);
const TENANTS = 9; // three of each tier, cycling through statuses, BYOK modes and adopted accounts
const code = workingTreeCodeDigest();

type Mutation = { readonly tenant: number; readonly change: TenantChange } | { readonly settings: SettingsChange };
type TenantChange = { kind: 'displayName'; value: string } | { kind: 'tag'; value: string } | { kind: 'contact'; value: string } | { kind: 'retention'; days: number } | { kind: 'status'; to: 'active' | 'suspended' } | { kind: 'material' } | { kind: 'pin'; version: string };
type SettingsChange = { kind: 'appVersion'; version: string } | { kind: 'logRetention'; days: number } | { kind: 'tag'; value: string } | { kind: 'throttle'; rate: number };

const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .-]{0,23}[A-Za-z0-9]$/);
const version = fc.constantFrom('3.0.0', '3.1.0', '3.2.0', '3.3.1');
const tenantChange: fc.Arbitrary<TenantChange> = fc.oneof(
  text.map((value) => ({ kind: 'displayName' as const, value })),
  text.map((value) => ({ kind: 'tag' as const, value })),
  text.map((value) => ({ kind: 'contact' as const, value })),
  fc.integer({ min: 35, max: 400 }).map((days) => ({ kind: 'retention' as const, days })),
  fc.constantFrom('active' as const, 'suspended' as const).map((to) => ({ kind: 'status' as const, to })),
  fc.constant({ kind: 'material' as const }),
  version.map((v) => ({ kind: 'pin' as const, version: v })),
);
const settingsChange: fc.Arbitrary<SettingsChange> = fc.oneof(
  version.map((v) => ({ kind: 'appVersion' as const, version: v })),
  fc.constantFrom(30, 90, 365, 731).map((days) => ({ kind: 'logRetention' as const, days })),
  text.map((value) => ({ kind: 'tag' as const, value })),
  fc.integer({ min: 1, max: 900 }).map((rate) => ({ kind: 'throttle' as const, rate })),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ tenant: fc.integer({ min: 0, max: TENANTS - 1 }), change: tenantChange }) },
  { weight: 1, arbitrary: settingsChange.map((s) => ({ settings: s })) },
);

function applyTenant(m: Manifest, c: TenantChange): Manifest {
  const out = structuredClone(m) as Record<string, any>;
  switch (c.kind) {
    case 'displayName':
      out.displayName = c.value;
      break;
    case 'tag':
      out.tags = { ...(out.tags ?? {}), Project: c.value.replace(/[^A-Za-z0-9 .-]/g, '') };
      break;
    case 'contact':
      out.contacts[0].name = c.value;
      break;
    case 'retention':
      if (out.backup) out.backup = { schedule: out.backup.schedule, retentionDays: c.days };
      break;
    case 'status':
      if (out.status !== 'offboarding') out.status = c.to;
      break;
    case 'material':
      if (out.encryption?.byok === 'imported') out.encryption.keyMaterialImported = !out.encryption.keyMaterialImported;
      break;
    case 'pin':
      if (out.tier === 'L3') out.appVersion = c.version;
      break;
  }
  return out;
}

function applySettings(yaml: string, c: SettingsChange): string {
  switch (c.kind) {
    case 'appVersion':
      return yaml.replace(/appVersion: .*/, `appVersion: ${c.version}`);
    case 'logRetention':
      return yaml.replace(/logRetentionDays: .*/, `logRetentionDays: ${c.days}`);
    case 'tag':
      return yaml.replace(/CostCenter: .*/, `CostCenter: ${c.value.replace(/[^A-Za-z0-9 .-]/g, '')}`);
    case 'throttle':
      return yaml.replace(/L1: \{ rateLimit: \d+/, `L1: { rateLimit: ${c.rate}`);
  }
}

const baseManifests = Array.from({ length: TENANTS }, (_, i) => coverageManifest(i));
const baseSettings = fs.readFileSync(EXAMPLE_SETTINGS, 'utf8');

/** The landing zone after a list of mutations, or undefined when they made it invalid. */
function landingZone(mutations: ReadonlyArray<Mutation>): LandingZone | undefined {
  let manifests = baseManifests;
  let settings = baseSettings;
  for (const m of mutations) {
    if ('settings' in m) settings = applySettings(settings, m.settings);
    else manifests = manifests.map((x, i) => (i === m.tenant ? applyTenant(x, m.change) : x));
  }
  const fx = makeFixture({ settings, tenants: Object.fromEntries(manifests.map((m) => [`${String(m.id)}.yaml`, m])) });
  try {
    return fx.validate().landingZone;
  } finally {
    fx.cleanup();
  }
}

function stackFiles(tree: Map<string, Buffer>, stack: string): Map<string, Buffer> {
  return new Map([...tree].filter(([f]) => f.startsWith(`stacks${path.sep}${stack}${path.sep}`)));
}

describe('fingerprints: equal fingerprints, byte-equal output', () => {
  const base = landingZone([])!;
  const baseOut = synthesizeLandingZone(base, { outdir: path.join(tempDir(), 'out'), codeDigest: code });
  const baseTree = readTree(baseOut.outdir);
  const baseFingerprints = new Map(fingerprintedInventory(base, code).map((s) => [s.spec.name, s.fingerprint]));
  let equalSeen = 0;
  let differentSeen = 0;

  test('random changes to manifests and settings', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const lz = landingZone(mutations);
        fc.pre(lz !== undefined);
        const out = synthesizeLandingZone(lz!, { outdir: path.join(tempDir(), 'out'), codeDigest: code });
        const tree = readTree(out.outdir);
        for (const s of out.stacks) {
          if (baseFingerprints.get(s.spec.name) !== s.fingerprint) {
            differentSeen++;
            continue;
          }
          equalSeen++;
          expect([s.spec.name, stackFiles(tree, s.spec.name)]).toEqual([s.spec.name, stackFiles(baseTree, s.spec.name)]);
        }
        fs.rmSync(path.dirname(out.outdir), { recursive: true, force: true });
      }),
      { numRuns: RUNS, seed: 20261129 },
    );
    // The property was exercised on both sides: untouched stacks and changed ones.
    expect(equalSeen).toBeGreaterThan(0);
    expect(differentSeen).toBeGreaterThan(0);
  }, 600_000);
});

describe('cached, incremental and parallel synthesis equal a fresh full one', () => {
  test('a sequence of changes through one cache, with worker processes', async () => {
    const cacheDir = tempDir('lz-synth-cache-');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 2, maxLength: 3 }), async (mutations) => {
        for (let step = 1; step <= mutations.length; step++) {
          const lz = landingZone(mutations.slice(0, step));
          if (!lz) continue;
          // Two lanes, each handing its stacks to a fresh process every few stacks.
          const cached = await synthesizeLandingZoneInParallel(lz, { outdir: path.join(tempDir(), 'out'), cacheDir, codeDigest: code, workers: 2, stacksPerWorker: 1, stacksPerProcess: 3 });
          const fresh = synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'out'), codeDigest: code });
          const synthesized = cached.stacks.filter((s) => !s.fromCache).length;
          if (synthesized > 6) expect(cached.workerPeakRssMb.length).toBeGreaterThan(2);
          expect(readTree(cached.outdir)).toEqual(readTree(fresh.outdir));
          expect(cached.stacks.map((s) => s.fingerprint)).toEqual(fresh.stacks.map((s) => s.fingerprint));
          if (step > 1) expect(cached.stacks.some((s) => s.fromCache)).toBe(true);
          for (const o of [cached, fresh]) fs.rmSync(path.dirname(o.outdir), { recursive: true, force: true });
        }
      }),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)), seed: 20261130 },
    );
  }, 600_000);

  test('--tenant selects that tenant\'s stacks and the shared ones, equal to the full synthesis', () => {
    const lz = landingZone([])!;
    const id = lz.tenants[4].manifest.id;
    const full = readTree(synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'out'), codeDigest: code }).outdir);
    const one = synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'out'), codeDigest: code, tenantIds: [id] });
    for (const s of one.stacks) expect(stackFiles(readTree(one.outdir), s.spec.name)).toEqual(stackFiles(full, s.spec.name));
    expect(one.stacks.map((s) => s.spec.name)).toEqual(expect.arrayContaining(['bootstrap', 'organization', 'platform', `tenant-${id}`]));
  });
});

describe('the code part of the fingerprint', () => {
  test('synthesis reads no file that the code digest leaves out (besides the settings and the manifests)', () => {
    const fx = makeFixture({ tenants: Object.fromEntries(baseManifests.slice(0, 3).map((m) => [`${String(m.id)}.yaml`, m])) });
    const log = path.join(fx.root, 'reads.log');
    const tracker = path.join(fx.root, 'track-reads.js');
    // Every file opened or required by the synthesis process.
    fs.writeFileSync(
      tracker,
      `const fs = require('fs'); const seen = new Set();
       for (const fn of ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream']) { const orig = fs[fn]; fs[fn] = function (p, ...rest) { if (typeof p === 'string') seen.add(require('path').resolve(p)); return orig.call(this, p, ...rest); }; }
       process.on('exit', () => { for (const f of Object.keys(require.cache)) seen.add(f); fs.writeFileSync(${JSON.stringify(log)}, [...seen].join('\\n')); });`,
    );
    const r = spawnSync(process.execPath, ['-r', tracker, '-r', require.resolve('ts-node/register/transpile-only'), path.join(CODE_ROOT, 'scripts', 'lz.ts'), '--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history', '--no-cache', 'synth', '--out', path.join(fx.root, 'out')], {
      cwd: CODE_ROOT,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(CODE_ROOT, 'tsconfig.json') },
    });
    expect(r.status).toBe(0);
    const read = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // Dependencies are in the digest through package-lock.json; .lz/build holds the Lambda bundles synthesis builds from functions/.
    const derived = [`${path.sep}node_modules${path.sep}`, `${CODE_ROOT}${path.sep}.lz${path.sep}`];
    const codeFiles = read.filter((f) => f.startsWith(CODE_ROOT + path.sep) && !derived.some((d) => f.includes(d)) && fs.existsSync(f) && fs.statSync(f).isFile());
    expect(codeFiles.length).toBeGreaterThan(50);
    const outside = codeFiles.map((f) => path.relative(CODE_ROOT, f).split(path.sep).join('/')).filter((f) => !isSynthesisInput(f));
    expect(outside).toEqual([]);
    fx.cleanup();
  }, 120_000);

  test('dependency versions and synthesis code change the digest; tests, docs and other use cases do not', () => {
    const copy = tempDir('lz-code-copy-');
    const files = [...new Set(spawnSync('git', ['ls-files'], { cwd: CODE_ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean))].filter((f) => fs.existsSync(path.join(CODE_ROOT, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(CODE_ROOT, f), path.join(copy, f));
    }
    const before = computeFresh(copy);
    const touch = (f: string, edit: (s: string) => string) => {
      const p = path.join(copy, f);
      const old = fs.readFileSync(p, 'utf8');
      fs.writeFileSync(p, edit(old));
      const after = computeFresh(copy);
      fs.writeFileSync(p, old);
      return after;
    };
    expect(computeFresh(copy)).toBe(before);
    for (const f of ['package-lock.json', 'modules/secure-bucket.ts', 'functions/shared/contracts.ts', 'stacks/tenant-stack.ts', 'model/profile.ts', 'contract/key-policy.ts']) expect([f, touch(f, (s) => `${s}\n`)]).not.toEqual([f, before]);
    for (const f of ['README.md', 'test/architecture.test.ts', 'bench/bench.ts', 'audit/pack.ts', 'pipeline/report.ts']) expect([f, touch(f, (s) => `${s}\n`)]).toEqual([f, before]);
  });
});

/** The digest of a folder that is not a git checkout (every file, the same exclusions), bypassing the per-process memo. */
function computeFresh(dir: string): string {
  const view = fs.mkdtempSync(path.join(path.dirname(dir), 'lz-code-view-'));
  fs.rmSync(view, { recursive: true });
  fs.symlinkSync(dir, view, 'dir');
  try {
    return workingTreeCodeDigest(view);
  } finally {
    fs.rmSync(view, { force: true });
  }
}
