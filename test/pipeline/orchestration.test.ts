import * as fs from 'fs';
import * as path from 'path';
import { PipelineReport, StackReport } from '../../pipeline/report';
import { lz } from '../helpers/cli';
import { Fixture, l1, l2, l3 } from '../helpers/fixture';
import { tempDir } from '../helpers/temp';
import { commitAll, fakeTerraform, FakeScenario, fixtureArgs, gitFixture, intervals, planFixture } from './helpers';

/**
 * Plan and apply orchestration against a fake terraform that records its calls and replays
 * plan documents: creates, updates, both kinds of replace, deletes, no-ops, an import, a
 * failing plan and a plan that hangs past the time limit.
 */
const offboarded = l1('old', {
  status: 'offboarding',
  offboarding: { requestedOn: '2026-01-05', retentionDays: 30 },
  acknowledgements: { dataDestruction: { reason: 'Contract ended and the retention period is over', approvedBy: ['@acme/legal'] } },
});

let fx: Fixture;

beforeAll(async () => {
  fx = gitFixture({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'bank.yaml': l3('bank', { changeApprovers: ['@bank/cab', '@jane'] }), 'old.yaml': offboarded });
  fx.write('delta.yaml', l2('delta'));
  commitAll(fx.root, 'add tenant delta');
  // Synthesize base (HEAD~1) and head once; every command below reuses them.
  const r = await lz([...fixtureArgs(fx), '--base', 'HEAD~1', 'affected', '--format', 'json'], fx.root);
  expect(r.stderr).toMatch(/compared \d+ stacks with HEAD~1/);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).stacks.map((s: { name: string; change: string }) => [s.name, s.change])).toEqual([
    ['account-delta', 'added'],
    ['tenant-delta', 'added'],
  ]);
});

afterAll(() => fx.cleanup());

const base = () => [...fixtureArgs(fx), '--base', 'HEAD~1'];
const byStack = (report: PipelineReport) => Object.fromEntries(report.stacks.map((s) => [s.stack, s])) as Record<string, StackReport>;
const headStackDir = (name: string) => path.join(fx.root, '.lz', 'pipeline', 'head', 'stacks', name);

