import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { lifecycleManifest } from './tenant-set';

/**
 * `npm run compare-output -- [REF] [N]`: proves that a code change leaves the synthesized output
 * byte-identical. The same manifests (the example tenants, and N generated tenants that cover
 * every tier, status, BYOK mode, adopted account and version pin) are synthesized by the code at
 * REF (default HEAD, in a temporary git worktree) and by the working tree; every file of the two
 * outputs is compared. Prints the differing files and exits 1 when any differ.
 */
const root = path.resolve(__dirname, '..');
const [ref = 'HEAD', countArg = '100'] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count < 0) {
  console.error(`N must be a whole number, got ${countArg}`);
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-compare-'));
const tree = path.join(work, 'base-tree');

function synth(codeRoot: string, settings: string, tenants: string, out: string): void {
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(codeRoot, 'scripts', 'lz.ts'), '--settings', settings, '--tenants', tenants, '--no-history', 'synth', '--out', out], {
    cwd: codeRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TS_NODE_PROJECT: path.join(codeRoot, 'tsconfig.json'), TS_NODE_SWC: 'true', CHECKPOINT_DISABLE: '1' },
  });
  // Warnings (byok-pending) are expected on stderr; only a failed synthesis is shown.
  if (r.status !== 0) throw new Error(`synthesis with the code in ${codeRoot} failed:\n${r.stdout}${r.stderr}`);
}

function files(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))])).sort();
}

function compare(label: string, a: string, b: string): number {
  const fa = files(a);
  const fb = files(b);
  const all = [...new Set([...fa, ...fb])].sort();
  const differing = all.filter((f) => !fa.includes(f) || !fb.includes(f) || !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
  const bytes = fb.reduce((n, f) => n + fs.statSync(path.join(b, f)).size, 0);
  if (differing.length === 0) console.log(`✓ ${label}: ${fb.length} files, ${bytes} bytes, byte-identical`);
  else {
    console.log(`✗ ${label}: ${differing.length} of ${all.length} files differ`);
    for (const f of differing.slice(0, 20)) console.log(`    ${f}${!fa.includes(f) ? ' (only in the working tree)' : !fb.includes(f) ? ` (only at ${ref})` : ''}`);
  }
  return differing.length;
}

try {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['worktree', 'add', '--detach', '--quiet', tree, commit], { cwd: root });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  const generated = path.join(work, 'generated');
  fs.mkdirSync(generated);
  for (let i = 0; i < count; i++) {
    const m = lifecycleManifest(i);
    fs.writeFileSync(path.join(generated, `${m.id}.yaml`), stringify(m));
  }
  const settings = path.join(root, 'landing-zone.yaml');
  let differing = 0;
  for (const [label, tenants] of [
    ['example tenants', path.join(root, 'tenants')],
    [`${count} generated tenants`, generated],
  ] as const) {
    const key = label.replace(/\W+/g, '-');
    synth(tree, settings, tenants, path.join(work, `${key}-base`));
    synth(root, settings, tenants, path.join(work, `${key}-head`));
    differing += compare(`${label}, ${ref} (${commit.slice(0, 12)}) vs working tree`, path.join(work, `${key}-base`), path.join(work, `${key}-head`));
  }
  process.exitCode = differing === 0 ? 0 : 1;
} finally {
  spawnSync('git', ['worktree', 'remove', '--force', '--force', tree], { cwd: root });
  spawnSync('git', ['worktree', 'prune'], { cwd: root });
  fs.rmSync(work, { recursive: true, force: true });
}
