import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { runAudit } from '../audit/run';
import { tenantJsonSchema } from '../model/json-schema';
import { tenantStacks } from '../model/inventory';
import { validateLandingZone } from '../model/validate';
import { lz } from './helpers/cli';
import { EXAMPLE_SETTINGS, REPO_ROOT } from './helpers/fixture';
import { checkIsolation } from './helpers/isolation';
import { synthTo, tempDir } from './helpers/synth';

/**
 * The one test that reads the live `tenants/` folder. It holds for ANY set of tenants (any
 * number, any mix of tiers, statuses and BYOK modes): whatever an onboarding pull request adds
 * must validate, synthesize, keep the isolation contract, pass the audit of the desired state
 * and have its approvers in CODEOWNERS. It asserts nothing about which tenants there are.
 * (test/onboarding.test.ts runs it on a copy of the repository with new tenants added.)
 */
const LIVE_TENANTS = path.join(REPO_ROOT, 'tenants');
const validation = validateLandingZone({ settingsFile: EXAMPLE_SETTINGS, tenantsDir: LIVE_TENANTS, baseRef: false, cwd: REPO_ROOT });
const landingZone = validation.landingZone;
const manifests = fs.readdirSync(LIVE_TENANTS).filter((f) => /\.ya?ml$/i.test(f));

describe('whatever is in tenants/', () => {
  test('validates: no error in the settings or any manifest', () => {
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(landingZone?.tenants.length).toBe(manifests.length);
  });

  test('every manifest passes the editor schema and points editors at it', () => {
    const validateTenant = new Ajv({ allErrors: true, strict: false }).compile(tenantJsonSchema());
    for (const f of manifests) {
      const text = fs.readFileSync(path.join(LIVE_TENANTS, f), 'utf8');
      expect([f, text.split('\n')[0], validateTenant(parse(text)), validateTenant.errors]).toEqual([f, '# yaml-language-server: $schema=./tenant.schema.json', true, null]);
    }
  });

  describe('synthesized', () => {
    const result = landingZone && synthTo(landingZone);

    test("every tenant's stacks are synthesized", () => {
      const names = new Set(result!.stacks.map((s) => s.spec.name));
      for (const t of landingZone!.tenants) for (const spec of tenantStacks(t.profile)) expect([t.manifest.id, spec.name, names.has(spec.name)]).toEqual([t.manifest.id, spec.name, true]);
    });

    test('keep the isolation contract (IAM simulation of the synthesized policies, event routing)', async () => {
      const outcome = await checkIsolation(landingZone!, result!);
      expect(outcome.violations).toEqual([]);
      expect(outcome.checked).toBeGreaterThan(landingZone!.tenants.length);
    });

    test('pass the audit of the desired state; the only findings are the BYOK-pending states the profile names', async () => {
      const run = await runAudit(landingZone!, { evidence: { kind: 'desired', synthesized: result!.outdir }, formats: ['json'], outDir: tempDir(), failOn: 'low', generatedAt: '2026-01-01T00:00:00.000Z' });
      const pending = new Set(landingZone!.tenants.filter((t) => t.profile.byok.state === 'pending').map((t) => t.manifest.id));
      const unexpected = run.report.tenants.flatMap((a) =>
        a.results.filter((r) => (r.status === 'fail' || r.status === 'error') && !(pending.has(a.tenantId) && ['byok', 'data-encryption'].includes(r.ruleId) && /BYOK is not in effect/.test(r.message))).map((r) => `${a.tenantId} ${r.ruleId} ${r.status}: ${r.message}`),
      );
      expect(unexpected).toEqual([]);
      expect(run.report.totals.tenants).toBe(landingZone!.tenants.length);
    });
  });

  test('the L3 approvers are in .github/CODEOWNERS (`lz codeowners --check`, as CI runs it)', async () => {
    const r = await lz(['--no-history', 'codeowners', '--check'], REPO_ROOT);
    expect([r.code, r.stdout.trim()]).toEqual([0, '✓ .github/CODEOWNERS is up to date']);
  });
});
