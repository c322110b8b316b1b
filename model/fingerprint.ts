import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { stableStringify } from '../format/stable-json';
import { blobId, blobsAt, gitToplevel, repoRelative, workingTreeFiles } from '../git/git';
import { InventoryProfile, stackInventory, StackSpec, stacksForTenants } from './inventory';
import { LandingZoneSettings } from './schema/settings';
import { TenantManifest } from './schema/tenant';

/**
 * Per-stack input fingerprints. A stack's synthesized output is a pure function of:
 *
 * | input | in the fingerprint as |
 * |---|---|
 * | the code and dependency versions | the code digest: every file of the code root that synthesis can read (below), by git blob id, with `package-lock.json` |
 * | the settings | their parsed form (defaults applied), as stable JSON |
 * | the manifest of its tenant (account and tenant stacks) | its parsed form, as stable JSON; shared stacks read no manifest |
 * | the stack itself | its inventory entry (name, kind, dependencies, approval environment) |
 * | synthesis options | `bootstrapLocalState` |
 * | asset contents | the Lambda bundles are built from `functions/`, which is code |
 *
 * Equal fingerprints mean byte-equal output (`test/stacks/fingerprint.property.test.ts` checks
 * it with random changes); a fingerprint says nothing about a stack whose inputs it does not
 * name, which is why shared stacks must never read a tenant's manifest (the platform stack is
 * independent of the tenant set by design). Computed without CDKTF, in milliseconds.
 */

/** Bumped when the meaning of a fingerprint changes, so that old cache entries are never reused. */
export const FINGERPRINT_VERSION = 2;

/**
 * The files synthesis can read (relative to the code root): the code of the layers stacks/
 * stands on (test/architecture.test.ts), the command line that runs it, and the dependency
 * and compiler configuration. Everything else (tests, benchmarks, docs, the pipeline and the
 * audit, stray files and output folders in the working tree) is not an input; the read-tracking
 * test in test/stacks/fingerprint.property.test.ts proves synthesis opens nothing outside this.
 * Manifests and settings are fingerprinted per stack in their parsed form.
 */
const SYNTHESIS_FOLDERS = ['model', 'contract', 'modules', 'stacks', 'terraform', 'format', 'git', 'functions', 'scripts'] as const;
const SYNTHESIS_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'cdktf.json'] as const;
export const SYNTHESIS_INPUTS: ReadonlyArray<RegExp> = [
  new RegExp(`^(${SYNTHESIS_FOLDERS.join('|')})/.*\\.(ts|js|json)$`),
  new RegExp(`^(${SYNTHESIS_FILES.map((f) => f.replace(/\./g, '\\.')).join('|')})$`),
];

export function isSynthesisInput(file: string): boolean {
  return SYNTHESIS_INPUTS.some((re) => re.test(file));
}

/** The code root: the folder with this project's package.json. */
export const CODE_ROOT = path.resolve(__dirname, '..');

/** Digest of a list of (path, blob id) pairs: the same for a commit and a working tree with the same files. */
function digestOf(blobs: ReadonlyArray<readonly [string, string]>): string {
  const h = createHash('sha256').update(`lz-code/${FINGERPRINT_VERSION}\n`);
  for (const [file, id] of [...blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`${file} ${id}\n`);
  return h.digest('hex');
}

function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === '.git' ? [] : walk(dir, p);
    return e.isFile() ? [p] : [];
  });
}

const digests = new Map<string, string>();

/**
 * The code digest of the code as it is on disk (the files git would commit; every file outside
 * git). Computed once per process and code root: a command runs on one version of the code.
 */
export function workingTreeCodeDigest(codeRoot: string = CODE_ROOT): string {
  let digest = digests.get(codeRoot);
  if (digest === undefined) {
    digest = computeWorkingTreeDigest(codeRoot);
    digests.set(codeRoot, digest);
  }
  return digest;
}

function computeWorkingTreeDigest(codeRoot: string): string {
  const top = gitToplevel(codeRoot);
  const rel = top ? repoRelative(top, codeRoot) : undefined;
  // Only the input folders and files are listed: git would otherwise look through every
  // untracked output folder of the working tree for files it does not ignore.
  const files = (top && rel !== undefined ? workingTreeFiles(top, rel, [...SYNTHESIS_FOLDERS, ...SYNTHESIS_FILES]) : walk(codeRoot)).filter(isSynthesisInput);
  return digestOf([...new Set(files)].flatMap((f) => {
    const file = path.join(codeRoot, f);
    const stat = fs.lstatSync(file);
    // As git records them: a symbolic link by its target, a file by its bytes.
    if (stat.isSymbolicLink()) return [[f, blobId(Buffer.from(fs.readlinkSync(file)))] as const];
    return stat.isFile() ? [[f, blobId(fs.readFileSync(file))] as const] : [];
  }));
}

