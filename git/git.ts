import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Every git operation of the landing zone (the base revision of a change, worktrees, files at a
 * commit), in one module; every failure names the command and git's reason.
 */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

function git(cwd: string, args: ReadonlyArray<string>): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new GitError(`git ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new GitError(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/** Top directory of the repository that contains `dir`, real path; undefined outside git. */
export function gitToplevel(dir: string): string | undefined {
  let start = path.resolve(dir);
  while (!fs.existsSync(start)) start = path.dirname(start);
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: start, encoding: 'utf8' });
  return r.status === 0 ? fs.realpathSync(r.stdout.trim()) : undefined;
}

/** The commit a revision names; throws with what would be valid. */
export function resolveCommit(top: string, ref: string): string {
  const commit = tryResolveCommit(top, ref);
  if (commit === undefined) {
    throw new GitError(`git revision "${ref}" does not exist in ${top} (a branch, tag or commit is valid; in CI fetch the history, e.g. actions/checkout with fetch-depth: 0)`);
  }
  return commit;
}

/** HEAD's commit, or undefined in a repository without commits. */
export function headCommit(top: string): string | undefined {
  return tryResolveCommit(top, 'HEAD');
}

/** Whether tracked or untracked (not ignored) files differ from HEAD. */
export function isDirty(top: string): boolean {
  return git(top, ['status', '--porcelain', '--untracked-files=normal']).trim() !== '';
}

/** Path of `target` relative to the repository top, with `/` separators; throws if outside. */
export function repoRelative(top: string, target: string): string {
  const real = realpathOrSelf(target);
  const rel = path.relative(top, real).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new GitError(`${target} is not inside the git repository ${top}`);
  return rel === '' ? '.' : rel;
}

function realpathOrSelf(p: string): string {
  const abs = path.resolve(p);
  if (fs.existsSync(abs)) return fs.realpathSync(abs);
  return path.join(realpathOrSelf(path.dirname(abs)), path.basename(abs));
}

const WORKTREE_OWNER = 'lz: temporary worktree';

/**
 * A detached worktree of `commit` at `dir`, locked with a reason that names this process, so
 * that a later run can tell a worktree left by a process that died (pruneStaleWorktrees).
 */
export function addWorktree(top: string, commit: string, dir: string): void {
  git(top, ['worktree', 'add', '--detach', '--quiet', '--lock', '--reason', `${WORKTREE_OWNER} (pid ${process.pid})`, dir, commit]);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the worktrees that an lz process left behind when it was killed before it could clean
 * up (SIGKILL, a crash): those locked by lz whose process no longer runs. Returns their paths.
 */
export function pruneStaleWorktrees(top: string): string[] {
  const removed: string[] = [];
  const entries = git(top, ['worktree', 'list', '--porcelain']).split('\n\n');
  for (const entry of entries) {
    const dir = /^worktree (.+)$/m.exec(entry)?.[1];
    const pid = new RegExp(`^locked ${WORKTREE_OWNER} \\(pid (\\d+)\\)$`, 'm').exec(entry)?.[1];
    if (dir && pid && !processAlive(Number(pid))) {
      removeWorktree(top, dir);
      removed.push(dir);
    }
  }
  spawnSync('git', ['worktree', 'prune'], { cwd: top, encoding: 'utf8' });
  return removed;
}

/** Removes a worktree made by addWorktree, and its administrative files. Never throws. */
export function removeWorktree(top: string, dir: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', '--force', dir], { cwd: top, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: top, encoding: 'utf8' });
}

/**
 * The files under `relPaths` (files or directories, repository-relative) as they are at
 * `commit`, by repository-relative path. One `git ls-tree` and one `git cat-file --batch`.
 */
export function filesAtCommit(top: string, commit: string, relPaths: ReadonlyArray<string>): Map<string, Buffer> {
  const files = git(top, ['ls-tree', '-r', '--name-only', '-z', commit, '--', ...relPaths])
    .split('\0')
    .filter((f) => f !== '');
  const blobs = files.length === 0 ? [] : readBlobs(top, commit, files);
  return new Map(files.map((file, i) => [file, blobs[i]]));
}

/**
 * Writes the files under `relPaths` (files or directories, repository-relative) as they are at
 * `commit` into `dest`, keeping their relative paths; returns the paths that exist there.
 */
export function extractAtCommit(top: string, commit: string, relPaths: ReadonlyArray<string>, dest: string): string[] {
  const files = filesAtCommit(top, commit, relPaths);
  for (const [file, bytes] of files) {
    const target = path.join(dest, ...file.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  return relPaths.filter((p) => [...files.keys()].some((f) => f === p || f.startsWith(`${p}/`)));
}

/**
 * The contents of several files at one commit, read with a single `git cat-file --batch`
 * (one process for any number of files). Sizes in its output are bytes, hence Buffers.
 */
export function readBlobs(repoRoot: string, commit: string, files: ReadonlyArray<string>): Buffer[] {
  if (files.length === 0) return [];
  // Asking for `<commit>:<path>` makes git walk the path's trees once per file: quadratic for a
  // folder of thousands of manifests. One ls-tree of their folders gives every blob id at once.
  const scopes = [...new Set(files.map((f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : f)))];
  const listing = execFileSync('git', ['--literal-pathspecs', 'ls-tree', '-r', '-z', commit, '--', ...scopes], { cwd: repoRoot, maxBuffer: 1024 * 1024 * 1024 }).toString('utf8');
  const ids = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    // "<mode> <type> <id>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    if (type === 'blob') ids.set(entry.slice(tab + 1), id);
  }
  const missing = files.find((f) => !ids.has(f));
  if (missing !== undefined) throw new Error(`git: ${missing} does not exist at ${commit}`);
  // Blobs are named by their content: those read before in this process are not read again
  // (the base revision's manifests are read by validation and by the base synthesis).
  const wanted = [...new Set(files.map((f) => ids.get(f)!))].filter((id) => !blobContents.has(id));
  if (wanted.length > 0) {
    const batch = execFileSync('git', ['cat-file', '--batch'], {
      cwd: repoRoot,
      input: wanted.join('\n') + '\n',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 1024 * 1024 * 1024,
    });
    let offset = 0;
    for (const id of wanted) {
      // Each entry: "<sha> <type> <size>\n<size bytes>\n", or "<object> missing\n".
      const nl = batch.indexOf(0x0a, offset);
      const header = batch.subarray(offset, nl).toString('utf8').split(' ');
      if (header[1] === 'missing') throw new Error(`git: ${files.find((f) => ids.get(f) === id)} does not exist at ${commit}`);
      const size = Number(header[2]);
      blobContents.set(id, batch.subarray(nl + 1, nl + 1 + size));
      offset = nl + 1 + size + 1;
    }
  }
  return files.map((f) => blobContents.get(ids.get(f)!)!);
}

/** Blob contents by id, for this process. */
const blobContents = new Map<string, Buffer>();

/**
 * The base revision of a change: the explicit `--base`, else `$LZ_BASE_REF`, else `HEAD` (the
 * last commit). An empty value counts as not given, so every command means the same by it.
 */
export function baseRevision(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.LZ_BASE_REF || 'HEAD';
}

/** The commit a revision names, or undefined when it names none (no commits, shallow clone). */
export function tryResolveCommit(top: string, ref: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: top, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Paths of the files directly in `dir` (repository-relative, `.` for the top) at `commit`. */
export function listDirectoryAt(top: string, commit: string, dir: string): string[] {
  return git(top, ['ls-tree', '--name-only', commit, '--', dir === '.' ? '.' : `${dir}/`])
    .split('\n')
    .filter((f) => f !== '');
}

/** Git's object id of a blob with these bytes (`git hash-object`), without running git. */
export function blobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Every file under `dir` (repository-relative, `.` for the top) at `commit`, with its blob id,
 * paths relative to `dir`. One `git ls-tree` call.
 */
export function blobsAt(top: string, commit: string, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = dir === '.' ? '' : `${dir}/`;
  for (const line of git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, ...(prefix ? ['--', prefix] : [])]).split('\0')) {
    // "<mode> blob <id>\t<path>"
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = line.slice(0, tab).split(' ');
    const file = line.slice(tab + 1);
    if (type === 'blob' && file.startsWith(prefix)) out.set(file.slice(prefix.length), id);
  }
  return out;
}

/**
 * The files of the working tree under `dir` that git would commit: tracked files that still
 * exist and untracked files that are not ignored, paths relative to `dir`; only under `within`
 * (paths relative to `dir`) when given.
 */
export function workingTreeFiles(top: string, dir: string, within?: ReadonlyArray<string>): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`;
  const specs = within ? within.map((w) => `${prefix}${w}`) : prefix ? [prefix] : [];
  return git(top, ['--literal-pathspecs', 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', ...(specs.length > 0 ? ['--', ...specs] : [])])
    .split('\0')
    .filter((f) => f.startsWith(prefix) && f !== '' && fs.existsSync(path.join(top, f)))
    .map((f) => f.slice(prefix.length));
}

/**
 * The newest commit every one of `commits` descends from (`git merge-base --octopus`): on a
 * linear branch, the oldest of them. Commits git does not know (rewritten history, a shallow
 * clone) are left out and returned apart.
 */
export function commonAncestor(top: string, commits: ReadonlyArray<string>): { readonly commit?: string; readonly unknown: string[] } {
  const known = commits.filter((c) => tryResolveCommit(top, c) !== undefined);
  const unknown = commits.filter((c) => !known.includes(c));
  if (known.length === 0) return { unknown };
  if (known.length === 1) return { commit: tryResolveCommit(top, known[0]), unknown };
  const r = spawnSync('git', ['merge-base', '--octopus', ...known], { cwd: top, encoding: 'utf8' });
  if (r.status !== 0) throw new GitError(`git merge-base --octopus: the recorded commits ${known.map((c) => c.slice(0, 12)).join(', ')} share no ancestor in ${top}`);
  return { commit: r.stdout.trim(), unknown };
}
