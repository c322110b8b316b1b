import * as fs from 'fs';
import * as path from 'path';
import { AppliedMarker } from '../../pipeline/applied';
import { PipelineReport } from '../../pipeline/report';
import { lz } from '../helpers/cli';
import { Fixture, l1, l2, l3 } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';
import { commitAll, fakeTerraform, FakeScenario, fixtureArgs, git, gitFixture, intervals, planFixture } from './helpers';

/**
 * `lz affected --since-applied` and `lz apply --since-applied` against the fake Terraform, with
 * the markers in a directory laid out like the state bucket (`--markers-dir`): the first run
 * applies everything, the L3 tenant's job applies only its own stack, a later change applies
 * only what changed, a failed apply is retried by the next run, and a tenant job whose
 * dependency is not recorded as applied does not run.
 */
let fx: Fixture;
let markers: string;
const ok: FakeScenario = { '*': { show: planFixture('update') } };
const args = () => [...fixtureArgs(fx), '--markers-dir', markers];
const marker = (key: string) => JSON.parse(fs.readFileSync(path.join(markers, key), 'utf8')) as AppliedMarker;
const head = () => git(fx.root, 'rev-parse', 'HEAD').trim();
const statuses = (r: { stdout: string }) => (JSON.parse(r.stdout) as PipelineReport).stacks.map((s) => [s.stack, s.status]);

beforeAll(() => {
  fx = gitFixture({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'bank.yaml': l3('bank') });
  markers = tempDir('lz-markers-');
});
afterAll(() => fx.cleanup());

