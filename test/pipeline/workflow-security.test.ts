import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { GITHUB_OIDC } from '../../contract/pipeline-identities';
import { stackInventory } from '../../model/inventory';
import { approvalEnvironmentName } from '../../model/profile';
import { approvalMatrix } from '../../pipeline/affected';
import { DEPLOYMENT_ENVIRONMENT_VARIABLE } from '../../pipeline/guards';
import { policiesOf } from '../helpers/iam';
import { errorsOf, EXAMPLE_SETTINGS, l1, l2, l3, makeFixture, REPO_ROOT } from '../helpers/fixture';
import { stackJson, synthTo, tempDir } from '../helpers/synth';

/**
 * The security properties of the workflows, read from the files and checked against the trust
 * policies the landing zone synthesizes: which AWS roles each job could sign in to (from the
 * OIDC `sub` GitHub gives it), that no job running pull-request code reaches an apply role,
 * that every L3 job sits in its tenant's environment, and that no concurrency setting can drop
 * a merge. The drift workflow's issue step runs against a fake `gh`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const DIR = path.join(REPO_ROOT, '.github', 'workflows');
const workflows: Record<string, Any> = Object.fromEntries(
  fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f, parse(fs.readFileSync(path.join(DIR, f), 'utf8'))]),
);
const text = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const triggers = (wf: Any): string[] => (typeof wf.on === 'string' ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on));
const runs = (job: Any): string => (job.steps ?? []).map((s: Any) => s.run ?? '').join('\n');
const roleOf = (job: Any): string | undefined => (job.steps ?? []).find((s: Any) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials'))?.with?.['role-to-assume'];

// The identities as a landing zone with L3 tenants synthesizes them, for the repository of landing-zone.yaml.
const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'bank.yaml': l3('bank'), 'bank-corp.yaml': l3('bank-corp') } });
const validated = fx.validate();
if (!validated.landingZone) throw new Error(`fixture invalid: ${JSON.stringify(errorsOf(validated))}`);
const lz = validated.landingZone;
const result = synthTo(lz);
afterAll(() => fx.cleanup());
const { repository, branch } = lz.settings.pipeline;

/** Every role GitHub signs in to, with the `sub` values its trust accepts. */
const githubRoles: Array<{ name: string; subjects: string[] }> = result.stacks.flatMap((s) =>
  policiesOf(stackJson(result, s.spec.name))
    .filter((p) => p.attribute === 'assume_role_policy')
    .flatMap((p) =>
      p.document.Statement.filter((st: Any) => st.Principal?.Federated).map((st: Any) => ({ name: p.name!, subjects: [st.Condition.StringEquals[`${GITHUB_OIDC.host}:sub`]].flat() as string[] })),
    ),
);

/**
 * The `sub` GitHub puts in a job's token: its environment if it has one (a matrix of
 * environments: every L3 tenant's), else the pull request, or the branch of a push, schedule or
 * dispatch (which run on the default branch).
 */
function subjectsOf(wf: Any, job: Any): string[] {
  if (job.environment !== undefined) {
    const env = typeof job.environment === 'string' ? job.environment : job.environment.name;
    if (env === '${{ matrix.environment }}') return lz.tenants.filter((t) => t.profile.approval).map((t) => `repo:${repository}:environment:${t.profile.approval!.environment}`);
    return [`repo:${repository}:environment:${env}`];
  }
  return triggers(wf).map((t) => (t === 'pull_request' ? `repo:${repository}:pull_request` : `repo:${repository}:ref:refs/heads/${branch}`));
}
const reachable = (subjects: string[]) => githubRoles.filter((r) => r.subjects.some((s) => subjects.includes(s))).map((r) => r.name).sort();

