import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stableStringify } from '../format/stable-json';
import { CODE_ROOT } from '../model/fingerprint';
import { STACK_INDEX_FILE } from '../stacks/synthesize';
import { addWorktree, extractAtCommit, gitToplevel, GitError, pruneStaleWorktrees, removeWorktree, repoRelative, resolveCommit } from '../git/git';
import { onInterrupt } from './interrupt';

/**
 * Synthesizes the landing zone as it was at a git revision: the "before" of a change.
 *
 * When the manifests live in the same repository as this code (the normal case), the revision
 * is checked out into a temporary git worktree and synthesized by ITS OWN code (`lz synth` of
 * that revision), so that a change to shared code shows up as the stacks whose output changed.
 * When the manifests live in another repository (a separate manifest repo, or tests), only the
 * settings file and the tenants directory are taken from the revision and the current code
 * synthesizes them. Either way it runs in a child process, beside the head synthesis.
 */
export interface RevisionSynthesisOptions {
  /** Git revision (branch, tag, commit). */
  readonly ref: string;
  /** Settings file in the working tree (absolute); the same path is read at the revision. */
  readonly settingsFile: string;
  /** Tenants directory in the working tree (absolute); the same path is read at the revision. */
  readonly tenantsDir: string;
  /** Where the synthesis is written (replaced). */
  readonly outdir: string;
  /** The child's output goes here (it is not printed). */
  readonly logFile: string;
  /** Root of the code whose repository is compared. @default this repository */
  readonly codeRoot?: string;
}

export type RevisionSource = 'worktree' | 'manifests-only' | 'same-code' | 'absent';

export interface RevisionInfo {
  readonly ref: string;
  readonly commit: string;
  /**
   * worktree: code and manifests of the revision; manifests-only: its manifests, current code
   * (manifests in another repository); same-code: its manifests with the working tree's code,
   * whose code digest equals the revision's, synthesizing only stacks whose fingerprints differ;
   * absent: no settings file at the revision (empty landing zone).
   */
  readonly source: RevisionSource;
}


export class RevisionSynthesisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevisionSynthesisError';
  }
}

export async function synthesizeRevision(opts: RevisionSynthesisOptions): Promise<RevisionInfo> {
  const manifestTop = gitToplevel(opts.tenantsDir);
  if (!manifestTop) throw new GitError(`${opts.tenantsDir} is not inside a git repository: the base revision "${opts.ref}" cannot be read (affected, plan and apply compare against a git revision: run them in a clone)`);
  const commit = resolveCommit(manifestTop, opts.ref);
  const relSettings = repoRelative(manifestTop, opts.settingsFile);
  const relTenants = repoRelative(manifestTop, opts.tenantsDir);
  const codeRoot = opts.codeRoot ?? CODE_ROOT;
  const sameRepo = gitToplevel(codeRoot) === manifestTop;
  if (sameRepo) pruneStaleWorktrees(manifestTop);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-base-'));
  const tree = path.join(tmp, 'tree');
  let child: ChildProcess | undefined;
  const cleanup = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (sameRepo) removeWorktree(manifestTop, tree);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C, a cancelled job), the worktree is still removed and no git registration is left.
  const release = onInterrupt(cleanup);
  try {
    let root: string;
    let source: RevisionSource;
    if (sameRepo) {
      addWorktree(manifestTop, commit, tree);
      // The revision's code runs with today's installed packages.
      const modules = path.join(codeRoot, 'node_modules');
      if (fs.existsSync(modules) && !fs.existsSync(path.join(tree, 'node_modules'))) fs.symlinkSync(modules, path.join(tree, 'node_modules'), 'dir');
      root = path.join(tree, repoRelative(manifestTop, codeRoot));
      source = 'worktree';
    } else {
      extractAtCommit(manifestTop, commit, [relSettings, relTenants], tree);
      root = codeRoot;
      source = 'manifests-only';
    }
    const settings = path.join(tree, ...relSettings.split('/'));
    const tenants = path.join(tree, ...relTenants.split('/'));
    if (!fs.existsSync(settings)) {
      writeEmptySynthesis(opts.outdir);
      return { ref: opts.ref, commit, source: 'absent' };
    }
    fs.mkdirSync(tenants, { recursive: true });
    await runSynth(root, settings, tenants, opts, (c) => (child = c));
    return { ref: opts.ref, commit, source };
  } finally {
    release();
    cleanup();
  }
}

export function writeEmptySynthesis(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, STACK_INDEX_FILE), stableStringify({ stacks: [] }));
}

function runSynth(root: string, settings: string, tenants: string, opts: RevisionSynthesisOptions, started: (child: ChildProcess) => void): Promise<void> {
  const entry = path.join(root, 'scripts', 'lz.ts');
  if (!fs.existsSync(entry)) throw new RevisionSynthesisError(`revision "${opts.ref}" has no scripts/lz.ts: it predates the lz command line and cannot be synthesized`);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.openSync(opts.logFile, 'w');
  const args = ['-r', require.resolve('ts-node/register/transpile-only'), entry, '--settings', settings, '--tenants', tenants, '--no-history', 'synth', '--out', path.resolve(opts.outdir)];
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.json'), TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' };
  delete env.LZ_BASE_REF;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', log, log] });
    started(child);
    child.on('error', (e) => {
      fs.closeSync(log);
      reject(new RevisionSynthesisError(`could not start the synthesis of revision "${opts.ref}": ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      fs.closeSync(log);
      if (code === 0) return resolve();
      const tail = fs.readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
      reject(new RevisionSynthesisError(`synthesis of revision "${opts.ref}" failed (${signal ?? `exit ${code}`}); its output (${opts.logFile}) ends with:\n${tail}`));
    });
  });
}
