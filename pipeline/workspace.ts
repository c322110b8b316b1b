import * as fs from 'fs';
import * as path from 'path';
import { stableStringify } from '../format/stable-json';
import { LandingZone } from '../model/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';
import { gitToplevel, headCommit, isDirty, repoRelative, resolveCommit } from '../git/git';
import { RevisionInfo, synthesizeRevision } from './revision-synthesis';
import { readSynthesis, Synthesis } from './synthesis-index';

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
}

interface Record_ {
  readonly baseRef: string;
  readonly baseCommit: string;
  readonly baseSource: RevisionInfo['source'];
  readonly headCommit?: string;
  readonly headDirty: boolean;
  readonly settings: string;
  readonly tenants: string;
}

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
  // The base synthesis runs in a child process while this one synthesizes the head.
  const basePromise = synthesizeRevision({ ref: opts.baseRef, settingsFile: opts.settingsFile, tenantsDir: opts.tenantsDir, outdir: baseDir, logFile: path.join(workDir, 'base-synth.log') });
  basePromise.catch(() => undefined); // handled below; keeps Node from reporting it early
  let headError: unknown;
  try {
    if (!opts.headDir) synthesizeLandingZone(opts.lz, { outdir: headDir });
  } catch (e) {
    headError = e;
  }
  const baseRevision = await basePromise;
  if (headError) throw headError;
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
export function prepareHeadOnly(opts: { readonly lz: LandingZone; readonly tenantsDir: string; readonly workDir: string }): Syntheses {
  const workDir = path.resolve(opts.workDir);
  fs.mkdirSync(workDir, { recursive: true });
  // The head is replaced: a record of earlier syntheses no longer describes it.
  fs.rmSync(path.join(workDir, RECORD_FILE), { force: true });
  const headDir = path.join(workDir, 'head');
  synthesizeLandingZone(opts.lz, { outdir: headDir });
  const top = gitToplevel(opts.tenantsDir);
  const headRevision: HeadInfo = top ? { commit: headCommit(top), dirty: isDirty(top) } : { dirty: true };
  const head = readSynthesis(headDir);
  return { base: head, head, baseRevision: { ref: 'HEAD', commit: headRevision.commit ?? '', source: 'worktree' }, headRevision, workDir };
}

/** The base commit the syntheses in `workDir` were made for, if they were recorded there. */
export function recordedBaseCommit(workDir: string): string | undefined {
  const file = path.join(path.resolve(workDir), RECORD_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record_).baseCommit : undefined;
}

function reuseSyntheses(opts: PrepareOptions, workDir: string, top: string | undefined, headRevision: HeadInfo): Syntheses {
  const recordFile = path.join(workDir, RECORD_FILE);
  if (!fs.existsSync(recordFile)) throw new WorkspaceError(`--reuse-synth: ${recordFile} does not exist (run lz affected first, or download its work directory)`);
  const record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as Record_;
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
  return {
    base: readSynthesis(path.join(workDir, 'base')),
    head: readSynthesis(path.join(workDir, 'head')),
    baseRevision: { ref: opts.baseRef, commit: record.baseCommit, source: record.baseSource },
    headRevision,
    workDir,
  };
}