describe('applies from the applied markers', () => {
  let first: string;

  test('nothing recorded: every stack is to apply; the shared job applies all but the L3 tenant stack and records each', async () => {
    first = head();
    const out = path.join(tempDir(), 'github-output');
    const affected = await lz(['affected', ...args(), '--since-applied', '--format', 'json', '--github-output', out], fx.root, { PATH: process.env.PATH });
    expect([affected.code, affected.stderr]).toEqual([0, expect.stringContaining('0 of 8 stacks recorded; base HEAD (nothing recorded yet)')]);
    const json = JSON.parse(affected.stdout);
    expect(json.sinceApplied).toBe(true);
    expect(json.stacks.map((s: { name: string; reason: string }) => [s.name, s.reason])).toEqual(
      ['bootstrap', 'organization', 'account-bank', 'account-beta', 'platform', 'tenant-acme', 'tenant-bank', 'tenant-beta'].map((n) => [n, 'no successful apply recorded']),
    );
    expect(fs.readFileSync(out, 'utf8')).toMatch(/approval-count=1\napproval-matrix=\{"include":\[\{"tenant":"bank","environment":"tenant-bank","stacks":"tenant-bank"\}\]\}/);

    const tf = fakeTerraform(ok);
    const shared = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--without-approval', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, { ...tf.env, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'keypiz/lz', GITHUB_RUN_ID: '42' });
    expect(shared.code).toBe(0);
    expect(statuses(shared)).toEqual([
      ['bootstrap', 'applied'],
      ['organization', 'applied'],
      ['account-bank', 'applied'],
      ['account-beta', 'applied'],
      ['platform', 'applied'],
      ['tenant-acme', 'applied'],
      ['tenant-bank', 'deferred'],
      ['tenant-beta', 'applied'],
    ]);
    expect((JSON.parse(shared.stdout) as PipelineReport).stacks[0].reason).toBe('no successful apply recorded');
    expect(marker('tenants/beta/tenant.applied.json')).toEqual({
      formatVersion: 1,
      stack: 'tenant-beta',
      commit: first,
      configDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      run: 'https://github.com/keypiz/lz/actions/runs/42',
    });
    expect(fs.existsSync(path.join(markers, 'tenants/bank/tenant.applied.json'))).toBe(false);
  }, 60_000);

  test("in the tenant's environment, only its gated stack; then nothing is left", async () => {
    const tf = fakeTerraform(ok);
    const env = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--tenant', 'bank', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, { ...tf.env, LZ_DEPLOYMENT_ENVIRONMENT: 'tenant-bank' });
    expect([env.code, statuses(env)]).toEqual([0, [['tenant-bank', 'applied']]]);
    expect(intervals(tf.calls(), 'apply').map((a) => a.stack)).toEqual(['tenant-bank']);
    expect(marker('tenants/bank/tenant.applied.json').commit).toBe(first);
    const left = await lz(['affected', ...args(), '--since-applied', '--reuse-synth'], fx.root, { PATH: process.env.PATH });
    expect(left.stdout).toMatch(/Stacks to apply: 0 not applied as configured \(0 removed\); 8 applied as configured/);
  });

  test('a later change: only its stack, compared with the oldest recorded commit; a failed apply is recorded and retried by the next run', async () => {
    fx.write('beta.yaml', l2('beta', { backup: { schedule: 'cron(0 4 * * ? *)', retentionDays: 35 } }));
    const second = commitAll(fx.root, 'beta backs up at 4');
    const affected = await lz(['affected', ...args(), '--since-applied'], fx.root, { PATH: process.env.PATH });
    expect(affected.stderr).toContain(`8 of 8 stacks recorded; base ${first.slice(0, 12)} (the oldest recorded commit)`);
    expect(affected.stdout).toMatch(new RegExp(`~\\s+tenant-beta\\s+tenant\\s+L2\\s+3\\s+-\\s+changed since ${first.slice(0, 12)}`));
    expect(affected.stdout).toMatch(/Stacks to apply: 1 not applied/);

    const failing = fakeTerraform({ '*': { show: planFixture('update'), apply: { exit: 1, stderr: 'Error: creating Backup Plan: ThrottlingException' } } });
    const failed = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--without-approval', '--terraform-bin', failing.bin, '--format', 'json'], fx.root, failing.env);
    expect([failed.code, statuses(failed)]).toEqual([1, [['tenant-beta', 'failed']]]);
    expect(marker('tenants/beta/tenant.applied.json')).toMatchObject({ commit: first, failed: { commit: second, status: 'failed' } });

    // The next run (nothing new merged): the failed stack again, and only it.
    const tf = fakeTerraform(ok);
    const retried = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--without-approval', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
    expect([retried.code, statuses(retried)]).toEqual([0, [['tenant-beta', 'applied']]]);
    expect((JSON.parse(retried.stdout) as PipelineReport).stacks[0].reason).toBe(`its apply at ${second.slice(0, 12)} failed: applying again`);
    expect(marker('tenants/beta/tenant.applied.json')).toEqual(expect.objectContaining({ commit: second }));
    expect(marker('tenants/beta/tenant.applied.json').failed).toBeUndefined();
  }, 60_000);

  test("an L3 tenant's job does not run while a dependency the shared job failed is not recorded as applied", async () => {
    fx.write('bank.yaml', l3('bank', { tags: { CostCenter: 'cc-77' } }));
    commitAll(fx.root, 'bank cost center');
    const affected = await lz(['affected', ...args(), '--since-applied', '--format', 'json'], fx.root, { PATH: process.env.PATH });
    expect(JSON.parse(affected.stdout).stacks.map((s: { name: string }) => s.name)).toEqual(['account-bank', 'tenant-bank']);
    const tf = fakeTerraform({ '*': { show: planFixture('update') }, 'account-bank': { show: planFixture('update'), apply: { exit: 1, stderr: 'Error: TooManyRequestsException' } } });
    const shared = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--without-approval', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
    expect(statuses(shared)).toEqual([
      ['account-bank', 'failed'],
      ['tenant-bank', 'deferred'],
    ]);
    const envTf = fakeTerraform(ok);
    const env = await lz(['apply', ...args(), '--since-applied', '--reuse-synth', '--tenant', 'bank', '--terraform-bin', envTf.bin, '--format', 'json'], fx.root, { ...envTf.env, LZ_DEPLOYMENT_ENVIRONMENT: 'tenant-bank' });
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('in environment tenant-bank: account-bank left to the job that applies it');
    expect((JSON.parse(env.stdout) as PipelineReport).stacks).toEqual([
      expect.objectContaining({ stack: 'tenant-bank', status: 'blocked', blockedBy: ['account-bank'], error: expect.objectContaining({ message: expect.stringMatching(/^affected dependency account-bank \(its apply at [0-9a-f]{12} failed: applying again\) not applied in this run$/) }) }),
    ]);
    expect(envTf.calls().filter((c) => c.command === 'apply')).toEqual([]);
  }, 60_000);

  test('usage: --since-applied chooses the stacks itself; it records commits, so the checkout must be clean', async () => {
    const both = await lz(['apply', ...args(), '--since-applied', '--stack', 'platform'], fx.root, { PATH: process.env.PATH });
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('--since-applied chooses the stacks from the applied markers: it excludes --stack and --affected')]);
    const lonely = await lz(['apply', ...fixtureArgs(fx), '--markers-dir', markers], fx.root, { PATH: process.env.PATH });
    expect([lonely.code, lonely.stderr]).toEqual([2, expect.stringContaining('--markers-dir goes with --since-applied')]);
    fs.writeFileSync(path.join(fx.root, 'notes.txt'), 'uncommitted');
    const tf = fakeTerraform(ok);
    const dirty = await lz(['apply', ...args(), '--since-applied', '--terraform-bin', tf.bin], fx.root, tf.env);
    expect([dirty.code, dirty.stderr]).toEqual([1, expect.stringContaining('--since-applied records the commit it applies: run it in a clean checkout')]);
    fs.rmSync(path.join(fx.root, 'notes.txt'));
  }, 60_000);
});
