import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { BenchClone, cloneWithTenants, sizeArgument } from './clone';
import { generatedManifest, tierFor } from './tenant-set';

/**
 * `npm run bench:output [-- SIZE]`: how much `npm start` (lz run) prints for a landing zone of
 * SIZE generated tenants (default 300), on a clone of this working tree whose last commit holds
 * them: once with nothing changed, once with one tenant edited. Prints lines, the longest line
 * and bytes of its output for each, and the time each run took.
 */
const size = sizeArgument(300);

function run(repo: BenchClone, label: string): void {
  const started = process.hrtime.bigint();
  const r = repo.lz('run');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stdout = String(r.stdout);
  if (r.status !== 0 && r.status !== 4) throw new Error(`lz run failed (exit ${r.status}):\n${String(r.stderr).slice(-4000)}`);
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const longest = Math.max(...lines.map((l) => l.length));
  console.log(`${label}: ${lines.length} lines, longest ${longest} characters, ${Buffer.byteLength(stdout)} bytes on stdout (${String(r.stderr).split('\n').filter(Boolean).length} lines on stderr), exit ${r.status}, ${seconds.toFixed(1)} s`);
}

const repo = cloneWithTenants('lz-bench-output-', size);
try {
  console.log(`node ${process.version}, ${os.cpus().length} cores; npm start (lz run) on ${size} generated tenants`);
  run(repo, 'nothing changed');
  const last = size - 1;
  const edited = generatedManifest(last, tierFor(last, size));
  edited.displayName = 'Renamed tenant';
  fs.writeFileSync(path.join(repo.tenants, `${edited.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(edited)}`);
  run(repo, 'one tenant edited');
} finally {
  repo.remove();
}
