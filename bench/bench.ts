import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTenantSet } from './tenant-set';

/**
 * `npm run bench`: validate and synth time and peak memory for generated tenant sets
 * (700 L1 / 200 L2 / 100 L3 per 1,000), then `tf-validate` time (terraform validate of every
 * stack with the real provider from the local mirror) when Terraform and a mirror are there.
 * Each figure comes from a fresh process. Sizes can be given as arguments:
 * `npm run bench -- 100 1000 2000`.
 */
const root = path.resolve(__dirname, '..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-bench-'));

function measure(op: string, tenantsDir: string): Record<string, number | string> {
  const stdout = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'measure.ts'), op, path.join(root, 'landing-zone.yaml'), tenantsDir, path.join(work, `out-${op}`)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TS_NODE_SWC: 'true' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | string>;
}

try {
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log('tenants  stacks  resources  validate   synth      peak RSS (validate / synth)');
  const tfValidate: string[] = [];
  for (const n of sizes.length ? sizes : [100, 1000]) {
    const dir = path.join(work, `tenants-${n}`);
    writeTenantSet(dir, n);
    const v = measure('validate', dir);
    const s = measure('synth', dir);
    console.log(
      `${String(n).padEnd(7)}  ${String(s.stacks).padEnd(6)}  ${String(s.resources).padEnd(9)}  ${`${(Number(v.validateMs) / 1000).toFixed(2)} s`.padEnd(9)}  ${`${(Number(s.synthMs) / 1000).toFixed(2)} s`.padEnd(9)}  ${v.maxRssMb} MB / ${s.maxRssMb} MB`,
    );
    const t = measure('tf-validate', dir);
    tfValidate.push(t.skipped ? `${n} tenants: skipped (${t.skipped})` : `${n} tenants: ${t.stacks} stacks, ${t.valid} valid, ${(Number(t.tfValidateMs) / 1000).toFixed(1)} s in ${t.batches} Terraform run${t.batches === 1 ? '' : 's'} (peak RSS of lz ${t.maxRssMb} MB)`);
  }
  console.log('\ntf-validate (terraform validate of every stack, real provider, offline; batches of 400 stacks, 2 at a time)');
  for (const line of tfValidate) console.log(`  ${line}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