describe('lz plan with Terraform', () => {
  const scenario: FakeScenario = {
    bootstrap: { plan: { sleepMs: 60_000 } },
    organization: { show: planFixture('create') },
    platform: { show: planFixture('update') },
    'tenant-acme': { show: planFixture('no-op') },
    'account-beta': { show: planFixture('import') },
    'tenant-beta': { show: planFixture('replace-delete-create') },
    'account-bank': { show: planFixture('replace-create-before-destroy') },
    'tenant-bank': { plan: { exit: 1, stderr: 'Error: AccessDenied: not authorized to perform sts:AssumeRole on LandingZoneDeployment' } },
    'tenant-old': { show: planFixture('delete') },
    'account-delta': { show: planFixture('create') },
  };
  const stacks = ['bootstrap', 'organization', 'platform', 'tenant-acme', 'account-beta', 'tenant-beta', 'account-bank', 'tenant-bank', 'tenant-old', 'account-delta', 'tenant-delta'];
  let tf: ReturnType<typeof fakeTerraform>;
  let report: PipelineReport;
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    tf = fakeTerraform(scenario);
    run = await lz(
      [...base(), 'plan', '--stack', ...stacks, '--reuse-synth', '--terraform-bin', tf.bin, '--parallelism', '2', '--timeout', '3s', '--kill-grace', '1s', '--report-json', 'reports/plan.json', '--report-md', 'reports/plan.md', '--lock-timeout', '5m', '--plan-arg=-refresh=true'],
      fx.root,
      tf.env,
    );
    report = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports/plan.json'), 'utf8'));
  }, 60_000);

  test('exit 1: a guard violation, a failed and a timed-out stack; every stack reported in dependency order', () => {
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ plan failed: 1 guard violation, 2 stacks failed or held back/);
    expect(report.mode).toBe('mixed');
    expect(report.terraformVersion).toBe('terraform 1.9.8');
    expect(report.stacks.map((s) => [s.stack, s.status, s.source])).toEqual([
      ['bootstrap', 'timed-out', 'terraform'],
      ['organization', 'planned', 'terraform'],
      ['account-bank', 'planned', 'terraform'],
      ['account-beta', 'planned', 'terraform'],
      ['account-delta', 'planned', 'terraform'],
      ['platform', 'planned', 'terraform'],
      ['tenant-acme', 'no-changes', 'terraform'],
      ['tenant-bank', 'failed', 'terraform'],
      ['tenant-beta', 'planned', 'terraform'],
      ['tenant-delta', 'planned', 'offline'],
      ['tenant-old', 'planned', 'terraform'],
    ]);
  });

  test('counts per stack from the replayed plan documents', () => {
    const s = byStack(report);
    expect(s.organization.counts).toMatchObject({ create: 3, update: 0, delete: 0 });
    expect(s.platform.counts).toMatchObject({ update: 2 });
    expect(s['account-beta'].counts).toMatchObject({ import: 1, create: 0 });
    expect(s['account-bank'].changes).toEqual([expect.objectContaining({ action: 'replace', actions: ['create', 'delete'] })]);
    expect(s['tenant-old'].counts).toMatchObject({ delete: 2 });
  });

  test('guards: a data-bearing replace of an active tenant fails; an acknowledged offboarding passes', () => {
    const s = byStack(report);
    expect(s['tenant-beta'].violations).toEqual([expect.objectContaining({ rule: 'data-destruction', address: 'aws_dynamodb_table.items', message: 'aws_dynamodb_table.items would be replaced (name changed): aws_dynamodb_table holds data' })]);
    expect(s['tenant-old'].violations).toEqual([]);
    expect(report.stacks.flatMap((x) => x.violations).map((v) => v.stack)).toEqual(['tenant-beta']);
  });

  test('the L3 tenant stack is flagged for its approvers (its account stack is the platform\'s); a stack whose dependency is new is planned offline', () => {
    const s = byStack(report);
    expect(s['account-bank'].approval).toBeUndefined();
    expect(s['tenant-delta'].sourceNote).toBe('depends on account-delta, new in this change: Terraform can plan it once that is applied');
    expect(s['tenant-delta'].counts.create).toBeGreaterThan(0);
    const md = fs.readFileSync(path.join(fx.root, 'reports/plan.md'), 'utf8');
    expect(md).toMatch(/\| `tenant-bank` \| @bank\/cab, @jane \| `tenant-bank` \|/);
  });

  test('a failing plan surfaces its stderr; a hanging plan is killed at the time limit', () => {
    const s = byStack(report);
    expect(s['tenant-bank'].error).toMatchObject({ phase: 'plan', exitCode: 1, message: 'terraform plan exited with 1' });
    expect(s['tenant-bank'].error?.output).toContain('AccessDenied: not authorized to perform sts:AssumeRole');
    expect(fs.readFileSync(path.join(fx.root, 'reports/plan.md'), 'utf8')).toContain('Error: AccessDenied: not authorized');
    expect(s.bootstrap.error?.message).toMatch(/time limit of 3 s was reached during terraform plan; it was interrupted \(SIGINT, then SIGKILL after 1 s\)/);
    const hung = intervals(tf.calls(), 'plan').find((i) => i.stack === 'bootstrap')!;
    expect(hung.end).toBe(Infinity);
    const pid = tf.calls().find((c) => c.stack === 'bootstrap' && c.command === 'plan')!.pid;
    expect(() => process.kill(pid, 0)).toThrow();
  });

  test('init, plan -out and show -json per stack in its synthesized directory, with its own data directory', () => {
    const calls = tf.calls().filter((c) => c.phase === 'start' && c.command !== 'version');
    const planned = stacks.filter((n) => n !== 'tenant-delta');
    for (const name of planned) {
      const mine = calls.filter((c) => c.stack === name);
      expect(mine.map((c) => c.command)).toEqual(name === 'bootstrap' ? ['init', 'plan'] : name === 'tenant-bank' ? ['init', 'plan'] : ['init', 'plan', 'show']);
      for (const c of mine) {
        expect(c.cwd).toBe(fs.realpathSync(headStackDir(name)));
        expect(c.env.TF_DATA_DIR).toBe(path.join(fx.root, '.lz', 'pipeline', 'terraform', name, '.terraform'));
        expect(c.env).toMatchObject({ TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true' });
      }
      const plan = mine.find((c) => c.command === 'plan')!;
      // the read-only plan role for every identity variable the stack declares (an L3 tenant stack: two)
      const vars = ['-var=lz_role_name=LandingZonePlan', ...(name === 'tenant-bank' ? ['-var=lz_platform_role_name=LandingZonePlan'] : [])];
      expect(plan.args).toEqual(['plan', '-input=false', '-no-color', `-out=${path.join(fx.root, '.lz', 'pipeline', 'terraform', name, 'plan.tfplan')}`, '-lock-timeout=300s', ...vars, '-refresh=true']);
    }
    expect(calls.some((c) => c.stack === 'tenant-delta')).toBe(false);
    expect(new Set(calls.map((c) => c.env.TF_PLUGIN_CACHE_DIR))).toEqual(new Set([path.join(fx.root, '.lz', 'pipeline', 'plugin-cache')]));
  });

  test('the plugin cache is filled by one init before the others run; at most --parallelism plans at a time', () => {
    const inits = intervals(tf.calls(), 'init').sort((a, b) => a.start - b.start);
    expect(inits.every((i) => i.exit === 0)).toBe(true);
    const [first, ...rest] = inits;
    expect(rest.every((i) => i.start >= first.end)).toBe(true);
    // The hung plan never ends by itself: it holds its slot until the stack's time limit (3 s from its init).
    const killedAt = intervals(tf.calls(), 'init').find((i) => i.stack === 'bootstrap')!.start + 3000;
    const plans = intervals(tf.calls(), 'plan').map((p) => (p.end === Infinity ? { ...p, end: killedAt } : p));
    const overlap = Math.max(...plans.map((p) => plans.filter((q) => q.start <= p.start && p.start < q.end).length));
    expect(overlap).toBeLessThanOrEqual(2);
    expect(overlap).toBe(2);
  });
});

