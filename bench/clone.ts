import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTenantSet } from './tenant-set';

/**
 * A clone of this working tree for a benchmark: its files (not node_modules, which is linked),
 * `size` generated tenants instead of the examples, committed in a fresh repository, so that
 * its base revision is synthesized by its own code in a git worktree, as in CI.
 */
export interface BenchClone {
  readonly work: string;
  readonly clone: string;
  readonly tenants: string;
  readonly ids: string[];
  git(...args: string[]): void;
  /** Runs `lz` of the clone in a fresh process, inside it. */
  lz(...args: string[]): ReturnType<typeof spawnSync>;
  remove(): void;
}

export const ROOT = path.resolve(__dirname, '..');

/** SIZE from the command line, a whole number of tenants. */
export function sizeArgument(fallback: number): number {
  const size = Number(process.argv[2] ?? fallback);
  if (!Number.isInteger(size) || size < 1) throw new Error(`SIZE must be a whole number of tenants, got ${process.argv[2]}`);
  return size;
}

export function cloneWithTenants(prefix: string, size: number): BenchClone {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const clone = path.join(work, 'repo');
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: clone, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  const skip = new Set(['node_modules', '.git', 'cdktf.out', '.lz', 'coverage', 'test-artifacts', 'audit-report']);
  fs.mkdirSync(clone);
  for (const entry of fs.readdirSync(ROOT)) if (!skip.has(entry)) fs.cpSync(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const tenants = path.join(clone, 'tenants');
  for (const f of fs.readdirSync(tenants)) if (f.endsWith('.yaml')) fs.rmSync(path.join(tenants, f));
  const ids = writeTenantSet(tenants, size);
  git('init', '-q');
  fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), '/node_modules\n');
  git('add', '-A');
  git('commit', '-q', '-m', `${size} tenants`);
  return {
    work,
    clone,
    tenants,
    ids,
    git,
    lz: (...args: string[]) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(clone, 'scripts', 'lz.ts'), ...args], {
        cwd: clone,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(clone, 'tsconfig.json'), LZ_BASE_REF: 'HEAD', CHECKPOINT_DISABLE: '1' },
      }),
    remove: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}
