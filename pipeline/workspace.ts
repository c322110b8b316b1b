import * as fs from 'fs';
import * as path from 'path';
import { DocumentError, parseDocument } from '../format/json-document';
import { stableStringify } from '../format/stable-json';
import { filesAtCommit, gitToplevel, headCommit, isDirty, repoRelative, resolveCommit } from '../git/git';
import { CODE_ROOT, commitCodeDigest, fingerprintedInventory, workingTreeCodeDigest } from '../model/fingerprint';
import { memoryFiles } from '../model/file-source';
import { LandingZone, validateLandingZone } from '../model/validate';
import { synthesizeLandingZoneInParallel } from '../stacks/synthesize';
import { RevisionInfo, synthesizeRevision, writeEmptySynthesis } from './revision-synthesis';
import { readSynthesis, Synthesis } from './synthesis-index';
import { SYNTHESIS_RECORD, SynthesisRecord } from './synthesis-schema';

/**
 * The pipeline's work directory: the base and head syntheses side by side, and what they were
 * made from (`syntheses.json`), so that later steps of the same CI run (or jobs that download
 * it as an artifact) reuse exactly what `lz affected` compared.
 *
 *   <work>/base/        synthesis of the base revision
 *   <work>/head/        synthesis of the working tree
 *   <work>/syntheses.json
 *   <work>/terraform/<stack>/   plans, plan JSON and Terraform's data dir per stack
 */
export const DEFAULT_WORK_DIR = '.lz/pipeline';
const RECORD_FILE = 'syntheses.json';

export interface HeadInfo {
  /** HEAD's commit (undefined in a repository without commits). */
  readonly commit?: string;
  /** The working tree differed from HEAD when it was synthesized. */
  readonly dirty: boolean;
}

export interface Syntheses {
  readonly base: Synthesis;
  readonly head: Synthesis;
  readonly baseRevision: RevisionInfo;
  readonly headRevision: HeadInfo;
  readonly workDir: string;
}

export interface PrepareOptions {
  /** The head landing zone, validated. */
  readonly lz: LandingZone;
  readonly settingsFile: string;
  readonly tenantsDir: string;
  readonly baseRef: string;
  readonly workDir: string;
  /** Use the syntheses already in the work directory (checked against the revisions). @default false */
  readonly reuse?: boolean;
  /** An existing synthesis of the working tree to use as head (e.g. cdktf.out just written). */
  readonly headDir?: string;
  /** The synthesis cache (stacks/synthesis-cache.ts). @default none */
  readonly cacheDir?: string;
  /** The validation cache file, for the base revision's manifests (model/validation-cache.ts). @default none */
  readonly validationCache?: string;
  /** Worker processes for synthesis. @default the number of cores */
  readonly workers?: number;
  /** Stacks whose configuration must be written on both sides even when unchanged (`lz plan --stack`). */
  readonly include?: ReadonlyArray<string>;
}

type Record_ = SynthesisRecord;

export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export async function prepareSyntheses(opts: PrepareOptions): Promise<Syntheses> {
  const workDir = path.resolve(opts.workDir);
  const top = gitToplevel(opts.tenantsDir);
  const headRevision: HeadInfo = top ? { commit: headCommit(top), dirty: isDirty(top) } : { dirty: true };
  if (opts.reuse) return reuseSyntheses(opts, workDir, top, headRevision);

  fs.mkdirSync(workDir, { recursive: true });
  // A record is only valid for syntheses made together; an interrupted run leaves none.
  fs.rmSync(path.join(workDir, RECORD_FILE), { force: true });
  const baseDir = path.join(workDir, 'base');
  const headDir = opts.headDir ? path.resolve(opts.headDir) : path.join(workDir, 'head');
  const baseRevision = (await sameCodeSyntheses(opts, baseDir, headDir)) ?? (await revisionSyntheses(opts, baseDir, headDir, workDir));
  const record: Record_ = {
    baseRef: opts.baseRef,
    baseCommit: baseRevision.commit,
    baseSource: baseRevision.source,
    headCommit: headRevision.commit,
    headDirty: headRevision.dirty,
    settings: top ? repoRelative(top, opts.settingsFile) : opts.settingsFile,
    tenants: top ? repoRelative(top, opts.tenantsDir) : opts.tenantsDir,
  };
  // A head synthesis from elsewhere (cdktf.out) is not part of the work directory: nothing to reuse.
  if (!opts.headDir) fs.writeFileSync(path.join(workDir, RECORD_FILE), stableStringify(record));
  return { base: readSynthesis(baseDir), head: readSynthesis(headDir), baseRevision, headRevision, workDir };
}

/**
 * Only the working tree, synthesized into `<work>/head`, for runs that compare with nothing
 * (a drift run): base and head are the same synthesis, so every stack reads as unchanged.
 */
