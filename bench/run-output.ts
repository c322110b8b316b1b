import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { generatedManifest, writeTenantSet } from './tenant-set';

/**
 * `npm run bench:output [-- SIZE]`: how much `npm start` (lz run) prints for a landing zone of
 * SIZE generated tenants (default 300), on a clone of this working tree whose last commit holds
 * them: once with nothing changed, once with one tenant edited. Prints lines, the longest line
 * and bytes of its output for each, and the time each run took.
 */
const root = path.resolve(__dirname, '..');
const size = Number(process.argv[2] ?? 300);
if (!Number.isInteger(size) || size < 1) throw new Error(`SIZE must be a whole number of tenants, got ${process.argv[2]}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-bench-output-'));
const clone = path.join(work, 'repo');

function git(...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: clone, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function run(label: string): void {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(clone, 'scripts', 'lz.ts'), 'run'], {
    cwd: clone,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(clone, 'tsconfig.json'), LZ_BASE_REF: 'HEAD', CHECKPOINT_DISABLE: '1' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 4) throw new Error(`lz run failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  const lines = r.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const longest = Math.max(...lines.map((l) => l.length));
  console.log(`${label}: ${lines.length} lines, longest ${longest} characters, ${Buffer.byteLength(r.stdout)} bytes on stdout (${r.stderr.split('\n').filter(Boolean).length} lines on stderr), exit ${r.status}, ${seconds.toFixed(1)} s`);
}

try {
  const skip = new Set(['node_modules', '.git', 'cdktf.out', '.lz', 'coverage', 'test-artifacts', 'audit-report']);
  fs.mkdirSync(clone);
  for (const entry of fs.readdirSync(root)) if (!skip.has(entry)) fs.cpSync(path.join(root, entry), path.join(clone, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(clone, '.gitignore'), `${fs.readFileSync(path.join(clone, '.gitignore'), 'utf8')}/node_modules\n`);
  const tenants = path.join(clone, 'tenants');
  for (const f of fs.readdirSync(tenants)) if (f.endsWith('.yaml')) fs.rmSync(path.join(tenants, f));
  const ids = writeTenantSet(tenants, size);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', `${size} tenants`);
  console.log(`node ${process.version}, ${os.cpus().length} cores; npm start (lz run) on ${size} generated tenants`);
  run('nothing changed');
  const edited = generatedManifest(ids.length - 1, 'L3');
  edited.displayName = 'Renamed tenant';
  fs.writeFileSync(path.join(tenants, `${edited.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(edited)}`);
  run('one tenant edited');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