describe('which role each job can reach', () => {
  test('the roles GitHub signs in to: the plan role, the apply role and one apply role per L3 tenant', () => {
    expect(githubRoles.map((r) => r.name).sort()).toEqual(['LandingZonePipeline', 'LandingZonePipelinePlan', 'kpz-bank-corp-pipeline-apply', 'kpz-bank-pipeline-apply']);
  });

  test('no job that runs pull-request code can reach an apply role', () => {
    const prWorkflows = Object.entries(workflows).filter(([, wf]) => triggers(wf).some((t) => t.startsWith('pull_request')));
    expect(prWorkflows.map(([f]) => f)).toEqual(['pull-request.yml']);
    for (const [f, wf] of prWorkflows) {
      for (const [name, job] of Object.entries<Any>(wf.jobs)) {
        // an environment could hand a pull request an environment's variables and its role
        expect([f, name, job.environment]).toEqual([f, name, undefined]);
        expect([f, name, reachable(subjectsOf(wf, job))]).toEqual([f, name, ['LandingZonePipelinePlan']]);
        if (roleOf(job)) expect([f, name, roleOf(job)]).toEqual([f, name, '${{ vars.LZ_PLAN_ROLE_ARN }}']);
      }
    }
  });

  test('no workflow runs with the base branch identity on behalf of a pull request or another workflow', () => {
    for (const [f, wf] of Object.entries(workflows)) expect([f, triggers(wf).filter((t) => ['pull_request_target', 'workflow_run', 'issue_comment'].includes(t))]).toEqual([f, []]);
  });

  test('main-branch jobs without an environment reach the apply and plan roles, never a tenant role; an L3 environment reaches only its tenant', () => {
    expect(reachable([`repo:${repository}:ref:refs/heads/${branch}`])).toEqual(['LandingZonePipeline', 'LandingZonePipelinePlan']);
    for (const t of ['bank', 'bank-corp']) expect(reachable([`repo:${repository}:environment:${approvalEnvironmentName(t)}`])).toEqual([`kpz-${t}-pipeline-apply`]);
  });

  test('only the apply job of the main workflow asks for the apply role; drift and the affected step read with the plan role', () => {
    const asking = Object.entries(workflows).flatMap(([f, wf]) => Object.entries<Any>(wf.jobs).filter(([, j]) => roleOf(j) === '${{ vars.LZ_APPLY_ROLE_ARN }}').map(([n]) => `${f}:${n}`));
    expect(asking).toEqual(['apply.yml:apply', 'apply.yml:apply-approved', 'apply.yml:migrate-approved']);
    // The tier moves after the L3 jobs use the shared apply role (the migration role trusts only it), never a tenant's environment.
    expect(workflows['apply.yml'].jobs['migrate-approved'].environment).toBeUndefined();
    expect(roleOf(workflows['apply.yml'].jobs.affected)).toBe('${{ vars.LZ_PLAN_ROLE_ARN }}');
    expect(roleOf(workflows['drift.yml'].jobs.drift)).toBe('${{ vars.LZ_PLAN_ROLE_ARN }}');
  });
});

describe('every L3 job sits in its tenant environment', () => {
  const wf = workflows['apply.yml'];
  const applying = Object.entries<Any>(wf.jobs).filter(([, j]) => /lz -- apply /.test(runs(j)));

  test('a job that applies either leaves L3 stacks to their environments, or runs in a tenant environment and applies that tenant only', () => {
    expect(applying.map(([n]) => n)).toEqual(['apply', 'apply-approved']);
    for (const [name, job] of applying) {
      if (job.environment === undefined) {
        expect([name, runs(job)]).toEqual([name, expect.stringContaining('--without-approval')]);
        continue;
      }
      expect([name, job.environment]).toEqual([name, '${{ matrix.environment }}']);
      expect(job.strategy.matrix).toBe('${{ fromJSON(needs.affected.outputs.approval-matrix) }}');
      expect(job.env).toMatchObject({ TENANT: '${{ matrix.tenant }}', [DEPLOYMENT_ENVIRONMENT_VARIABLE]: '${{ vars.LZ_ENVIRONMENT }}' });
      expect(runs(job)).toMatch(/lz -- apply [^\n]*--tenant "\$TENANT"/);
      expect(runs(job)).not.toContain('--without-approval');
    }
  });

  test("the approval matrix puts each L3 tenant's stacks in that tenant's environment, and nothing else there", () => {
    const specs = stackInventory(lz.tenants.map((t) => t.profile));
    const matrix = approvalMatrix({ stacks: specs.map((spec) => ({ spec, change: 'changed', resources: 1 })), unchanged: 0, headStacks: specs.length });
    expect(matrix.include).toEqual([
      { tenant: 'bank', environment: 'tenant-bank', stacks: 'tenant-bank' },
      { tenant: 'bank-corp', environment: 'tenant-bank-corp', stacks: 'tenant-bank-corp' },
    ]);
  });
});

describe('concurrency cannot drop a merge', () => {
  const wf = workflows['apply.yml'];

  test('no workflow-wide group (an approval wait would hold every later merge); each applying job has its own, never cancelling a running apply', () => {
    expect(wf.concurrency).toBeUndefined();
    expect(wf.jobs.apply.concurrency).toEqual({ group: 'lz-apply-shared', 'cancel-in-progress': false });
    expect(wf.jobs['apply-approved'].concurrency).toEqual({ group: 'lz-apply-${{ matrix.environment }}', 'cancel-in-progress': false });
  });

  test('what to apply comes from the applied markers, read by each job when it starts; never from the commit before the push', () => {
    for (const f of Object.keys(workflows)) expect([f, text(f)]).toEqual([f, expect.not.stringContaining('event.before')]);
    for (const line of runs(wf.jobs.affected).split('\n').filter((l) => /lz -- (affected|apply)/.test(l))) expect(line).toContain('--since-applied');
    for (const job of ['apply', 'apply-approved']) {
      const lines = runs(wf.jobs[job]).split('\n').filter((l) => /lz -- apply/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/--since-applied/);
      expect(lines[0]).not.toMatch(/--affected|--base|--stack|--after/);
    }
  });
});

