import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { isProtectedResourceType } from '../../../terraform/protected-resources';
import { PipelineReport } from '../../../pipeline/report';
import { runCommand } from '../../../pipeline/terraform';
import { readSynthesis, stackFile } from '../../../pipeline/synthesis-index';
import { DEFAULT_WORK_DIR } from '../../../pipeline/workspace';
import { lz } from '../../helpers/cli';
import { l1, l2, l3 } from '../../helpers/fixture';
import { tempDir } from '../../helpers/synth';
import { REAL_TERRAFORM_TIMEOUT_MS, describeWithTerraform, TEST_SCHEMA_CACHE, testToolchain } from '../../helpers/terraform';
import { commitAll, fixtureArgs, git, gitFixture } from '../helpers';

/**
 * `lz plan --local`: real Terraform and the real provider plan the head against a state derived
 * from the base revision, with no credentials and no network. The scenarios share one
 * multi-stack Terraform batch (one base normalization plan, one head plan).
 */

/** A loopback listener that counts every connection: where AWS endpoints and proxies point during the tests. */
async function tripwire(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function offlineEnv(url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url, AWS_ENDPOINT_URL: url, LZ_SCHEMA_CACHE: TEST_SCHEMA_CACHE };
  delete env.NO_PROXY;
  delete env.no_proxy;
  return env;
}

