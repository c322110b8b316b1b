import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { cloneWithTenants, sizeArgument } from './clone';
import { generatedManifest } from './tenant-set';

/**
 * `npm run bench:affected [-- SIZE]`: the time of `lz affected` for a change that adds one
 * tenant to a landing zone of SIZE generated tenants (default 1,000), measured as a whole
 * command in a fresh process, on a clone of this working tree whose base revision holds the
 * SIZE tenants (so the base is synthesized by its own code in a git worktree, as in CI).
 * Checks that the change affects exactly the new tenant's account and tenant stacks.
 */
const size = sizeArgument(1000);
const repo = cloneWithTenants('lz-bench-affected-', size);
const { tenants } = repo;

try {
  const added = generatedManifest(size, 'L2');
  fs.writeFileSync(path.join(tenants, `${added.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(added)}`);

  const started = process.hrtime.bigint();
  const r = repo.lz('affected', '--format', 'json');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`lz affected failed:\n${r.stderr}`);
  const doc = JSON.parse(String(r.stdout)) as { summary: { headStacks: number }; stacks: Array<{ name: string; change: string }> };
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
  repo.remove();
}