describe('drift workflow', () => {
  const wf = workflows['drift.yml'];
  const step = (id: string) => wf.jobs.drift.steps.find((s: Any) => s.id === id);

  test('scheduled; plans for drift and audits live with the read-only roles; may write issues, nothing else', () => {
    expect(triggers(wf).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.jobs.drift.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    expect(step('drift').run).toMatch(/lz -- drift --report-json reports\/drift.json --report-md reports\/drift.md/);
    expect(step('audit').run).toMatch(/lz -- audit --from-s3 --live --live-role "\$LZ_PLAN_ROLE_NAME"/);
    const settings = parse(fs.readFileSync(EXAMPLE_SETTINGS, 'utf8'));
    expect(wf.env.LZ_PLAN_ROLE_NAME).toBe(settings.roles.plan);
    expect(text('drift.yml')).not.toMatch(/lz -- (apply|plan) /);
  });

  /** Runs the issue step as GitHub would (bash -eo pipefail) with a fake gh that logs its calls. */
  function issueStep(driftExit: string, auditExit: string, openIssue: string): { code: number | null; calls: string[]; body?: string; output: string } {
    const dir = tempDir('lz-drift-issue-');
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'reports', 'drift.md'), '## ❌ Landing zone drift: 1 stack drifted in 1 tenant\n');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'gh.log');
    fs.writeFileSync(path.join(bin, 'gh'), `#!/bin/bash\nprintf '%s\\n' "$*" >> "${log}"\nif [ "$1 $2" = "issue list" ]; then printf '%s' "$FAKE_OPEN_ISSUE"; fi\n`, { mode: 0o755 });
    const script = path.join(dir, 'step.sh');
    fs.writeFileSync(script, step('issue').run);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, DRIFT_EXIT: driftExit, AUDIT_EXIT: auditExit, RUN_URL: 'https://github.com/o/r/actions/runs/9', FAKE_OPEN_ISSUE: openIssue, GH_TOKEN: 'x' },
    });
    const body = fs.existsSync(path.join(dir, 'issue.md')) ? fs.readFileSync(path.join(dir, 'issue.md'), 'utf8') : undefined;
    return { code: r.status, calls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [], body, output: r.stdout + r.stderr };
  }

  test('step settings: runs after the drift step even when it failed, with the token and both exit codes', () => {
    expect(step('issue')).toMatchObject({ if: "always() && steps.drift.outputs.exit != ''", shell: 'bash', env: { GH_TOKEN: '${{ github.token }}', DRIFT_EXIT: '${{ steps.drift.outputs.exit }}', AUDIT_EXIT: '${{ steps.audit.outputs.exit }}' } });
  });

  test('drift and no open issue: creates the one issue, labelled, with the drift report and the audit verdict', () => {
    const r = issueStep('5', '4', '');
    expect([r.code, r.output]).toEqual([0, '']);
    expect(r.calls).toEqual([
      "issue list --label lz-drift --state open --json number --jq .[0].number // empty",
      'label create lz-drift --color D93F0B --description Landing-zone drift found by the scheduled drift run --force',
      'issue create --title Landing zone drift --label lz-drift --body-file issue.md',
    ]);
    expect(r.body).toBe('## ❌ Landing zone drift: 1 stack drifted in 1 tenant\n\nCompliance audit (`lz audit --from-s3 --live`): found failures (see the audit report of the run). Run: https://github.com/o/r/actions/runs/9\n');
  });

  test('drift and an open issue: updates that issue, creates none', () => {
    const r = issueStep('5', '0', '12');
    expect(r.calls.slice(1)).toEqual(['issue edit 12 --body-file issue.md']);
    expect(r.body).toContain('Compliance audit (`lz audit --from-s3 --live`): passed.');
  });

  test('plans that failed are reported in the issue too (drift cannot be ruled out)', () => {
    expect(issueStep('1', '0', '').calls.slice(-1)).toEqual(['issue create --title Landing zone drift --label lz-drift --body-file issue.md']);
  });

  test('no drift: closes the open issue with a comment; with none open, does nothing', () => {
    expect(issueStep('0', '0', '12').calls.slice(1)).toEqual(['issue close 12 --comment No drift any more: every stack matches its configuration (https://github.com/o/r/actions/runs/9).']);
    expect(issueStep('0', '0', '').calls).toEqual(["issue list --label lz-drift --state open --json number --jq .[0].number // empty"]);
  });
});