/** The code digest of the code at a commit of the repository at `top` whose code root is `codeRootRel`. */
export function commitCodeDigest(top: string, commit: string, codeRootRel: string): string {
  return digestOf([...blobsAt(top, commit, codeRootRel)].filter(([f]) => isSynthesisInput(f)));
}

/** What every stack's fingerprint shares: code, settings, synthesis options. */
export interface FingerprintBase {
  readonly code: string;
  readonly settings: string;
  readonly bootstrapLocalState: boolean;
}

export function fingerprintBase(code: string, settings: LandingZoneSettings, bootstrapLocalState = false): FingerprintBase {
  return { code, settings: sha256(stableStringify(settings)), bootstrapLocalState };
}

/** The fingerprint of one stack; `tenant` is its tenant's manifest (account and tenant stacks). */
export function stackFingerprint(base: FingerprintBase, spec: StackSpec, tenant?: TenantManifest): string {
  if (spec.tenantId !== undefined && tenant?.id !== spec.tenantId) throw new Error(`stackFingerprint: stack ${spec.name} needs the manifest of tenant ${spec.tenantId}`);
  if (spec.tenantId === undefined && tenant !== undefined) throw new Error(`stackFingerprint: shared stack ${spec.name} reads no manifest`);
  const stack = stableStringify({ version: FINGERPRINT_VERSION, code: base.code, settings: base.settings, bootstrapLocalState: spec.kind === 'bootstrap' && base.bootstrapLocalState, spec });
  return sha256(`${stack}\n${tenant ? manifestJson(tenant) : 'null'}`);
}

/** A manifest's stable JSON, once per manifest object: a tenant's two stacks, and both sides of a comparison, share it. */
const manifestJsons = new WeakMap<TenantManifest, string>();
function manifestJson(tenant: TenantManifest): string {
  let json = manifestJsons.get(tenant);
  if (json === undefined) {
    json = stableStringify(tenant);
    manifestJsons.set(tenant, json);
  }
  return json;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stack of the inventory with its fingerprint. */
export interface FingerprintedStack {
  readonly spec: StackSpec;
  readonly fingerprint: string;
}

type FingerprintInput = { readonly settings: LandingZoneSettings; readonly tenants: ReadonlyArray<{ readonly manifest: TenantManifest; readonly profile: InventoryProfile }> };

/** Inventories already fingerprinted, per landing zone object: a command fingerprints the same landing zone in several steps. */
const inventories = new WeakMap<FingerprintInput, Map<string, ReadonlyArray<FingerprintedStack>>>();

/**
 * The inventory of a landing zone (or of the given tenants and what they depend on),
 * fingerprinted. Computed once per landing zone object, code digest and options; the landing
 * zone is treated as immutable, as everything downstream of validation does.
 */
export function fingerprintedInventory(
  input: FingerprintInput,
  codeDigest: string,
  opts: { readonly tenantIds?: ReadonlyArray<string>; readonly bootstrapLocalState?: boolean } = {},
): ReadonlyArray<FingerprintedStack> {
  const key = JSON.stringify([codeDigest, opts.tenantIds ?? null, opts.bootstrapLocalState === true]);
  let byKey = inventories.get(input);
  if (!byKey) {
    byKey = new Map();
    inventories.set(input, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    // A tenant's stacks depend only on its own profile, and the shared stacks on none: the
    // inventory of the selected tenants holds exactly their stacks as the whole one does.
    const wanted = opts.tenantIds ? new Set(opts.tenantIds) : undefined;
    const inventory = stackInventory(input.tenants.filter((t) => !wanted || wanted.has(t.manifest.id)).map((t) => t.profile));
    const selected = opts.tenantIds ? stacksForTenants(inventory, opts.tenantIds) : inventory;
    const base = fingerprintBase(codeDigest, input.settings, opts.bootstrapLocalState === true);
    const manifests = new Map(input.tenants.map((t) => [t.manifest.id, t.manifest]));
    result = Object.freeze(selected.map((spec) => Object.freeze({ spec, fingerprint: stackFingerprint(base, spec, spec.tenantId ? manifests.get(spec.tenantId) : undefined) })));
    byKey.set(key, result);
  }
  return result;
}
