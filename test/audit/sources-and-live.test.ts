import * as fs from 'fs';
import * as path from 'path';
import { BackupClient, GetRestoreTestingPlanCommand, ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeAccountCommand, DescribeOrganizationalUnitCommand, ListParentsCommand, ListPoliciesForTargetCommand, ListTagsForResourceCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { auditTenant } from '../../audit/engine';
import { readLiveFacts } from '../../audit/live';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { s3Reader } from '../../audit/sources/s3-reader';
import { evidenceFromState } from '../../audit/sources/state-file';
import { tenantNames } from '../../model/names';
import { accountIdOf, writeStates } from '../helpers/state-fixtures';
import { fixtureLandingZone, synthTo, tempDir } from '../helpers/synth';

const lz = fixtureLandingZone();
const result = synthTo(lz);
const clean = tempDir('lz-audit-src-');
writeStates(lz, result, clean);
const manifests = lz.tenants;
const manifest = (id: string) => manifests.find((m) => m.manifest.id === id)!;

describe('state sources: bad files give a clear error and do not stop the other tenants', () => {
  test.each([
    ['not JSON', 'this is not json', /^tenants\/harbor-logistics\/tenant\.tfstate: not JSON \(.*\); truncated\? Expected Terraform state \(version 4\)/],
    ['truncated', '{"version": 4, "resources": [{"mode": "managed", "type": "aws_s3_bucket"', /not JSON/],
    ['empty', '', /tenant\.tfstate: empty; expected Terraform state/],
    ['wrong version', JSON.stringify({ version: 3, modules: [] }), /at \$\.version: state format version 3 is not supported; expected version 4/],
    ['damaged resources', JSON.stringify({ version: 4, resources: [{ type: 'aws_s3_bucket' }] }), /at \$\.resources\[0\]\.mode: expected one of "managed", "data", found nothing/],
    ['a JSON list', '[]', /tenant\.tfstate: expected an object/],
  ])('%s', async (_n, text, message) => {
    const dir = tempDir();
    fs.cpSync(clean, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tenants/harbor-logistics/tenant.tfstate'), text as string);
    const audits = (await collectStateEvidence(manifests, directoryReader(dir))).map((e) => auditTenant(lz.settings, e, 'state'));
    const harbor = audits.find((a) => a.tenantId === 'harbor-logistics')!;
    expect(harbor.problems).toEqual([expect.stringMatching(message as RegExp)]);
    // An L2 tenant's account and budget live in its account stack, which is intact; data-migration reads the migration evidence next to the state.
    const fromAccountStack = ['account-ou', 'cost-allocation'];
    const needTenantStack = harbor.results.filter((r) => !fromAccountStack.includes(r.ruleId) && r.ruleId !== 'byok' && r.ruleId !== 'data-migration');
    for (const r of needTenantStack) expect([r.ruleId, r.status]).toEqual([r.ruleId, 'error']);
    for (const id of fromAccountStack) expect([id, harbor.results.find((r) => r.ruleId === id)!.status]).toEqual([id, 'pass']);
    for (const other of audits.filter((a) => a.tenantId !== 'harbor-logistics')) expect(other.results.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
  });

  test('a missing state file is an error for that tenant', async () => {
    const dir = tempDir();
    fs.cpSync(clean, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'tenants/cedar-dental/tenant.tfstate'));
    const audit = (await collectStateEvidence([manifest('cedar-dental')], directoryReader(dir))).map((e) => auditTenant(lz.settings, e, 'state'))[0];
    expect(audit.problems).toEqual(['tenants/cedar-dental/tenant.tfstate: no state for stack tenant-cedar-dental (expected at tenants/cedar-dental/tenant.tfstate)']);
    expect(audit.results.find((r) => r.ruleId === 'tier-resources')!.status).toBe('error');
  });

  test('terraform show -json output is read like state', async () => {
    const dir = tempDir();
    fs.cpSync(clean, dir, { recursive: true });
    const stateFile = path.join(dir, 'tenants/harbor-logistics/tenant.tfstate');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const show = {
      format_version: '1.0',
      terraform_version: '1.10.5',
      values: {
        outputs: {},
        root_module: {
          resources: state.resources.map((r: any) => ({ address: `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`, mode: r.mode, type: r.type, name: r.name, provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values: r.instances[0].attributes })),
        },
      },
    };
    fs.rmSync(stateFile);
    fs.writeFileSync(`${stateFile}.json`, JSON.stringify(show));
    const evidence = (await collectStateEvidence([manifest('harbor-logistics')], directoryReader(dir)))[0];
    expect((evidence.stacks.get('tenant-harbor-logistics') as any).source).toBe('show-json');
    const audit = auditTenant(lz.settings, evidence, 'show-json');
    expect(audit.results.filter((r) => r.status !== 'pass' && r.status !== 'not-applicable').map((r) => [r.ruleId, r.message])).toEqual([]);
  });

  test('show -json of another format version is refused', () => {
    expect(() => evidenceFromState('s', 'f', JSON.stringify({ format_version: '2.0', values: { root_module: {} } }))).toThrow(/at \$\.format_version: show -json format_version "2\.0" is not supported; expected 1\.x/);
  });
});

describe('state from the S3 bucket (AWS SDK), tenant prefix only', () => {
  const bucket = lz.settings.state.bucket;
  function mockedS3() {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const file = path.join(clean, input.Key);
      if (!fs.existsSync(file)) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      // The part of the SDK's streaming body the reader uses.
      const bytes = fs.readFileSync(file);
      return { Body: { transformToString: async (encoding?: string) => bytes.toString((encoding ?? 'utf-8') as BufferEncoding) } as never };
    });
    return { client, s3 };
  }

  test("reads each tenant's keys and the shared stacks, nothing else", async () => {
    const { client, s3 } = mockedS3();
    const evidence = await collectStateEvidence([manifest('harbor-logistics'), manifest('cedar-dental')], s3Reader(client, bucket));
    const keys = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key).sort();
    expect(keys).toEqual([
      'shared/organization.tfstate',
      'shared/platform.tfstate',
      'tenants/cedar-dental/migration.json',
      'tenants/cedar-dental/tenant.tfstate',
      'tenants/harbor-logistics/account.tfstate',
      'tenants/harbor-logistics/migration.json',
      'tenants/harbor-logistics/tenant.tfstate',
    ]);
    for (const e of evidence) expect(auditTenant(lz.settings, e, 'state').results.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
    expect((evidence[0].stacks.get('tenant-harbor-logistics') as any).input).toBe(`s3://${bucket}/tenants/harbor-logistics/tenant.tfstate`);
  });

  test('a key outside the stack prefix is refused', async () => {
    const { client } = mockedS3();
    const reader = s3Reader(client, bucket);
    await expect(reader.read('tenants/other/tenant.tfstate', { name: 'tenant-harbor-logistics', kind: 'tenant', target: 'tenant', tenantId: 'harbor-logistics', stateKey: 'x', dependsOn: [], wave: 3 })).rejects.toThrow(/outside its prefix/);
  });
});

