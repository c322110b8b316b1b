import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { validateLandingZone } from '../model/validate';
import { runAudit } from '../audit/run';

/**
 * One measured audit in a fresh process: validation, reading every tenant's state files,
 * all rules, all five reports. Prints one JSON line.
 */
const [settingsFile, tenantsDir, stateDir] = process.argv.slice(2);
const lz = validateLandingZone({ settingsFile, tenantsDir, baseRef: false }).landingZone;
if (!lz) throw new Error('generated tenant set is not valid');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-audit-out-'));
const t0 = process.hrtime.bigint();
runAudit(lz, { evidence: { kind: 'state-dir', dir: path.resolve(stateDir) }, formats: ['md', 'json', 'junit', 'html', 'sarif'], outDir: out, failOn: 'low', generatedAt: new Date().toISOString() }).then((run) => {
  const ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
  const bytes = Object.fromEntries(run.files.map((f) => [path.basename(f), fs.statSync(f).size]));
  console.log(JSON.stringify({ tenants: run.report.totals.tenants, results: run.report.tenants.reduce((n, t) => n + t.results.length, 0), findings: run.findings, auditMs: ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), bytes }));
  fs.rmSync(out, { recursive: true, force: true });
});
