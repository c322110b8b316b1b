import * as fs from 'fs';
import * as path from 'path';
import { PipelineReport } from '../../pipeline/report';
import { lz } from '../helpers/cli';
import { Fixture, l1, l2 } from '../helpers/fixture';
import { fakeTerraform, fixtureArgs, gitFixture, planFixture } from './helpers';

/**
 * `lz plan` plans as the read-only plan role, which a tenant stack creates in its own account:
 * where the base configuration of that stack had no plan role yet (a new tenant, a move up
 * from L1, or the first change after the plan roles came), the stack is planned offline, since
 * Terraform could not assume the role there.
 */
let fx: Fixture;
beforeAll(async () => {
  fx = gitFixture({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') });
  // Synthesizes base and head with both stacks written (a sparse synthesis writes only what differs).
  const r = await lz([...fixtureArgs(fx), 'plan', '--stack', 'tenant-acme', 'tenant-beta', '--offline'], fx.root, { PATH: process.env.PATH });
  expect(r.code).toBe(0);
  // The base as code from before the plan roles synthesized it: tenant-beta without its plan role.
  const file = path.join(fx.root, '.lz', 'pipeline', 'base', 'stacks', 'tenant-beta', 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [key, role] of Object.entries(json.resource.aws_iam_role as Record<string, { name: string }>)) if (role.name === 'LandingZonePlan') delete json.resource.aws_iam_role[key];
  fs.writeFileSync(file, JSON.stringify(json));
}, 60_000);
afterAll(() => fx.cleanup());

test("a tenant stack whose base created no plan role in its account is planned offline, saying why; the others by Terraform as the plan role", async () => {
  const tf = fakeTerraform({ '*': { show: planFixture('no-op') } });
  const r = await lz([...fixtureArgs(fx), 'plan', '--stack', 'tenant-acme', 'tenant-beta', '--reuse-synth', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as PipelineReport;
  expect(report.stacks.map((s) => [s.stack, s.source, s.sourceNote])).toEqual([
    ['tenant-acme', 'terraform', undefined],
    ['tenant-beta', 'offline', 'creates the read-only plan role of its account: Terraform can plan it as LandingZonePlan once it is applied'],
  ]);
  expect(tf.calls().filter((c) => c.phase === 'start' && c.command === 'plan').map((c) => c.stack)).toEqual(['tenant-acme']);
}, 60_000);

test('with another plan role (one the stack does not create) Terraform plans it', async () => {
  const tf = fakeTerraform({ '*': { show: planFixture('no-op') } });
  const r = await lz([...fixtureArgs(fx), 'plan', '--stack', 'tenant-beta', '--reuse-synth', '--plan-role', 'LandingZoneDeployment', '--terraform-bin', tf.bin, '--format', 'json'], fx.root, tf.env);
  expect(r.code).toBe(0);
  expect((JSON.parse(r.stdout) as PipelineReport).stacks[0].source).toBe('terraform');
  expect(tf.calls().find((c) => c.command === 'plan')!.args).toContain('-var=lz_role_name=LandingZoneDeployment');
}, 60_000);
