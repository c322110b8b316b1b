import * as fs from 'fs';
import * as path from 'path';
import { policyDocument } from '../../contract/policy-document';
import { customerKeyGrants } from '../../contract/customer-key-grants';
import { tenantNames } from '../../model/names';
import { lz } from '../helpers/cli';
import { FIXTURE_TENANTS, l1, l3, makeFixture, REPO_ROOT } from '../helpers/fixture';
import { decide } from '../helpers/iam';
import { fixtureLandingZone } from '../helpers/synth';

const base = (fx: { settingsFile: string; tenantsDir: string }) => ['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history'];

describe('change approvers reach the pipeline', () => {
  test('codeowners writes one line per L3 manifest, keeps hand-written lines, and --check catches drift', async () => {
    const fx = makeFixture({ tenants: { 'aaa.yaml': l1('aaa'), 'bank.yaml': l3('bank', { changeApprovers: ['@bank/cab', '@jane'] }) } });
    try {
      fs.mkdirSync(path.join(fx.root, '.github'));
      fs.writeFileSync(path.join(fx.root, '.github/CODEOWNERS'), '* @platform-team\n');
      expect((await lz([...base(fx), 'codeowners', '--check'], fx.root)).code).toBe(1);
      const r = await lz([...base(fx), 'codeowners'], fx.root);
      expect(r.stdout).toMatch(/bank\s+tenant-bank\s+@bank\/cab @jane/);
      const text = fs.readFileSync(path.join(fx.root, '.github/CODEOWNERS'), 'utf8');
      expect(text.startsWith('* @platform-team\n')).toBe(true);
      expect(text).toContain('/tenants/bank.yaml @bank/cab @jane');
      expect(text).not.toContain('aaa.yaml');
      expect((await lz([...base(fx), 'codeowners', '--check'], fx.root)).code).toBe(0);
      fx.write('bank.yaml', l3('bank', { changeApprovers: ['@bank/cab'] }));
      expect((await lz([...base(fx), 'codeowners', '--check'], fx.root)).stderr).toMatch(/out of date/);
    } finally {
      fx.cleanup();
    }
  });
});

describe('customer-key BYOK: the grants the customer adds to its key', () => {
  const example = fixtureLandingZone();
  const ACCOUNT = '678901234567';
  const grants = JSON.parse(JSON.stringify(policyDocument(...customerKeyGrants(example.settings, 'northwind-gov', ACCOUNT, 'eu-north-1'))));
  const key = 'arn:aws:kms:eu-north-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12';
  const own = tenantNames(example.settings, 'northwind-gov');
  const call = (principal: string, action: string, context: Record<string, string> = {}) =>
    decide({ principal, action, resource: key, resourceAccount: '987654321098', context }, { resource: grants, identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }] });

  const via = (service: string, account = ACCOUNT) => ({ 'kms:ViaService': `${service}.eu-north-1.amazonaws.com`, 'kms:CallerAccount': account });

  test("the tenant's roles use the key through their services only, from the tenant account; the deployment role creates grants for AWS resources only", async () => {
    const dataRole = `arn:aws:iam::${ACCOUNT}:role/${own.dataAccessRole}`;
    expect(await call(dataRole, 'kms:Decrypt', via('dynamodb'))).toBe('Allowed');
    expect(await call(dataRole, 'kms:GenerateDataKey', via('s3'))).toBe('Allowed');
    expect(await call(dataRole, 'kms:Decrypt')).toBe('ImplicitlyDenied');
    expect(await call(dataRole, 'kms:Decrypt', via('sqs'))).toBe('ImplicitlyDenied');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/${own.appRole('tenant-api')}`, 'kms:Decrypt', via('dynamodb'))).toBe('Allowed');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/${own.appRole('tenant-api')}`, 'kms:Decrypt', via('s3'))).toBe('ImplicitlyDenied');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/${own.backupRole}`, 'kms:Decrypt', via('backup'))).toBe('Allowed');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/LandingZoneDeployment`, 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true', 'kms:CallerAccount': ACCOUNT })).toBe('Allowed');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/LandingZoneDeployment`, 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'false', 'kms:CallerAccount': ACCOUNT })).toBe('ImplicitlyDenied');
    expect(await call(`arn:aws:iam::${ACCOUNT}:role/LandingZoneDeployment`, 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });

  test('no other account, not even the platform, is named', async () => {
    expect(await call(`arn:aws:iam::${example.settings.organization.platformAccountId}:role/kpz-tenant-api-fn`, 'kms:Decrypt')).toBe('ImplicitlyDenied');
    expect(await call('arn:aws:iam::345678901234:role/' + own.dataAccessRole, 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });

  test('lz byok-policy prints them, and refuses tenants without a customer key', async () => {
    const ok = await lz(['--tenants', FIXTURE_TENANTS, '--no-history', 'byok-policy', '--tenant', 'northwind-gov', '--account-id', ACCOUNT], REPO_ROOT);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(grants);
    expect((await lz(['--tenants', FIXTURE_TENANTS, '--no-history', 'byok-policy', '--tenant', 'northwind-gov'], REPO_ROOT)).stderr).toMatch(/pass --account-id/);
    expect((await lz(['--tenants', FIXTURE_TENANTS, '--no-history', 'byok-policy', '--tenant', 'meridian-bank'], REPO_ROOT)).stderr).toMatch(/does not use a customer-owned key/);
    expect((await lz(['--tenants', FIXTURE_TENANTS, '--no-history', 'byok-policy', '--tenant', 'northwind-gov', '--account-id', '12'], REPO_ROOT)).code).toBe(1);
  });
});
