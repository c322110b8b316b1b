import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateLandingZone } from '../model/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';
import { writeStates } from '../test/helpers/state-fixtures';
import { writeTenantSet } from './tenant-set';

/**
 * `npm run bench:audit`: `lz audit --state-dir` over the state files of generated tenant sets
 * (default 1,000 tenants: 700 L1, 200 L2, 100 L3). The state files are what applying the
 * synthesized stacks would leave (test/helpers/apply-simulator.ts); writing them is not timed.
 */
const root = path.resolve(__dirname, '..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-bench-audit-'));
const settingsFile = path.join(root, 'landing-zone.yaml');

try {
  console.log(`node ${process.version}, ${os.cpus().length} cores`);
  console.log('tenants  state files  state size  audit      peak RSS   report sizes');
  for (const n of sizes.length ? sizes : [1000]) {
    const tenantsDir = path.join(work, `tenants-${n}`);
    writeTenantSet(tenantsDir, n);
    const lz = validateLandingZone({ settingsFile, tenantsDir, baseRef: false }).landingZone!;
    const synth = synthesizeLandingZone(lz, { outdir: path.join(work, `out-${n}`) });
    const stateDir = path.join(work, `state-${n}`);
    const files = Object.values(writeStates(lz, synth, stateDir));
    const stateBytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    const stdout = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'audit-measure.ts'), settingsFile, tenantsDir, stateDir], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TS_NODE_SWC: 'true' },
    });
    const m = JSON.parse(stdout.trim().split('\n').pop()!);
    if (m.findings !== 0) throw new Error(`the audit of clean generated state found ${m.findings} findings`);
    const reports = Object.entries(m.bytes as Record<string, number>).map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KiB`).join(', ');
    console.log(`${String(n).padEnd(7)}  ${String(files.length).padEnd(11)}  ${`${(stateBytes / 2 ** 20).toFixed(0)} MiB`.padEnd(10)}  ${`${(m.auditMs / 1000).toFixed(2)} s`.padEnd(9)}  ${`${m.maxRssMb} MB`.padEnd(9)}  ${reports}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