describe('lz plan: choosing Terraform or offline', () => {
  test('without a Terraform binary, or with --offline, the plan is the offline diff in the same report', async () => {
    const r = await lz([...base(), 'plan', '--reuse-synth', '--format', 'json', '--terraform-bin', path.join(fx.root, 'no-such-terraform')], fx.root, { PATH: process.env.PATH });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PipelineReport;
    expect(report.mode).toBe('offline');
    expect(report.modeReason).toMatch(/no Terraform binary: ".*no-such-terraform" is not an executable file/);
    expect(report.stacks.map((s) => [s.stack, s.change, s.status])).toEqual([
      ['account-delta', 'added', 'planned'],
      ['tenant-delta', 'added', 'planned'],
    ]);
    expect(report.stacks[0].changes.every((c) => c.action === 'create')).toBe(true);
    const tf = fakeTerraform({});
    const offline = await lz([...base(), 'plan', '--reuse-synth', '--offline', '--format', 'json', '--terraform-bin', tf.bin], fx.root, tf.env);
    expect(JSON.parse(offline.stdout).modeReason).toBe('--offline');
    expect(tf.calls()).toEqual([]);
  });

  test('without credentials the plan is offline; --online refuses to fall back', async () => {
    const tf = fakeTerraform({});
    const env = { PATH: process.env.PATH, HOME: tf.dir, FAKE_TF_LOG: tf.env.FAKE_TF_LOG, FAKE_TF_SCENARIO: tf.env.FAKE_TF_SCENARIO };
    const r = await lz([...base(), 'plan', '--reuse-synth', '--format', 'json', '--terraform-bin', tf.bin], fx.root, env);
    expect(JSON.parse(r.stdout).modeReason).toMatch(/no AWS credentials found/);
    const online = await lz([...base(), 'plan', '--reuse-synth', '--online', '--terraform-bin', 'not-on-path-terraform'], fx.root, env);
    expect(online.code).toBe(1);
    expect(online.stderr).toMatch(/--online: no Terraform binary: "not-on-path-terraform" is not on PATH \(set --terraform-bin or LZ_TERRAFORM_BIN, e.g. to tofu\)/);
  });

  test('usage mistakes: exit 2 with what would be valid', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['plan', '--offline', '--online'], /--offline and --online exclude each other/],
      [['plan', '--timeout', 'soon'], /--timeout: expected a duration such as 90s, 30m or 1h/],
      [['plan', '--parallelism', '0'], /--parallelism: expected a whole number from 1 to 64, got "0"/],
      [['plan', '--affected', '--stack', 'platform'], /--affected and --stack exclude each other/],
      [['affected', '--max-jobs', '300'], /--max-jobs: expected a whole number from 1 to 256/],
    ];
    for (const [args, message] of cases) {
      const r = await lz([...base(), ...args, ...(args[0] === 'plan' ? ['--reuse-synth'] : [])], fx.root, { PATH: process.env.PATH });
      expect([args.join(' '), r.code, r.stderr]).toEqual([args.join(' '), 2, expect.stringMatching(message)]);
    }
    const unknown = await lz([...base(), 'plan', '--reuse-synth', '--stack', 'tenant-nope'], fx.root, { PATH: process.env.PATH });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown stack: tenant-nope \(known: bootstrap, organization, /);
  });
});

