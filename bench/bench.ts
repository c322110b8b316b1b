import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { BenchClone, cloneWithTenants } from './clone';
import { generatedManifest } from './tenant-set';

/**
 * `npm run bench [-- SIZE...]` (default 100 1000): for each size, a clone of this working tree
 * holding SIZE generated tenants (700 L1 / 200 L2 / 100 L3 per 1,000) committed in git, and every
 * figure measured as a whole `lz` command in a fresh process (start-up included), as a ratio to
 * the full single-process synthesis of the same run, and to the same synthesis with CDKTF as it
 * comes (bench/reference-synth.ts: what `lz synth` did when issue 14 was filed):
 *
 * | figure | command |
 * |---|---|
 * | validate, cold and with the validation cache | `lz validate` |
 * | full synthesis, one process, CDKTF as it comes (second reference) | bench/reference-synth.ts |
 * | full synthesis, one process (the reference) | `lz synth --no-cache --synth-workers 1` |
 * | full synthesis, worker processes | `lz synth --no-cache` (one per core) |
 * | synthesis after a one-manifest change, cache warm | `lz synth` |
 * | one tenant's stacks, cache warm | `lz synth --tenant X` |
 * | one added manifest; one changed manifest | `lz affected` (checks that exactly that tenant's stacks are reported) |
 *
 * Peak memory is per process: the command's own, and the largest of its synthesis workers. CPU
 * time is the command's own process (all its threads), not its workers'.
 */
const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
/**
 * Largest set the second reference runs for: with CDKTF as it comes, 10,000 tenants exhaust
 * Node's default 4 GB heap after 12 minutes (every token keeps its stack trace), so there is no
 * such reference there.
 */
const UNSHORTENED_MAX = 2000;

interface Run {
  readonly seconds: number;
  /** CPU time of the command's own process (not its workers). */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly out: string;
}

function lz(repo: string, args: ReadonlyArray<string>, script = 'measure-cli.ts'): Run {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(repo, 'bench', script), ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(repo, 'tsconfig.json'), LZ_BASE_REF: 'HEAD', CHECKPOINT_DISABLE: '1' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let record: { code: number; maxRssMb: number; cpuSeconds: number; out?: string; err?: string };
  try {
    record = JSON.parse(last);
  } catch {
    throw new Error(`lz ${args.join(' ')} did not finish:\n${r.stderr}`);
  }
  if (record.code !== 0) throw new Error(`lz ${args.join(' ')} exited ${record.code}:\n${record.err}`);
  return { seconds, cpuSeconds: record.cpuSeconds, maxRssMb: record.maxRssMb, out: record.out ?? '' };
}

function workerPeak(run: Run): number | undefined {
  const m = /peak (\d+) MB/.exec(run.out);
  return m ? Number(m[1]) : undefined;
}

function affectedStacks(run: Run): string[] {
  return (JSON.parse(run.out) as { stacks: Array<{ name: string; change: string }> }).stacks.map((s) => `${s.name} (${s.change})`);
}

