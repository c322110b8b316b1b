import * as fs from 'fs';
import * as path from 'path';
import { PipelineReport, StackReport } from '../../pipeline/report';
import { lz } from '../helpers/cli';
import { Fixture, l1, l2, l3 } from '../helpers/fixture';
import { fakeTerraform, fixtureArgs, gitFixture, planFixture } from './helpers';

/**
 * `lz drift` against the fake Terraform replaying recorded plans: one with drift (a table's
 * point-in-time recovery switched off, a public access block deleted), one whose only change
 * outside Terraform is an attribute the configuration ignores, and plans without changes.
 */
let fx: Fixture;
beforeAll(() => {
  fx = gitFixture({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'bank.yaml': l3('bank') });
});
afterAll(() => fx.cleanup());

const byStack = (r: PipelineReport) => Object.fromEntries(r.stacks.map((s) => [s.stack, s])) as Record<string, StackReport>;

describe('lz drift', () => {
  let run: { code: number; stdout: string; stderr: string };
  let report: PipelineReport;
  let tf: ReturnType<typeof fakeTerraform>;

  beforeAll(async () => {
    tf = fakeTerraform({ '*': { show: planFixture('no-op') }, platform: { show: planFixture('drift') }, 'tenant-beta': { show: planFixture('drift') }, 'account-beta': { show: planFixture('drift-ignored') } });
    run = await lz([...fixtureArgs(fx), 'drift', '--terraform-bin', tf.bin, '--lock-timeout', '2m', '--report-json', 'reports/drift.json', '--report-md', 'reports/drift.md'], fx.root, tf.env);
    report = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports/drift.json'), 'utf8'));
  }, 60_000);

  test('exit 5 on drift; every stack planned as the read-only plan role with -detailed-exitcode and the lock timeout', () => {
    expect([run.code, run.stderr]).toEqual([5, expect.stringContaining('✗ drift: 2 stacks of shared, beta differ from the configuration')]);
    expect(report.command).toBe('drift');
    expect(report.stacks.map((s) => [s.stack, s.status])).toEqual([
      ['bootstrap', 'no-changes'],
      ['organization', 'no-changes'],
      ['account-bank', 'no-changes'],
      ['account-beta', 'no-changes'],
      ['platform', 'drifted'],
      ['tenant-acme', 'no-changes'],
      ['tenant-bank', 'no-changes'],
      ['tenant-beta', 'drifted'],
    ]);
    const plans = tf.calls().filter((c) => c.phase === 'start' && c.command === 'plan');
    expect(plans).toHaveLength(8);
    for (const p of plans) {
      expect(p.args).toEqual(expect.arrayContaining(['-detailed-exitcode', '-lock-timeout=120s', '-var=lz_role_name=LandingZonePlan']));
      expect(p.args.includes('-var=lz_platform_role_name=LandingZonePlan')).toBe(p.stack === 'tenant-bank');
    }
    expect(tf.calls().some((c) => c.command === 'apply')).toBe(false);
  });

  test('which resources: changed or deleted outside Terraform, and what the plan would do to restore them', () => {
    const beta = byStack(report)['tenant-beta'];
    expect(beta.drift!.map((c) => [c.address, c.action, c.changedAttributes])).toEqual([
      ['aws_s3_bucket_public_access_block.data_public-access_1E2A3B4C', 'delete', undefined],
      ['aws_dynamodb_table.items_table_7C9E0D5A', 'update', ['point_in_time_recovery[0].enabled']],
    ]);
    expect(beta.counts).toMatchObject({ create: 1, update: 1, delete: 0 });
    expect(beta.tenantId).toBe('beta');
    // an ignored attribute changed outside Terraform: seen by refresh, nothing to restore, in sync
    expect(byStack(report)['account-beta']).toMatchObject({ status: 'no-changes', drift: [expect.objectContaining({ address: 'aws_organizations_account.account', changedAttributes: ['iam_user_access_to_billing'] })] });
    expect(byStack(report)['tenant-acme'].drift).toBeUndefined();
  });

  test('per tenant, in the same report formats as plan', () => {
    const md = fs.readFileSync(path.join(fx.root, 'reports/drift.md'), 'utf8');
    expect(md).toMatch(/^<!-- lz-pipeline-summary -->\n## ❌ Landing zone drift: 2 stacks drifted in 2 tenants/);
    expect(md).toContain('| `shared` | `platform` | `aws_s3_bucket_public_access_block.data_public-access_1E2A3B4C` deleted, `aws_dynamodb_table.items_table_7C9E0D5A` changed | 2 changes |');
    expect(md).toContain('| `beta` | `tenant-beta` |');
    expect(md).toContain('`lz drift --report-json`');
    expect(run.stdout).toMatch(/^Drift: Terraform terraform 1\.9\.8; configuration at [0-9a-f]{12}\n/);
    expect(md).toMatch(/Configuration at `[0-9a-f]{12}`/);
    expect(run.stdout).toMatch(/Drift by tenant[^\n]*\n  shared\n    platform: 2 resources changed outside Terraform, 2 to restore\n      outside Terraform: deleted aws_s3_bucket_public_access_block/);
    expect(run.stdout).toMatch(/\n  beta\n    tenant-beta: 2 resources changed outside Terraform, 2 to restore/);
    expect(run.stdout).toMatch(/✗ drift: 2 stack\(s\) differ from the configuration\n$/);
  });

  test("--tenant: only that tenant's stacks; exit 0 without drift", async () => {
    const quiet = fakeTerraform({ '*': { show: planFixture('no-op') } });
    const r = await lz([...fixtureArgs(fx), 'drift', '--tenant', 'acme', '--terraform-bin', quiet.bin, '--format', 'markdown'], fx.root, quiet.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/## ✅ Landing zone drift: no drift in 1 stack\n/);
    expect([...new Set(quiet.calls().map((c) => c.stack))].filter((s) => s !== path.basename(fx.root))).toEqual(['tenant-acme']);
  }, 60_000);

  test('a stack that cannot be planned fails the run (exit 1), and says why', async () => {
    const broken = fakeTerraform({ '*': { show: planFixture('no-op') }, 'tenant-bank': { plan: { exit: 1, stderr: 'Error: AccessDenied: not authorized to perform sts:AssumeRole on LandingZonePlan' } } });
    const r = await lz([...fixtureArgs(fx), 'drift', '--tenant', 'bank', '--terraform-bin', broken.bin, '--format', 'json'], fx.root, broken.env);
    expect(r.code).toBe(1);
    const s = byStack(JSON.parse(r.stdout))['tenant-bank'];
    expect(s).toMatchObject({ status: 'failed', error: { phase: 'plan', exitCode: 1, output: expect.stringContaining('sts:AssumeRole on LandingZonePlan') } });
  }, 60_000);

  test('needs Terraform', async () => {
    const r = await lz([...fixtureArgs(fx), 'drift', '--terraform-bin', 'no-terraform-here'], fx.root, { PATH: process.env.PATH });
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('lz drift needs Terraform and credentials: no Terraform binary')]);
  });
});