describe('lz apply', () => {
  const ok: FakeScenario = { '*': { show: planFixture('update') }, 'tenant-acme': { show: planFixture('no-op') } };

  test('dependency order; a failed dependency stops its dependants; L3 stacks wait outside their environment', async () => {
    const tf = fakeTerraform({ ...ok, platform: { show: planFixture('update'), apply: { exit: 1, stderr: 'Error: creating API Gateway: TooManyRequestsException' } } });
    const r = await lz(
      [...base(), 'apply', '--reuse-synth', '--stack', 'organization', 'platform', 'account-beta', 'tenant-beta', 'tenant-acme', 'account-bank', 'tenant-bank', '--terraform-bin', tf.bin, '--report-json', 'reports/apply.json', '--format', 'text'],
      fx.root,
      tf.env,
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports/apply.json'), 'utf8')) as PipelineReport;
    expect(report.stacks.map((s) => [s.stack, s.status, ...(s.blockedBy ? [s.blockedBy] : [])])).toEqual([
      ['organization', 'applied'],
      ['account-bank', 'applied'],
      ['account-beta', 'applied'],
      ['platform', 'failed'],
      ['tenant-acme', 'blocked', ['platform']],
      ['tenant-bank', 'not-approved'],
      ['tenant-beta', 'blocked', ['platform']],
    ]);
    expect(byStack(report).platform.error).toMatchObject({ phase: 'apply', exitCode: 1, output: expect.stringContaining('TooManyRequestsException') });
    expect(byStack(report)['tenant-bank'].violations[0].message).toBe('tenant-bank needs approval by @bank/cab, @jane: this run is in no deployment environment, not tenant-bank');
    expect(r.stdout).toMatch(/tenant-acme: not run, platform did not succeed/);
    const calls = tf.calls();
    const applies = intervals(calls, 'apply');
    expect(applies.map((a) => a.stack).sort()).toEqual(['account-bank', 'account-beta', 'organization', 'platform']);
    const orgApplied = applies.find((a) => a.stack === 'organization')!.end;
    for (const dependant of ['platform', 'account-beta', 'account-bank']) expect(intervals(calls, 'plan').find((p) => p.stack === dependant)!.start).toBeGreaterThanOrEqual(orgApplied);
    expect(calls.some((c) => c.stack === 'tenant-bank' || c.stack === 'tenant-acme' || c.stack === 'tenant-beta')).toBe(false);
    expect(calls.find((c) => c.command === 'apply')!.args).toEqual(['apply', '-input=false', '-no-color', '-lock-timeout=600s', path.join(fx.root, '.lz', 'pipeline', 'terraform', 'organization', 'plan.tfplan')]);
    // apply plans as the roles that apply: no identity variable is set
    expect(calls.filter((c) => c.command === 'plan').every((c) => c.args.includes('-lock-timeout=600s') && !c.args.some((a) => a.startsWith('-var=')))).toBe(true);
  });

  test("inside its approval environment a job applies the stacks that environment gates and leaves the rest; a guard refuses a destructive plan", async () => {
    const tf = fakeTerraform(ok);
    const r = await lz([...base(), 'apply', '--reuse-synth', '--tenant', 'bank', '--stack', 'account-bank', 'tenant-bank', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, { ...tf.env, LZ_DEPLOYMENT_ENVIRONMENT: 'tenant-bank' });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PipelineReport).stacks.map((s) => [s.stack, s.status])).toEqual([['tenant-bank', 'applied']]);
    expect(r.stderr).toContain('in environment tenant-bank: account-bank left to the job that applies it');
    expect(intervals(tf.calls(), 'apply').map((a) => a.stack)).toEqual(['tenant-bank']);

    const destructive = fakeTerraform({ 'tenant-beta': { show: planFixture('delete') } });
    const refused = await lz([...base(), 'apply', '--reuse-synth', '--stack', 'tenant-beta', '--terraform-bin', destructive.bin, '--format', 'json'], fx.root, destructive.env);
    expect(refused.code).toBe(1);
    const s = (JSON.parse(refused.stdout) as PipelineReport).stacks[0];
    expect([s.status, s.violations.map((v) => v.address)]).toEqual(['refused', ['aws_s3_bucket.data']]);
    expect(intervals(destructive.calls(), 'apply')).toEqual([]);
  });

  test('--without-approval defers L3 stacks; --after makes a later job wait for the dependencies an earlier job applied', async () => {
    const tf = fakeTerraform(ok);
    const first = await lz([...base(), 'apply', '--reuse-synth', '--without-approval', '--stack', 'account-delta', 'account-bank', 'tenant-bank', '--terraform-bin', tf.bin, '--report-json', 'reports/first.json'], fx.root, tf.env);
    expect(first.code).toBe(0);
    const firstReport = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports/first.json'), 'utf8')) as PipelineReport;
    expect(firstReport.stacks.map((s) => [s.stack, s.status])).toEqual([
      ['account-bank', 'applied'],
      ['account-delta', 'applied'],
      ['tenant-bank', 'deferred'],
    ]);
    // tenant-delta depends on account-delta, which the change adds: without the first job's report it is blocked.
    const blocked = await lz([...base(), 'apply', '--reuse-synth', '--stack', 'tenant-delta', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
    expect(blocked.code).toBe(1);
    expect((JSON.parse(blocked.stdout) as PipelineReport).stacks[0]).toMatchObject({ status: 'blocked', blockedBy: ['account-delta'], error: { message: 'affected dependency account-delta (no report from an earlier job) not applied in this run' } });
    const after = await lz([...base(), 'apply', '--reuse-synth', '--stack', 'tenant-delta', '--after', 'reports/first.json', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as PipelineReport).stacks[0].status).toBe('applied');
  });

  test('apply needs a Terraform binary', async () => {
    const r = await lz([...base(), 'apply', '--reuse-synth', '--terraform-bin', 'no-terraform-here'], fx.root, { PATH: process.env.PATH });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lz apply needs Terraform: no Terraform binary: "no-terraform-here" is not on PATH/);
  });
});

describe('lz plan reads plan documents fail-closed', () => {
  test('a delete of a KMS key under mode "MANAGED" fails its stack as unrecognized; a pre-1.0 plan fails its stack naming the Terraform needed; the others are planned', async () => {
    // Outside the checkout: --reuse-synth refuses a working tree with changes.
    const dir = tempDir('lz-odd-plans-');
    const managedUpper = path.join(dir, 'managed-upper.json');
    fs.writeFileSync(managedUpper, JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'aws_kms_key.data', mode: 'MANAGED', type: 'aws_kms_key', change: { actions: ['delete'], before: {}, after: null } }] }));
    const old = path.join(dir, 'old-format.json');
    fs.writeFileSync(old, JSON.stringify({ format_version: '0.2', terraform_version: '1.0.11', resource_changes: [] }));
    const tf = fakeTerraform({ 'tenant-acme': { show: managedUpper }, 'tenant-beta': { show: old }, organization: { show: planFixture('create') } });
    const r = await lz([...base(), 'plan', '--stack', 'organization', 'tenant-acme', 'tenant-beta', '--reuse-synth', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('plan failed')]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const s = byStack(JSON.parse(r.stdout) as PipelineReport);
    expect(s.organization).toMatchObject({ status: 'planned', violations: [] });
    expect(s['tenant-acme'].violations).toEqual([expect.objectContaining({ rule: 'unrecognized-plan', address: 'aws_kms_key.data', message: expect.stringContaining('"MANAGED" is neither "managed" nor "data"') })]);
    expect(s['tenant-beta']).toMatchObject({ status: 'failed', error: { phase: 'read-plan', message: expect.stringMatching(/format_version 0\.2 is older than 1\.0: .*Terraform 1\.1 or later/) } });
  });
});