describeWithTerraform('lz plan --local with real Terraform', () => {
  test('tier moves, key material arriving, suspension, reactivation, offboarding and a new adopted account: no protected resource deleted or replaced; a replaced table and a deleted bucket fail the guard; no connection attempted', async () => {
    const fx = gitFixture({
      'mover-a.yaml': l1('mover-a'),
      'mover-b.yaml': l2('mover-b'),
      'byok-c.yaml': l3('byok-c', { encryption: { byok: 'imported', keyMaterialImported: false } }),
      'susp-d.yaml': l2('susp-d'),
      'react-e.yaml': l1('react-e', { status: 'suspended' }),
      'off-f.yaml': l2('off-f'),
      'neg-h.yaml': l2('neg-h'),
    });
    const wire = await tripwire();
    try {
      const base = git(fx.root, 'rev-parse', 'HEAD').trim();
      // Moves up carry their migration record (validation requires it): the stacks keep the old side for `lz migrate`.
      fx.write('mover-a.yaml', l2('mover-a', { migration: { from: 'L1' } }));
      fx.write('mover-b.yaml', l3('mover-b', { migration: { from: 'L2' } }));
      fx.write('byok-c.yaml', l3('byok-c', { encryption: { byok: 'imported', keyMaterialImported: true } }));
      fx.write('susp-d.yaml', l2('susp-d', { status: 'suspended' }));
      fx.write('react-e.yaml', l1('react-e'));
      fx.write('off-f.yaml', l2('off-f', { status: 'offboarding', offboarding: { requestedOn: '2026-01-15', retentionDays: 90 } }));
      fx.write('new-g.yaml', l2('new-g', { account: { email: 'aws+new-g@saas.example', id: '555555555555' } }));
      // A tag change (in place) puts neg-h's stacks in the change: `lz affected` writes only the
      // stacks whose input fingerprints differ, and a stack with equal fingerprints is unchanged
      // whatever its file holds.
      fx.write('neg-h.yaml', l2('neg-h', { tags: { Team: 'negative-cases' } }));
      commitAll(fx.root, 'head');
      const env = offlineEnv(wire.url);
      const args = [...fixtureArgs(fx), '--base', base];
      expect((await lz([...args, 'affected'], fx.root, env)).code).toBe(0);

      // Negative cases, written into the head synthesis (no manifest can ask for them): a
      // dedicated table whose name changes, and a bucket that moves to another address without
      // a moved block. The stack file is where the synthesis index says; --reuse-synth keeps it
      // as written while the local plan adds the stacks it reads remote state from.
      const head = readSynthesis(path.join(fx.root, DEFAULT_WORK_DIR, 'head'));
      const headFile = stackFile(head.stacks.get('tenant-neg-h')!, head);
      const json = JSON.parse(fs.readFileSync(headFile, 'utf8'));
      const [tableName] = Object.keys(json.resource.aws_dynamodb_table);
      json.resource.aws_dynamodb_table[tableName].name = `${json.resource.aws_dynamodb_table[tableName].name}-renamed`;
      const [bucketName] = Object.keys(json.resource.aws_s3_bucket);
      const moved = JSON.parse(JSON.stringify(json).split(`aws_s3_bucket.${bucketName}`).join('aws_s3_bucket.lost_bucket'));
      moved.resource.aws_s3_bucket = { lost_bucket: moved.resource.aws_s3_bucket[bucketName] };
      fs.writeFileSync(headFile, JSON.stringify(moved, null, 2));

      const r = await lz([...args, 'plan', '--local', '--reuse-synth', '--report-json', 'reports/plan.json', '--report-md', 'reports/plan.md'], fx.root, env);
      const report = JSON.parse(fs.readFileSync(path.join(fx.root, 'reports', 'plan.json'), 'utf8')) as PipelineReport;
      const failures = report.stacks.filter((s) => s.error).map((s) => `${s.stack}: ${s.error!.message}\n${s.error!.output ?? ''}`);
      expect(failures).toEqual([]);
      expect(wire.connections()).toBe(0);

      expect(report.mode).toBe('terraform-local');
      expect(report.terraformVersion).toMatch(/^terraform 1\.\d+\.\d+$/);
      expect(report.providers).toEqual([expect.objectContaining({ source: 'hashicorp/aws', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) })]);
      expect(report.stacks.map((s) => s.stack)).toEqual(
        expect.arrayContaining(['account-mover-a', 'tenant-mover-a', 'account-mover-b', 'tenant-mover-b', 'tenant-byok-c', 'tenant-susp-d', 'tenant-react-e', 'account-off-f', 'tenant-off-f', 'account-new-g', 'tenant-new-g', 'tenant-neg-h']),
      );
      for (const s of report.stacks) expect([s.stack, s.source]).toEqual([s.stack, 'terraform-local']);

      // The moves destroy nothing that holds data...
      const destroyed = report.stacks.flatMap((s) => s.changes.filter((c) => isProtectedResourceType(c.type) && (c.action === 'delete' || c.action === 'replace')).map((c) => `${s.stack}: ${c.action} ${c.address}`));
      expect(destroyed.filter((d) => !d.startsWith('tenant-neg-h:'))).toEqual([]);
      // ...while the negative cases show as replace and delete in the real plan, and the guard fails them.
      expect(destroyed.sort()).toEqual([`tenant-neg-h: delete aws_s3_bucket.${bucketName}`, `tenant-neg-h: replace aws_dynamodb_table.${tableName}`]);
      const stack = (name: string) => report.stacks.find((s) => s.stack === name)!;
      expect(stack('tenant-neg-h').changes.find((c) => c.address === `aws_dynamodb_table.${tableName}`)).toEqual(expect.objectContaining({ replacedBecause: ['name'] }));
      expect(report.stacks.flatMap((s) => s.violations.map((v) => `${v.rule} ${v.stack} ${v.address}`)).sort()).toEqual([`data-destruction tenant-neg-h aws_dynamodb_table.${tableName}`, `data-destruction tenant-neg-h aws_s3_bucket.${bucketName}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/plan failed: 2 guard violations, 0 stacks failed or held back/);

      const change = (name: string, type: string) => stack(name).changes.filter((c) => c.type === type);
      // The provider planned real updates: the account moves to the L3 (or suspended) OU in place.
      expect(change('account-mover-b', 'aws_organizations_account')).toEqual([expect.objectContaining({ action: 'update', changedAttributes: expect.arrayContaining(['parent_id']) })]);
      expect(change('account-off-f', 'aws_organizations_account')).toEqual([expect.objectContaining({ action: 'update', changedAttributes: expect.arrayContaining(['parent_id']) })]);
      // L1 to L2: a new account, and the tenant's dedicated data appears.
      expect(stack('account-mover-a').change).toBe('added');
      expect(change('account-mover-a', 'aws_organizations_account')).toEqual([expect.objectContaining({ action: 'create' })]);
      expect(change('tenant-mover-a', 'aws_dynamodb_table').length).toBeGreaterThan(0);
      expect(change('tenant-mover-a', 'aws_dynamodb_table').every((c) => c.action === 'create')).toBe(true);
      // Key material arriving: the tables move to the BYOK key in place, the locked vault appears.
      const byokTables = change('tenant-byok-c', 'aws_dynamodb_table').filter((c) => c.action !== 'create');
      expect(byokTables.map((c) => [c.action, c.changedAttributes?.includes('server_side_encryption[0].kms_key_arn')])).toEqual([
        ['update', true],
        ['update', true],
      ]);
      expect(change('tenant-byok-c', 'aws_backup_vault')).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'create' })]));
      // A new adopted account: planned as imported, never read from AWS.
      expect(stack('account-new-g').notes.join('\n')).toMatch(/aws_organizations_account\.account: its import of "555555555555" is not run locally/);
      // Suspension and reactivation change the registry entry in place.
      expect(change('tenant-react-e', 'aws_dynamodb_table_item')).toEqual([expect.objectContaining({ action: 'update' })]);
      expect(change('tenant-susp-d', 'aws_dynamodb_table_item')).toEqual([expect.objectContaining({ action: 'update' })]);

      expect(fs.readFileSync(path.join(fx.root, 'reports', 'plan.md'), 'utf8')).toMatch(/\*\*Local Terraform plan\*\* \(terraform 1\.\d+\.\d+, hashicorp\/aws /);
      expect(r.stdout).toMatch(/^Plan: local terraform 1\.\d+\.\d+, hashicorp\/aws \d+\.\d+\.\d+/m);
    } finally {
      await wire.close();
      fx.cleanup();
    }
  }, REAL_TERRAFORM_TIMEOUT_MS);

  test('the tripwire catches a Terraform process that tries the network', async () => {
    // The control for the tests above: with a CLI configuration that may ask the registry,
    // terraform init goes through the proxy these tests set, and the listener sees it.
    const work = tempDir('lz-plan-local-wire-');
    const wire = await tripwire();
    try {
      const toolchain = await testToolchain(work, offlineEnv(wire.url));
      fs.writeFileSync(path.join(work, 'registry.tfrc'), '');
      fs.writeFileSync(path.join(work, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { nothing: { source: 'hashicorp/lz-tripwire-probe' } } } }));
      await runCommand(toolchain.binary, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: work, env: { ...toolchain.env, TF_CLI_CONFIG_FILE: path.join(work, 'registry.tfrc') }, timeoutMs: 60_000, killGraceMs: 1_000 });
      expect(wire.connections()).toBeGreaterThan(0);
    } finally {
      await wire.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('lz plan --local without Terraform or the provider', () => {
  test('exit 2 and how to provide them', async () => {
    const fx = gitFixture({ 'acme.yaml': l1('acme') });
    try {
      const r = await lz([...fixtureArgs(fx), 'plan', '--local'], fx.root, { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: path.join(fx.root, 'none.tfrc') });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--local needs Terraform and the provider: no provider mirror: .*LZ_PROVIDER_MIRROR is not set/);
      const both = await lz([...fixtureArgs(fx), 'plan', '--local', '--offline'], fx.root, { PATH: process.env.PATH });
      expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('--local excludes --offline')]);
    } finally {
      fx.cleanup();
    }
  });
});