function writeManifest(repo: string, m: Record<string, unknown>): void {
  fs.writeFileSync(path.join(repo, 'tenants', `${String(m.id)}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(m)}`);
}

const problems: string[] = [];
const widths = [7, 52, 9, 9, 6, 14, 20];
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
let unshortened: Run | undefined;
function row(size: number, figure: string, run: Run, reference?: Run, workers?: number): void {
  const ratio = (ref?: Run) => (ref ? `${(ref.seconds / run.seconds).toFixed(2)}x` : '');
  // Printed as measured: a long run that fails late keeps what it measured.
  console.log(line([String(size), figure, `${run.seconds.toFixed(2)} s`, `${run.cpuSeconds.toFixed(1)} s`, ratio(reference), ratio(reference && unshortened), `${run.maxRssMb} MB${workers !== undefined ? ` / ${workers} MB` : ''}`]));
}

try {
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log(line(['tenants', 'figure', 'time', 'cpu', 'ratio', 'ratio vs CDKTF', 'peak RSS (process / worker)']));
  for (const size of sizes.length > 0 ? sizes : [100, 1000]) {
    const bench: BenchClone = cloneWithTenants('lz-bench-', size);
    try {
      const repo = bench.clone;
      const noHistory = ['--no-history'];
      row(size, 'validate, cold', lz(repo, [...noHistory, '--no-cache', 'validate']));
      lz(repo, [...noHistory, 'validate']);
      row(size, 'validate, cache warm', lz(repo, [...noHistory, 'validate']));

      unshortened = size <= UNSHORTENED_MAX ? lz(repo, [path.join(repo, 'landing-zone.yaml'), bench.tenants, path.join(repo, 'out-unshortened')], 'reference-synth.ts') : undefined;
      const single = lz(repo, [...noHistory, '--no-cache', '--synth-workers', '1', 'synth', '--out', 'out-single']);
      if (unshortened) row(size, 'full synthesis, one process, CDKTF as it comes', unshortened, single);
      row(size, 'full synthesis, one process (reference)', single, single);
      const parallel = lz(repo, [...noHistory, '--no-cache', 'synth', '--out', 'out-parallel']);
      row(size, `full synthesis, up to ${os.availableParallelism()} worker processes`, parallel, single, workerPeak(parallel));
      const diff = spawnSync('diff', ['-r', '-q', 'out-single', 'out-parallel'], { cwd: repo, encoding: 'utf8' });
      if (diff.status !== 0) problems.push(`${size}: parallel output differs from the single-process output:\n${diff.stdout}`);
      const stacksDiff = unshortened ? spawnSync('diff', ['-r', '-q', 'out-single', 'out-unshortened'], { cwd: repo, encoding: 'utf8' }) : undefined;
      if (stacksDiff && stacksDiff.status !== 0) problems.push(`${size}: the CDKTF shortcuts changed the output:\n${stacksDiff.stdout}`);

      row(size, 'synthesis filling the cache', lz(repo, [...noHistory, 'synth', '--out', 'out-cached']), single);
      const changed = generatedManifest(Math.floor(size * 0.8), 'L2');
      writeManifest(repo, { ...changed, displayName: `${String(changed.displayName)} (renamed)` });
      const cached = lz(repo, [...noHistory, 'synth', '--out', 'out-cached']);
      row(size, 'synthesis after one changed manifest, cache warm', cached, single);
      // An L2 tenant has two stacks (account and tenant); both read its manifest.
      if (!/from the cache, 2 synthesized/.test(cached.out)) problems.push(`${size}: the one-manifest change did not synthesize exactly that tenant's two stacks: ${cached.out.trim().split('\n').pop()}`);
      row(size, `synth --tenant ${String(changed.id)}, cache warm`, lz(repo, [...noHistory, 'synth', '--tenant', String(changed.id), '--out', 'out-tenant']), single);

      const changedAffected = lz(repo, ['affected', '--format', 'json']);
      row(size, 'affected, one changed manifest', changedAffected, single);
      const wantChanged = [`tenant-${String(changed.id)} (changed)`];
      if (JSON.stringify(affectedStacks(changedAffected)) !== JSON.stringify(wantChanged)) problems.push(`${size}: affected reported ${affectedStacks(changedAffected).join(', ')}, expected ${wantChanged.join(', ')}`);
      bench.git('checkout', '-q', '--', 'tenants');
      const added = generatedManifest(size, 'L2');
      writeManifest(repo, added);
      const addedAffected = lz(repo, ['affected', '--format', 'json']);
      row(size, 'affected, one added manifest', addedAffected, single);
      const wantAdded = [`account-${String(added.id)} (added)`, `tenant-${String(added.id)} (added)`];
      if (JSON.stringify(affectedStacks(addedAffected)) !== JSON.stringify(wantAdded)) problems.push(`${size}: affected reported ${affectedStacks(addedAffected).join(', ')}, expected ${wantAdded.join(', ')}`);
    } finally {
      bench.remove();
    }
  }
  for (const p of problems) console.error(`✗ ${p}`);
  if (problems.length > 0) process.exitCode = 1;
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