export async function prepareHeadOnly(opts: Pick<PrepareOptions, 'lz' | 'tenantsDir' | 'workDir' | 'cacheDir' | 'workers'>): Promise<Syntheses> {
  const workDir = path.resolve(opts.workDir);
  fs.mkdirSync(workDir, { recursive: true });
  // The head is replaced: a record of earlier syntheses no longer describes it.
  fs.rmSync(path.join(workDir, RECORD_FILE), { force: true });
  const headDir = path.join(workDir, 'head');
  await synthesizeLandingZoneInParallel(opts.lz, { outdir: headDir, cacheDir: opts.cacheDir, workers: opts.workers });
  const top = gitToplevel(opts.tenantsDir);
  const headRevision: HeadInfo = top ? { commit: headCommit(top), dirty: isDirty(top) } : { dirty: true };
  const head = readSynthesis(headDir);
  return { base: head, head, baseRevision: { ref: 'HEAD', commit: headRevision.commit ?? '', source: 'worktree' }, headRevision, workDir };
}

/** The base commit the syntheses in `workDir` were made for, if they were recorded there. */
export function recordedBaseCommit(workDir: string): string | undefined {
  const file = path.join(path.resolve(workDir), RECORD_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return parseDocument(fs.readFileSync(file, 'utf8'), file, SYNTHESIS_RECORD).baseCommit;
  } catch (e) {
    if (e instanceof DocumentError) throw new WorkspaceError(e.message);
    throw e;
  }
}

/** Base by the revision's own code (or its manifests with today's code), in a child process beside the head synthesis. */
async function revisionSyntheses(opts: PrepareOptions, baseDir: string, headDir: string, workDir: string): Promise<RevisionInfo> {
  const basePromise = synthesizeRevision({ ref: opts.baseRef, settingsFile: opts.settingsFile, tenantsDir: opts.tenantsDir, outdir: baseDir, logFile: path.join(workDir, 'base-synth.log') });
  basePromise.catch(() => undefined); // handled below; keeps Node from reporting it early
  let headError: unknown;
  try {
    if (!opts.headDir) await synthesizeLandingZoneInParallel(opts.lz, { outdir: headDir, cacheDir: opts.cacheDir, workers: opts.workers });
  } catch (e) {
    headError = e;
  }
  const baseRevision = await basePromise;
  if (headError) throw headError;
  return baseRevision;
}

/**
 * When the revision's code is the working tree's (equal code digests, model/fingerprint.ts),
 * the revision's settings and manifests are synthesized with this code, and only the stacks
 * whose input fingerprints differ between the two sides are written (through the cache):
 * a one-manifest change costs that manifest's stacks, not the estate. Undefined when the code
 * differs or the revision's landing zone does not validate: then the revision is synthesized
 * by its own code, whole, as before.
 */
async function sameCodeSyntheses(opts: PrepareOptions, baseDir: string, headDir: string, extend = false): Promise<RevisionInfo | undefined> {
  const top = gitToplevel(opts.tenantsDir);
  if (!top) return undefined;
  const commit = resolveCommit(top, opts.baseRef);
  const headCode = workingTreeCodeDigest();
  // Manifests in their own repository are synthesized by this code at either revision.
  const sameRepo = gitToplevel(CODE_ROOT) === top;
  const baseCode = sameRepo ? commitCodeDigest(top, commit, repoRelative(top, CODE_ROOT)) : headCode;
  if (baseCode !== headCode) return undefined;
  const base = landingZoneAt(top, commit, opts);
  if (base === 'invalid') return undefined;
  const headStacks = fingerprintedInventory(opts.lz, headCode);
  const baseStacks = base ? fingerprintedInventory(base, baseCode) : [];
  const baseFingerprints = new Map(baseStacks.map((s) => [s.spec.name, s.fingerprint]));
  const headFingerprints = new Map(headStacks.map((s) => [s.spec.name, s.fingerprint]));
  const differing = new Set([
    ...headStacks.filter((s) => baseFingerprints.get(s.spec.name) !== s.fingerprint).map((s) => s.spec.name),
    ...baseStacks.filter((s) => headFingerprints.get(s.spec.name) !== s.fingerprint).map((s) => s.spec.name),
    ...(opts.include ?? []),
  ]);
  const common = { cacheDir: opts.cacheDir, workers: opts.workers, codeDigest: headCode, materialize: differing, extend };
  if (!opts.headDir) await synthesizeLandingZoneInParallel(opts.lz, { ...common, outdir: headDir });
  if (base) await synthesizeLandingZoneInParallel(base, { ...common, outdir: baseDir });
  else writeEmptySynthesis(baseDir);
  return { ref: opts.baseRef, commit, source: !base ? 'absent' : sameRepo ? 'same-code' : 'manifests-only' };
}

