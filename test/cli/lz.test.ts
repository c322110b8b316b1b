import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { lz } from '../helpers/cli';
import { l1, l2, makeFixture, REPO_ROOT } from '../helpers/fixture';

const base = (fx: { settingsFile: string; tenantsDir: string }) => ['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history'];

describe('lz command line', () => {
  test('validate: exit 0 and a summary on valid input', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') } });
    try {
      const r = await lz([...base(fx), 'validate'], fx.root);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/✓ 2 tenant manifests and the settings are valid/);
    } finally {
      fx.cleanup();
    }
  });

  test('validate: a manifest with five different mistakes gives five located messages and exit 1', async () => {
    const text = ['apiVersion: lz/v1', 'kind: Tenant', 'id: acme', 'displayName: Acme', 'tier: L1', 'homeRegion: ap-south-1', 'contacts:', '  - name: A', '    email: nope', '    role: owner', 'backup: {schedule: "cron(0 3 * * ? *)", retentionDays: 35}', 'tagz: {}', 'status: gone', ''].join('\n');
    const fx = makeFixture({ tenants: { 'acme.yaml': text } });
    try {
      const r = await lz([...base(fx), 'validate'], fx.root);
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('tenants/acme.yaml:'));
      expect(lines.map((l) => l.split(': error')[0])).toEqual(['tenants/acme.yaml:6:13', 'tenants/acme.yaml:9:12', 'tenants/acme.yaml:11:1', 'tenants/acme.yaml:12:1', 'tenants/acme.yaml:13:9']);
      expect(lines.join('\n')).toMatch(/homeRegion: region ap-south-1 is not in the landing-zone allow-list/);
      expect(lines.join('\n')).toMatch(/backup: field "backup" is not allowed for tier L1/);
      expect(r.stdout).toMatch(/✗ 5 errors/);
    } finally {
      fx.cleanup();
    }
  });

  test('validate --format json and --format github', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme', { tier: 'L9' }) } });
    try {
      const json = await lz([...base(fx), 'validate', '--format', 'json'], fx.root);
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout);
      expect(doc.valid).toBe(false);
      expect(doc.diagnostics[0]).toMatchObject({ file: 'tenants/acme.yaml', field: 'tier', line: 5 });
      const gh = await lz([...base(fx), 'validate', '--format', 'github'], fx.root);
      expect(gh.stdout).toMatch(/^::error file=tenants\/acme.yaml,line=5,col=7,title=lz schema::tier: "L9" is not allowed/m);
    } finally {
      fx.cleanup();
    }
  });

  test('usage errors exit 2: unknown command, unknown option, bad option value', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme') } });
    try {
      expect((await lz(['valdate'], fx.root)).code).toBe(2);
      expect((await lz(['valdate'], fx.root)).stderr).toMatch(/Did you mean validate\?/);
      expect((await lz(['validate', '--bogus'], fx.root)).code).toBe(2);
      expect((await lz(['validate', '--format', 'xml'], fx.root)).code).toBe(2);
      expect((await lz(['--help'], fx.root)).code).toBe(0);
    } finally {
      fx.cleanup();
    }
  });

  test('synth --tenant with an unknown tenant is invalid input (exit 1); a valid one writes its stacks', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') } });
    try {
      const bad = await lz([...base(fx), 'synth', '--tenant', 'nope'], fx.root);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/unknown tenant: nope \(known: acme, beta\)/);
      const ok = await lz([...base(fx), 'synth', '--tenant', 'beta', '--out', 'out'], fx.root);
      expect(ok.code).toBe(0);
      expect(fs.readdirSync(path.join(fx.root, 'out', 'stacks')).sort()).toEqual(['account-beta', 'bootstrap', 'organization', 'platform', 'tenant-beta']);
      expect(ok.stdout).toMatch(/✓ 5 stacks synthesized to out/);
    } finally {
      fx.cleanup();
    }
  });

  test('synth refuses invalid manifests and writes nothing', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme', { tier: 'L0' }) } });
    try {
      const r = await lz([...base(fx), 'synth', '--out', 'out'], fx.root);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/tenants\/acme.yaml:5:7: error \[schema\] tier/);
      expect(fs.existsSync(path.join(fx.root, 'out'))).toBe(false);
    } finally {
      fx.cleanup();
    }
  });

  test('list shows tenants, tiers and stacks', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') } });
    try {
      const r = await lz([...base(fx), 'list'], fx.root);
      expect(r.stdout).toMatch(/acme\s+L1\s+active\s+eu-west-1\s+platform\s+tenant-acme/);
      expect(r.stdout).toMatch(/beta\s+L2\s+active\s+eu-west-1\s+new\s+account-beta, tenant-beta/);
      const json = JSON.parse((await lz([...base(fx), 'list', '--format', 'json'], fx.root)).stdout);
      expect(json.tenants.map((t: any) => t.stacks)).toEqual([['tenant-acme'], ['account-beta', 'tenant-beta']]);
    } finally {
      fx.cleanup();
    }
  });

  test('new-tenant writes a manifest that validates, for every tier', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme') } });
    try {
      const common = ['--owner-name', 'Jo Doe', '--owner-email', 'jo@new.example'];
      expect((await lz([...base(fx), 'new-tenant', '--id', 'new-one', '--name', 'New One', '--tier', 'L1', ...common, '--tag', 'CostCenter=cc-1'], fx.root)).code).toBe(0);
      expect((await lz([...base(fx), 'new-tenant', '--id', 'new-two', '--name', 'New Two', '--tier', 'L2', ...common, '--account-email', 'aws+two@saas.example', '--region', 'eu-central-1'], fx.root)).code).toBe(0);
      const three = await lz([...base(fx), 'new-tenant', '--id', 'new-three', '--name', 'New Three', '--tier', 'L3', ...common, '--account-email', 'aws+three@saas.example', '--approver', '@three/cab', '--app-version', '3.0.0'], fx.root);
      expect(three.code).toBe(0);
      expect(three.stdout).toMatch(/wrote tenants\/new-three.yaml/);
      // What else the pull request needs: CODEOWNERS, the approval environment, the key material.
      expect(three.stdout).toMatch(/The pull request also needs:\n  1\. CODEOWNERS: run `npm run lz -- codeowners` and commit \.github\/CODEOWNERS, so that @three\/cab must review changes to tenants\/new-three\.yaml/);
      expect(three.stdout).toMatch(/\n  2\. GitHub environment tenant-new-three: required reviewers @three\/cab, the variable LZ_ENVIRONMENT=tenant-new-three/);
      expect(three.stdout).toMatch(/\n  3\. BYOK key material: .*imports its key material into alias\/kpz\/tenant\/new-three\/byok/);
      const customer = await lz([...base(fx), 'new-tenant', '--id', 'new-four', '--name', 'New Four', '--tier', 'L3', ...common, '--account-email', 'aws+four@saas.example', '--approver', '@four/cab', '--byok', 'customer-key', '--key-arn', 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12'], fx.root);
      expect(customer.stdout).toMatch(/customer key: the customer adds the statements of `npm run lz -- byok-policy --tenant new-four --account-id <tenant account>`/);
      expect(customer.stdout).not.toMatch(/BYOK key material/);
      const m = parse(fs.readFileSync(path.join(fx.tenantsDir, 'new-three.yaml'), 'utf8'));
      expect(m).toMatchObject({ id: 'new-three', tier: 'L3', encryption: { byok: 'imported', keyMaterialImported: false }, changeApprovers: ['@three/cab'], appVersion: '3.0.0' });
      expect(fs.readFileSync(path.join(fx.tenantsDir, 'new-one.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./tenant.schema.json');
      expect((await lz([...base(fx), 'validate'], fx.root)).code).toBe(0);
    } finally {
      fx.cleanup();
    }
  });

  test('new-tenant refuses invalid input, an existing file and missing flags, and writes nothing', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l2('acme') } });
    try {
      const common = ['--name', 'X', '--owner-name', 'Jo', '--owner-email', 'jo@x.example'];
      const dupEmail = await lz([...base(fx), 'new-tenant', '--id', 'other', '--tier', 'L2', ...common, '--account-email', 'aws+acme@saas.example'], fx.root);
      expect(dupEmail.code).toBe(1);
      expect(dupEmail.stderr).toMatch(/account e-mail "aws\+acme@saas.example" is also used in/);
      expect(fs.existsSync(path.join(fx.tenantsDir, 'other.yaml'))).toBe(false);
      const l2NoEmail = await lz([...base(fx), 'new-tenant', '--id', 'other', '--tier', 'L2', ...common], fx.root);
      expect(l2NoEmail.code).toBe(1);
      // Errors name the flags the user typed, not the manifest paths they end up in.
      expect(l2NoEmail.stderr).toMatch(/^--account-email: error \[missing-field\] required for tier L2$/m);
      expect(l2NoEmail.stderr).not.toMatch(/account\.email|other\.yaml:\d/);
      const l3Bad = await lz([...base(fx), 'new-tenant', '--id', 'other', '--tier', 'L3', ...common, '--account-email', 'aws+o@saas.example', '--byok', 'customer-key', '--backup-retention-days', '3'], fx.root);
      expect(l3Bad.stderr).toMatch(/^--approver: error \[tier-field\] required for tier L3/m);
      expect(l3Bad.stderr).toMatch(/^--key-arn: error \[schema\] byok is customer-key but --key-arn is missing/m);
      expect(l3Bad.stderr).toMatch(/^--backup-retention-days: error \[schema\] 3 is too small/m);
      expect(l3Bad.stderr).not.toMatch(/changeApprovers|keyArn|retentionDays/);
      const exists = await lz([...base(fx), 'new-tenant', '--id', 'acme', '--tier', 'L2', ...common, '--account-email', 'a@b.example'], fx.root);
      expect(exists.code).toBe(1);
      expect(exists.stderr).toMatch(/acme.yaml already exists/);
      expect((await lz([...base(fx), 'new-tenant', '--id', 'x1'], fx.root)).code).toBe(2);
      expect((await lz([...base(fx), 'new-tenant', '--id', 'xyz', '--tier', 'L2', ...common, '--backup-retention-days', 'ten'], fx.root)).code).toBe(2);
      expect(fs.readdirSync(fx.tenantsDir)).toEqual(['acme.yaml']);
    } finally {
      fx.cleanup();
    }
  });

  test('npm run lz runs the real entry point with real exit codes', () => {
    const run = (args: string[]) => spawnSync('npm', ['run', '--silent', 'lz', '--', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, LZ_BASE_REF: 'HEAD' } });
    const ok = run(['--tenants', 'test/fixtures/tenants', 'validate', '--no-history']);
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringMatching(/tenant manifests and the settings are valid/)]);
    expect(run(['no-such-command']).status).toBe(2);
  });
});
