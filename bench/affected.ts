import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { generatedManifest, writeTenantSet } from './tenant-set';

/**
 * `npm run bench:affected [-- SIZE]`: the time of `lz affected` for a change that adds one
 * tenant to a landing zone of SIZE generated tenants (default 1,000), measured as a whole
 * command in a fresh process, on a clone of this working tree whose base revision holds the
 * SIZE tenants (so the base is synthesized by its own code in a git worktree, as in CI).
 * Checks that the change affects exactly the new tenant's account and tenant stacks.
 */
const root = path.resolve(__dirname, '..');
const size = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(size) || size < 1) throw new Error(`SIZE must be a whole number of tenants, got ${process.argv[2]}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-bench-affected-'));
const clone = path.join(work, 'repo');

function git(...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: clone, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

try {
  const skip = new Set(['node_modules', '.git', 'cdktf.out', '.lz', 'coverage', 'test-artifacts']);
  fs.mkdirSync(clone);
  for (const entry of fs.readdirSync(root)) if (!skip.has(entry)) fs.cpSync(path.join(root, entry), path.join(clone, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const tenants = path.join(clone, 'tenants');
  for (const f of fs.readdirSync(tenants)) if (f.endsWith('.yaml')) fs.rmSync(path.join(tenants, f));
  writeTenantSet(tenants, size);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', `${size} tenants`);
  const added = generatedManifest(size, 'L2');
  fs.writeFileSync(path.join(tenants, `${added.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(added)}`);

  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(clone, 'scripts', 'lz.ts'), 'affected', '--format', 'json'], {
    cwd: clone,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(clone, 'tsconfig.json'), LZ_BASE_REF: 'HEAD' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`lz affected failed:\n${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { summary: { headStacks: number }; stacks: Array<{ name: string; change: string }> };
  const affected = doc.stacks.map((s) => `${s.name} (${s.change})`);
  const expected = [`account-${added.id} (added)`, `tenant-${added.id} (added)`];
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log(`lz affected, +1 L2 tenant among ${size}: ${seconds.toFixed(1)} s for ${doc.summary.headStacks} stacks (base and head synthesized, compared per stack)`);
  console.log(`affected: ${affected.join(', ')}`);
  if (JSON.stringify(affected) !== JSON.stringify(expected)) {
    console.error(`expected exactly ${expected.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