/** The landing zone at a commit (its settings and manifests, validated), undefined without a settings file. */
function landingZoneAt(top: string, commit: string, opts: PrepareOptions): LandingZone | undefined | 'invalid' {
  const relSettings = repoRelative(top, opts.settingsFile);
  const relTenants = repoRelative(top, opts.tenantsDir);
  const found = filesAtCommit(top, commit, [relSettings, relTenants]);
  if (!found.has(relSettings)) return undefined;
  // Read from memory at the repository's own paths: file names in findings, and the validation
  // cache's keys, are those of the working tree.
  const files = memoryFiles(top, found, [relTenants]);
  const result = validateLandingZone({ settingsFile: path.join(top, ...relSettings.split('/')), tenantsDir: path.join(top, ...relTenants.split('/')), baseRef: false, cwd: top, cacheFile: opts.validationCache, files });
  return result.landingZone ?? 'invalid';
}

async function reuseSyntheses(opts: PrepareOptions, workDir: string, top: string | undefined, headRevision: HeadInfo): Promise<Syntheses> {
  const recordFile = path.join(workDir, RECORD_FILE);
  if (!fs.existsSync(recordFile)) throw new WorkspaceError(`--reuse-synth: ${recordFile} does not exist (run lz affected first, or download its work directory)`);
  let record: Record_;
  try {
    record = parseDocument(fs.readFileSync(recordFile, 'utf8'), recordFile, SYNTHESIS_RECORD);
  } catch (e) {
    if (e instanceof DocumentError) throw new WorkspaceError(`--reuse-synth: ${e.message}`);
    throw e;
  }
  if (!top) throw new WorkspaceError(`--reuse-synth: ${opts.tenantsDir} is not inside a git repository, so the syntheses cannot be matched to revisions`);
  const baseCommit = resolveCommit(top, opts.baseRef);
  const problems: string[] = [];
  if (record.baseCommit !== baseCommit) problems.push(`base ${opts.baseRef} is ${baseCommit.slice(0, 12)}, the syntheses were made for ${record.baseCommit.slice(0, 12)}`);
  if (record.headCommit !== headRevision.commit) problems.push(`HEAD is ${headRevision.commit?.slice(0, 12) ?? 'unborn'}, the syntheses were made at ${record.headCommit?.slice(0, 12) ?? 'unborn'}`);
  if (record.headDirty || headRevision.dirty) problems.push('the working tree has uncommitted changes, so its synthesis may be stale');
  const settings = repoRelative(top, opts.settingsFile);
  const tenants = repoRelative(top, opts.tenantsDir);
  if (record.settings !== settings || record.tenants !== tenants) problems.push(`they were made from ${record.settings} and ${record.tenants}, not ${settings} and ${tenants}`);
  if (problems.length > 0) throw new WorkspaceError(`--reuse-synth: the syntheses in ${workDir} do not match this checkout: ${problems.join('; ')}. Run without --reuse-synth to synthesize again.`);
  const syntheses: Syntheses = {
    base: readSynthesis(path.join(workDir, 'base')),
    head: readSynthesis(path.join(workDir, 'head')),
    baseRevision: { ref: opts.baseRef, commit: record.baseCommit, source: record.baseSource },
    headRevision,
    workDir,
  };
  return withStacksWritten(opts, syntheses, opts.include ?? []);
}

/**
 * The syntheses with the configuration of `names` written on every side that has the stack. A
 * sparse synthesis (same code) wrote only the stacks whose inputs differ; the named ones (stacks
 * named on the command line, the stacks a local plan reads remote state from) are added through
 * the cache, and the stacks it wrote stay as they are: later commands plan exactly what
 * `lz affected` compared. A full synthesis has them all already.
 */
export async function withStacksWritten(opts: PrepareOptions, syntheses: Syntheses, names: ReadonlyArray<string>): Promise<Syntheses> {
  const { base, head } = syntheses;
  const unwritten = names.filter((n) => [base, head].some((side) => side.stacks.has(n) && side.stacks.get(n)!.file === undefined));
  if (unwritten.length === 0) return syntheses;
  const written = [...base.stacks.values(), ...head.stacks.values()].filter((s) => s.file !== undefined).map((s) => s.spec.name);
  const headDir = opts.headDir ? path.resolve(opts.headDir) : head.dir;
  const redone = await sameCodeSyntheses({ ...opts, include: [...written, ...unwritten] }, base.dir, headDir, true);
  if (!redone) throw new WorkspaceError(`${unwritten.join(', ')} were not synthesized by lz affected and cannot be added to its syntheses (the code changed since); synthesize again without --reuse-synth`);
  return { ...syntheses, base: readSynthesis(base.dir), head: readSynthesis(headDir) };
}