describe('--live: Organizations and the tenant account, read through the AWS SDK', () => {
  const tenant = manifest('harbor-logistics');
  const accountId = accountIdOf(lz, 'harbor-logistics');
  const own = tenantNames(lz.settings, 'harbor-logistics');

  function clients(opts: { ou?: string; pitr?: boolean; denyOrganizations?: boolean; scps?: string[] } = {}) {
    const organizations = new OrganizationsClient({ region: 'us-east-1' });
    const org = mockClient(organizations);
    if (opts.denyOrganizations) org.onAnyCommand().rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    else {
      org.on(DescribeAccountCommand).resolves({ Account: { Id: accountId, Status: 'ACTIVE' } });
      org.on(ListParentsCommand).resolves({ Parents: [{ Id: 'ou-ab12-cdef3456', Type: 'ORGANIZATIONAL_UNIT' }] });
      org.on(DescribeOrganizationalUnitCommand).resolves({ OrganizationalUnit: { Id: 'ou-ab12-cdef3456', Name: opts.ou ?? 'Tenants-L2' } });
      org.on(ListPoliciesForTargetCommand).resolves({ Policies: (opts.scps ?? ['kpz-guardrail-baseline', 'kpz-guardrail-regions', 'kpz-guardrail-keys-and-roles']).map((Name) => ({ Name })) });
      org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'TenantId', Value: 'harbor-logistics' }, { Key: 'Tier', Value: 'L2' }] });
    }
    const sts = new STSClient({ region: 'eu-west-1' });
    const stsMock = mockClient(sts);
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
    const db = new DynamoDBClient({ region: 'eu-central-1' });
    const dbMock = mockClient(db);
    dbMock.on(DescribeContinuousBackupsCommand).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: opts.pitr === false ? 'DISABLED' : 'ENABLED' } } });
    dbMock.on(DescribeTableCommand).resolves({ Table: { SSEDescription: { KMSMasterKeyArn: 'arn:aws:kms:eu-central-1:1:key/x' } } });
    // Restore jobs and break-glass sessions have their own tests (operations-rules.test.ts); here they read as none.
    const backup = new BackupClient({ region: 'eu-central-1' });
    const backupMock = mockClient(backup);
    backupMock.on(GetRestoreTestingPlanCommand).resolves({ RestoreTestingPlan: { RestoreTestingPlanArn: `arn:aws:backup:eu-central-1:${accountId}:restore-testing-plan:${own.restoreTestingPlan}-1a2b3c`, RestoreTestingPlanName: own.restoreTestingPlan, CreationTime: new Date(), ScheduleExpression: 'cron(0 6 * * ? *)', RecoveryPointSelection: undefined } });
    backupMock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    const cloudtrail = new CloudTrailClient({ region: 'eu-central-1' });
    mockClient(cloudtrail).on(LookupEventsCommand).resolves({ Events: [] });
    const regions: string[] = [];
    return { live: { organizations, sts, dynamodbFor: (_c: unknown, region: string) => (regions.push(region), db), backupFor: () => backup, cloudtrailFor: () => cloudtrail }, stsMock, dbMock, regions };
  }

  async function auditLive(c: ReturnType<typeof clients>) {
    const live = await readLiveFacts(c.live, lz.settings, tenant.manifest, tenant.profile, accountId);
    const evidence = (await collectStateEvidence([tenant], directoryReader(clean)))[0];
    return { live, audit: auditTenant(lz.settings, { ...evidence, live }, 'state') };
  }

  test('matching facts pass; the tenant account is read through AssumeRole in its home region', async () => {
    const c = clients();
    const { live, audit } = await auditLive(c);
    expect(live.problems).toEqual([]);
    expect(c.stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({ RoleArn: `arn:aws:iam::${accountId}:role/LandingZoneDeployment`, RoleSessionName: 'lz-audit-harbor-logistics' });
    expect(c.dbMock.commandCalls(DescribeContinuousBackupsCommand).map((x) => x.args[0].input.TableName).sort()).toEqual([own.itemsTable, own.usersTable]);
    expect(c.regions).toEqual(['eu-central-1']);
    expect(audit.results.find((r) => r.ruleId === 'account-ou')).toMatchObject({ status: 'pass', evidence: expect.arrayContaining([expect.objectContaining({ stack: 'live' })]) });
    expect(audit.results.find((r) => r.ruleId === 'table-protection')!.status).toBe('pass');
  });

  test('an account in the wrong OU, a missing guardrail and PITR off are findings', async () => {
    const { audit } = await auditLive(clients({ ou: 'Sandbox', pitr: false, scps: ['kpz-guardrail-baseline'] }));
    expect(audit.results.find((r) => r.ruleId === 'account-ou')!.message).toMatch(/live: account is in OU "Sandbox", expected "Tenants-L2".*live: guardrails not attached to the OU: kpz-guardrail-regions, kpz-guardrail-keys-and-roles/);
    expect(audit.results.find((r) => r.ruleId === 'table-protection')!.message).toMatch(/live: kpz-harbor-logistics-items has point-in-time recovery off/);
  });

  test('access denied becomes a reported problem, not a crash', async () => {
    const { live, audit } = await auditLive(clients({ denyOrganizations: true }));
    expect(live.problems).toEqual(['live: Organizations: AccessDeniedException: not authorized']);
    expect(audit.problems).toContain('live: Organizations: AccessDeniedException: not authorized');
  });

  test('pooled tenants have nothing to read live', async () => {
    expect(await readLiveFacts(clients().live, lz.settings, manifest('cedar-dental').manifest, manifest('cedar-dental').profile, undefined)).toEqual({ problems: [], readAt: expect.any(String) });
  });
});
