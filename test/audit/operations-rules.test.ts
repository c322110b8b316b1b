import * as fs from 'fs';
import * as path from 'path';
import { BackupClient, GetRestoreTestingPlanCommand, ListRestoreJobsCommand, RestoreJobsListMember } from '@aws-sdk/client-backup';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeAccountCommand, DescribeOrganizationalUnitCommand, ListParentsCommand, ListPoliciesForTargetCommand, ListTagsForResourceCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { auditTenant } from '../../audit/engine';
import { readLiveFacts } from '../../audit/live';
import { RULE_INFO } from '../../audit/pack';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { platformNames, tenantNames } from '../../model/names';
import { OPERATIONS_RULE_IDS, OPS_ACCOUNT, OPS_GRANT, operationsLandingZone } from '../helpers/operations-fixture';
import { accountIdOf, auditBrokenCopy, auditResults, editPolicy, editState, stateResource, writeStates } from '../helpers/state-fixtures';
import { synthTo, tempDir } from '../helpers/synth';

/**
 * The operations rules on state in the real version-4 format (what applying the synthesized
 * stacks of a tenant set that uses every operations feature leaves): each passes on the clean
 * state and fails on a deliberately broken copy; with `--live` (AWS SDK clients mocked with
 * responses in the services' formats) restore-test results and break-glass sessions become
 * evidence and findings.
 */
const lz = operationsLandingZone();
const result = synthTo(lz);
const clean = tempDir('lz-ops-audit-');
writeStates(lz, result, clean);
const shared = platformNames(lz.settings);
const own = (id: string) => tenantNames(lz.settings, id);
const tenant = (id: string) => lz.tenants.find((t) => t.manifest.id === id)!;
const file = (dir: string, key: string) => path.join(dir, key);

const audit = (dir: string, source: 'state' | 'desired' = 'state') => auditResults(lz, dir, source);
const broken = (edit: (dir: string) => void) => auditBrokenCopy(lz, clean, edit);


describe('operations rules on clean state', () => {
  test.each([['state'], ['desired']] as const)('every operations rule passes (or does not apply) for every tenant: %s', async (source) => {
    const results = await audit(source === 'state' ? clean : result.outdir, source);
    for (const [id, rules] of results) {
      const tier = tenant(id).manifest.tier;
      for (const ruleId of OPERATIONS_RULE_IDS) {
        const info = RULE_INFO.find((r) => r.id === ruleId)!;
        const r = rules.get(ruleId)!;
        expect([id, ruleId, r.status, r.message]).toEqual([id, ruleId, info.tiers.includes(tier) ? 'pass' : 'not-applicable', r.message]);
        if (r.status === 'pass') expect(r.evidence.length).toBeGreaterThan(0);
      }
    }
  });

  test('the messages say what was found', async () => {
    const results = await audit(clean);
    expect(results.get('pool-a')!.get('cost-allocation')!.message).toBe(`cost allocation tags active; budget ${own('pool-a').budget} of 200 USD a month on tag TenantId=pool-a, 3 alerts`);
    expect(results.get('pool-b')!.get('cost-allocation')!.message).toBe('cost allocation tags TenantId, Tier active; the manifest sets no budget');
    expect(results.get('ded-a')!.get('restore-testing')!.message).toMatch(/^restore tests daily from kpz-ded-a-vault, items\+users, files, copies kept 12 h; restore results not read \(run with --live\)$/);
    expect(results.get('ded-b')!.get('support-access')!.message).toBe(`read-only support without data access; break-glass (tenant-approval) with ticket ${OPS_GRANT.ticket} until ${OPS_GRANT.until}, 1 h, alarmed to secops@ded-b.example`);
    expect(results.get('ded-c')!.get('support-access')!.message).toBe('no read-only support; no break-glass (none)');
    expect(results.get('ded-a')!.get('residency')!.message).toMatch(/^account held to eu-central-1 by kpz-residency-ded-a; \d+ data resources within$/);
    expect(results.get('pool-b')!.get('residency')!.message).toMatch(/^no residency in the manifest; 2 data resources within the landing-zone allow-list/);
  });
});

interface Case {
  readonly rule: (typeof OPERATIONS_RULE_IDS)[number];
  readonly tenant: string;
  readonly what: string;
  readonly edit: (dir: string) => void;
  readonly message: RegExp;
}

const ORG_STATE = 'shared/organization.tfstate';
const CASES: Case[] = [
  {
    rule: 'cost-allocation',
    tenant: 'pool-b',
    what: 'the Tier cost allocation tag deactivated',
    edit: (d) => editState(file(d, ORG_STATE), (s) => (stateResource(s, 'aws_ce_cost_allocation_tag', (a) => a.tag_key === 'Tier').status = 'Inactive')),
    message: /cost allocation tag Tier is Inactive, not Active/,
  },
  {
    rule: 'cost-allocation',
    tenant: 'ded-a',
    what: "a budget on another account, with another limit",
    edit: (d) =>
      editState(file(d, 'tenants/ded-a/account.tfstate'), (s) => {
        const b = stateResource(s, 'aws_budgets_budget');
        b.cost_filter[0].values = ['999999999999'];
        b.limit_amount = '15000.00';
      }),
    message: /limit is 15000.00 USD, agreed 1500.5 USD; budget counts .*999999999999.*expected the tenant account alone/,
  },
  {
    rule: 'cost-allocation',
    tenant: 'pool-a',
    what: 'the forecast alert dropped and another recipient',
    edit: (d) =>
      editState(file(d, 'tenants/pool-a/tenant.tfstate'), (s) => {
        const b = stateResource(s, 'aws_budgets_budget');
        b.notification = b.notification.filter((n: any) => n.notification_type !== 'FORECASTED');
        b.notification[0].subscriber_email_addresses = ['someone@else.example'];
      }),
    message: /the 80 % actual alert goes to someone@else.example, agreed finance@pool-a.example; no forecasted alert at 100 %; 2 alerts, agreed 3/,
  },
  {
    rule: 'cost-allocation',
    tenant: 'pool-a',
    what: 'the budget removed',
    edit: (d) => editState(file(d, 'tenants/pool-a/tenant.tfstate'), (s) => (s.resources = s.resources.filter((r: any) => r.type !== 'aws_budgets_budget'))),
    message: /budget kpz-pool-a-monthly is not in the tenant-pool-a stack/,
  },
  {
    rule: 'restore-testing',
    tenant: 'ded-a',
    what: 'weekly instead of daily, copies kept a week',
    edit: (d) =>
      editState(file(d, 'tenants/ded-a/tenant.tfstate'), (s) => {
        stateResource(s, 'aws_backup_restore_testing_plan').schedule_expression = 'cron(0 6 ? * SUN *)';
        stateResource(s, 'aws_backup_restore_testing_selection', (a) => a.protected_resource_type === 'DynamoDB').validation_window_hours = 168;
      }),
    message: /plan runs cron\(0 6 \? \* SUN \*\), agreed cron\(0 6 \* \* \? \*\) \(daily\); kpz_ded_a_dynamodb keeps restored copies 168 hours, agreed 12/,
  },
  {
    rule: 'restore-testing',
    tenant: 'ded-a',
    what: 'the bucket left out of the tests',
    edit: (d) => editState(file(d, 'tenants/ded-a/tenant.tfstate'), (s) => (s.resources = s.resources.filter((r: any) => !(r.type === 'aws_backup_restore_testing_selection' && r.instances[0].attributes.protected_resource_type === 'S3')))),
    message: /no S3 selection kpz_ded_a_s3/,
  },
  {
    rule: 'restore-testing',
    tenant: 'ded-b',
    what: 'an L3 plan testing the unlocked vault, and a table missing',
    edit: (d) =>
      editState(file(d, 'tenants/ded-b/tenant.tfstate'), (s) => {
        const vault = stateResource(s, 'aws_backup_vault', (a) => a.name === own('ded-b').backupVault);
        stateResource(s, 'aws_backup_restore_testing_plan').recovery_point_selection[0].include_vaults = [vault.arn];
        stateResource(s, 'aws_backup_restore_testing_selection').protected_resource_arns = [];
      }),
    message: /restores from .*kpz-ded-b-vault, not kpz-ded-b-vault-locked where the backups go; kpz_ded_b_dynamodb does not restore items/,
  },
  {
    rule: 'restore-testing',
    tenant: 'ded-c',
    what: 'no restore testing plan',
    edit: (d) => editState(file(d, 'tenants/ded-c/tenant.tfstate'), (s) => (s.resources = s.resources.filter((r: any) => !r.type.startsWith('aws_backup_restore_testing')))),
    message: /restore testing plan kpz_ded_c_restore_tests is not in the evidence: the backups are never proven/,
  },
  {
    rule: 'support-access',
    tenant: 'ded-a',
    what: 'read-only support may decrypt, and its sessions last 12 hours',
    edit: (d) =>
      editState(file(d, ORG_STATE), (s) => {
        editPolicy(stateResource(s, 'aws_ssoadmin_permission_set_inline_policy', (a) => a.inline_policy.includes('NoTenantData')), 'inline_policy', (doc) => (doc.Statement[0].Action = doc.Statement[0].Action.filter((a: string) => a !== 'kms:Decrypt')));
        stateResource(s, 'aws_ssoadmin_permission_set', (a) => a.name === shared.readOnlyPermissionSet).session_duration = 'PT12H';
      }),
    message: /read-only support may read tenant data: kms:Decrypt not denied; read-only sessions last PT12H, agreed PT4H/,
  },
  {
    rule: 'support-access',
    tenant: 'ded-a',
    what: 'break-glass role without the ticket and region conditions',
    edit: (d) =>
      editState(file(d, 'tenants/ded-a/tenant.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_iam_role', (a) => a.name === own('ded-a').breakGlassRole), 'assume_role_policy', (doc) => {
          delete doc.Statement[0].Condition.StringLike;
          delete doc.Statement[0].Condition.StringEquals;
        }),
      ),
    message: /break-glass sessions are not held to eu-central-1, where the alarm listens; break-glass ticket must match "anything", agreed INC-\*, CHG-\*/,
  },
  {
    rule: 'support-access',
    tenant: 'ded-b',
    what: 'the alarm rule blind to read-only events, and a contact unsubscribed',
    edit: (d) =>
      editState(file(d, 'tenants/ded-b/tenant.tfstate'), (s) => {
        stateResource(s, 'aws_cloudwatch_event_rule', (a) => a.name === own('ded-b').breakGlassRule).state = 'ENABLED';
        s.resources = s.resources.filter((r: any) => !(r.type === 'aws_sns_topic_subscription' && r.instances[0].attributes.endpoint === 'secops@ded-b.example'));
      }),
    message: /alarm rule state is ENABLED: without ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS it may miss read-only AssumeRole events; break-glass alarms do not reach secops@ded-b.example/,
  },
  {
    rule: 'support-access',
    tenant: 'ded-b',
    what: 'the grant window widened in the trust policy',
    edit: (d) =>
      editState(file(d, 'tenants/ded-b/tenant.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_iam_role', (a) => a.name === own('ded-b').breakGlassRole), 'assume_role_policy', (doc) => (doc.Statement[0].Condition.DateLessThan['aws:CurrentTime'] = '2027-12-31T00:00:00Z')),
      ),
    message: /break-glass trust is not limited to the approved window 2026-12-01T08:00Z to 2026-12-02T20:00Z/,
  },
  {
    rule: 'support-access',
    tenant: 'ded-c',
    what: 'break-glass assigned to a tenant whose policy says none',
    edit: (d) => {
      // Copy ded-a's break-glass assignment into ded-c's account stack, pointed at ded-c's account.
      const from = JSON.parse(fs.readFileSync(file(d, 'tenants/ded-a/account.tfstate'), 'utf8'));
      const kinds = ['aws_ssoadmin_account_assignment', 'aws_ssoadmin_permission_set', 'aws_identitystore_group'];
      const copied = from.resources.filter((r: any) => kinds.includes(r.type) && JSON.stringify(r).includes('break-glass'));
      editState(file(d, 'tenants/ded-c/account.tfstate'), (s) => {
        const account = stateResource(s, 'aws_organizations_account').id;
        for (const r of copied) if (r.type === 'aws_ssoadmin_account_assignment') r.instances[0].attributes.target_id = account;
        s.resources.push(...copied);
      });
    },
    message: /break-glass \(none\) \(kpz-BreakGlass\) is assigned although the support policy does not grant it/,
  },
  {
    rule: 'residency',
    tenant: 'ded-a',
    what: 'the residency SCP exempting the break-glass role and allowing another region',
    edit: (d) =>
      editState(file(d, 'tenants/ded-a/account.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_organizations_policy'), 'content', (doc) => {
          doc.Statement[0].Condition.StringNotEquals['aws:RequestedRegion'].push('us-east-1');
          doc.Statement[0].Condition.ArnNotLike = { 'aws:PrincipalArn': 'arn:aws:iam::*:role/LandingZoneBreakGlass' };
        }),
      ),
    message: /kpz-residency-ded-a does not deny every non-global action outside eu-central-1 for every principal/,
  },
  {
    rule: 'residency',
    tenant: 'ded-a',
    what: 'events allowed to any bus outside the residency, not only the central bus',
    edit: (d) => editState(file(d, 'tenants/ded-a/account.tfstate'), (s) => editPolicy(stateResource(s, 'aws_organizations_policy'), 'content', (doc) => (doc.Statement = doc.Statement.slice(0, 1)))),
    message: /kpz-residency-ded-a does not deny every non-global action outside eu-central-1 for every principal \(events only to the central bus\)/,
  },
  {
    rule: 'residency',
    tenant: 'ded-b',
    what: 'the SCP attached to another account',
    edit: (d) => editState(file(d, 'tenants/ded-b/account.tfstate'), (s) => (stateResource(s, 'aws_organizations_policy_attachment').target_id = '999999999999')),
    message: /kpz-residency-ded-b is not attached to the tenant account/,
  },
  {
    rule: 'residency',
    tenant: 'ded-a',
    what: 'a table outside the residency region',
    edit: (d) =>
      editState(file(d, 'tenants/ded-a/tenant.tfstate'), (s) => {
        const t = stateResource(s, 'aws_dynamodb_table', (a) => a.name === own('ded-a').usersTable);
        t.arn = t.arn.replace(':eu-central-1:', ':eu-west-1:');
      }),
    message: /aws_dynamodb_table\..* is in eu-west-1, outside the residency eu-central-1/,
  },
  {
    rule: 'residency',
    tenant: 'pool-a',
    what: 'pooled tables outside the residency',
    edit: (d) =>
      editState(file(d, 'shared/platform.tfstate'), (s) => {
        for (const name of [shared.itemsTable, shared.usersTable]) {
          const t = stateResource(s, 'aws_dynamodb_table', (a) => a.name === name);
          t.arn = t.arn.replace(':eu-west-1:', ':us-east-1:');
        }
      }),
    message: /is in us-east-1, outside the residency eu-west-1, eu-central-1/,
  },
];

describe('each operations rule fails on a deliberately broken state', () => {
  test.each(CASES.map((c) => [`${c.rule}: ${c.tenant}, ${c.what}`, c] as const))('%s', async (_name, c) => {
    const r = (await broken(c.edit)).get(c.tenant)!.get(c.rule)!;
    expect([r.status, r.message]).toEqual(['fail', expect.stringMatching(c.message)]);
    expect(r.evidence.length).toBeGreaterThan(0);
  });

  test('every operations rule is in the pack and has failing cases here', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(OPERATIONS_RULE_IDS));
    for (const id of OPERATIONS_RULE_IDS) expect(RULE_INFO.map((r) => r.id)).toContain(id);
  });
});

// --- --live: AWS through the SDK, mocked with responses in the services' formats ---

const NOW = new Date('2026-11-30T12:00:00Z');
const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

interface LiveOptions {
  readonly restoreJobs?: RestoreJobsListMember[];
  readonly restoreDenied?: boolean;
  readonly cloudTrailEvents?: Array<Record<string, unknown>>;
  /** SCPs attached directly to the account. */
  readonly accountScps?: string[];
}

function restoreJob(id: string, type: 'DynamoDB' | 'S3', created: Date, status: 'COMPLETED' | 'FAILED' | 'RUNNING', validation?: 'SUCCESSFUL' | 'FAILED', account = OPS_ACCOUNT): RestoreJobsListMember {
  const plan = `arn:aws:backup:eu-central-1:${account}:restore-testing-plan:kpz_ded_a_restore_tests-8f2b1c`;
  return {
    AccountId: account,
    RestoreJobId: id,
    RecoveryPointArn: type === 'DynamoDB' ? `arn:aws:dynamodb:eu-central-1:${account}:table/${own('ded-a').itemsTable}/backup/01732921200000-1a2b3c4d` : `arn:aws:backup:eu-central-1:${account}:recovery-point:${id}-rp`,
    SourceResourceArn: type === 'DynamoDB' ? `arn:aws:dynamodb:eu-central-1:${account}:table/${own('ded-a').itemsTable}` : `arn:aws:s3:::${own('ded-a').dataBucket(account, 'eu-central-1')}`,
    BackupVaultArn: `arn:aws:backup:eu-central-1:${account}:backup-vault:${own('ded-a').backupVault}`,
    CreationDate: created,
    ...(status === 'RUNNING' ? {} : { CompletionDate: new Date(created.getTime() + 40 * 60_000) }),
    Status: status,
    ...(status === 'FAILED' ? { StatusMessage: 'Access denied to KMS key' } : {}),
    PercentDone: status === 'RUNNING' ? '40.00%' : '100.00%',
    IamRoleArn: `arn:aws:iam::${account}:role/${own('ded-a').backupRole}`,
    ResourceType: type,
    CreatedBy: { RestoreTestingPlanArn: plan },
    ...(validation ? { ValidationStatus: validation } : {}),
    DeletionStatus: status === 'COMPLETED' ? 'SUCCESSFUL' : undefined,
  };
}

/** A CloudTrail management event of an AssumeRole of a break-glass role, as LookupEvents returns it. */
function assumeRoleEvent(opts: { account: string; roleName: string; time: string; ticket?: string; refused?: boolean; user?: string }): Record<string, unknown> {
  const roleArn = `arn:aws:iam::${opts.account}:role/${opts.roleName}`;
  const user = opts.user ?? 'jane@saas.example';
  const sessionRole = `AWSReservedSSO_${shared.breakGlassPermissionSet}_0a1b2c3d4e5f6a7b`;
  const id = `${opts.time.replace(/\D/g, '').slice(0, 12)}-aaaa-bbbb-cccc-${(opts.ticket ?? 'none').padEnd(12, '0').slice(0, 12)}`;
  const record = {
    eventVersion: '1.08',
    userIdentity: { type: 'AssumedRole', principalId: `AROAEXAMPLEID:${user}`, arn: `arn:aws:sts::${opts.account}:assumed-role/${sessionRole}/${user}`, accountId: opts.account, accessKeyId: 'ASIAEXAMPLE', sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${opts.account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${sessionRole}`, accountId: opts.account, userName: sessionRole }, attributes: { creationDate: opts.time, mfaAuthenticated: 'false' } } },
    eventTime: opts.time,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'eu-central-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.0',
    ...(opts.refused ? { errorCode: 'AccessDenied', errorMessage: `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}` } : {}),
    requestParameters: { roleArn, roleSessionName: user, ...(opts.ticket ? { tags: [{ key: 'TicketId', value: opts.ticket }] } : {}), durationSeconds: 3600 },
    responseElements: opts.refused ? null : { credentials: { accessKeyId: 'ASIAEXAMPLE2', sessionToken: 'x', expiration: 'Nov 30, 2026, 1:15:00 PM' }, assumedRoleUser: { assumedRoleId: `AROAEXAMPLE2:${user}`, arn: `arn:aws:sts::${opts.account}:assumed-role/${opts.roleName}/${user}` } },
    eventID: id,
    readOnly: true,
    resources: [{ accountId: opts.account, type: 'AWS::IAM::Role', ARN: roleArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: opts.account,
    eventCategory: 'Management',
  };
  return { EventId: id, EventName: 'AssumeRole', ReadOnly: 'true', AccessKeyId: 'ASIAEXAMPLE', EventTime: new Date(opts.time), EventSource: 'sts.amazonaws.com', Username: user, Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: roleArn }], CloudTrailEvent: JSON.stringify(record) };
}

function liveClients(id: string, opts: LiveOptions = {}) {
  const accountId = accountIdOf(lz, id);
  const organizations = new OrganizationsClient({ region: 'us-east-1' });
  const org = mockClient(organizations);
  org.on(DescribeAccountCommand).resolves({ Account: { Id: accountId, Status: 'ACTIVE' } });
  org.on(ListParentsCommand).resolves({ Parents: [{ Id: 'ou-ab12-cdef3456', Type: 'ORGANIZATIONAL_UNIT' }] });
  org.on(DescribeOrganizationalUnitCommand).resolves({ OrganizationalUnit: { Id: 'ou-ab12-cdef3456', Name: tenant(id).profile.account.side === 'tenant' ? (tenant(id).profile.account as { ouName: string }).ouName : '' } });
  org.on(ListPoliciesForTargetCommand, { TargetId: 'ou-ab12-cdef3456' }).resolves({ Policies: ['baseline', 'regions', 'keys-and-roles'].map((g) => ({ Name: shared.scp(`guardrail-${g}`) })) });
  org.on(ListPoliciesForTargetCommand, { TargetId: accountId }).resolves({ Policies: (opts.accountScps ?? ['FullAWSAccess', own(id).residencyScp]).map((Name) => ({ Name })) });
  org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'TenantId', Value: id }, { Key: 'Tier', Value: tenant(id).manifest.tier }] });
  const sts = new STSClient({ region: 'eu-west-1' });
  mockClient(sts).on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: NOW } });
  const db = new DynamoDBClient({ region: 'eu-central-1' });
  const dbMock = mockClient(db);
  dbMock.on(DescribeContinuousBackupsCommand).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' } } });
  dbMock.on(DescribeTableCommand).resolves({ Table: {} });
  const backup = new BackupClient({ region: 'eu-central-1' });
  const backupMock = mockClient(backup);
  const planArn = `arn:aws:backup:${tenant(id).profile.region}:${accountId}:restore-testing-plan:${own(id).restoreTestingPlan}-8f2b1c`;
  if (opts.restoreDenied) backupMock.onAnyCommand().rejects(Object.assign(new Error('User is not authorized to perform: backup:GetRestoreTestingPlan'), { name: 'AccessDeniedException' }));
  else {
    backupMock.on(GetRestoreTestingPlanCommand).resolves({ RestoreTestingPlan: { RestoreTestingPlanArn: planArn, RestoreTestingPlanName: own(id).restoreTestingPlan, CreationTime: days(60), ScheduleExpression: 'cron(0 6 * * ? *)', RecoveryPointSelection: undefined } });
    const jobs = opts.restoreJobs ?? [];
    // Two pages, as the API returns them with NextToken.
    backupMock.on(ListRestoreJobsCommand, { NextToken: undefined }).resolves({ RestoreJobs: jobs.slice(0, 2), ...(jobs.length > 2 ? { NextToken: 'page-2' } : {}) });
    backupMock.on(ListRestoreJobsCommand, { NextToken: 'page-2' }).resolves({ RestoreJobs: jobs.slice(2) });
  }
  const cloudtrail = new CloudTrailClient({ region: 'eu-central-1' });
  const ctMock = mockClient(cloudtrail);
  ctMock.on(LookupEventsCommand).resolves({ Events: (opts.cloudTrailEvents ?? []) as never });
  const regions: string[] = [];
  const clients = {
    organizations,
    sts,
    dynamodbFor: () => db,
    backupFor: (_c: unknown, region: string) => (regions.push(`backup:${region}`), backup),
    cloudtrailFor: (_c: unknown, region: string) => (regions.push(`cloudtrail:${region}`), cloudtrail),
  };
  return { clients, backupMock, ctMock, regions, accountId, planArn };
}

async function auditLive(id: string, opts: LiveOptions = {}, now = NOW) {
  const c = liveClients(id, opts);
  const live = await readLiveFacts(c.clients, lz.settings, tenant(id).manifest, tenant(id).profile, c.accountId, { now: () => now });
  const evidence = (await collectStateEvidence([tenant(id)], directoryReader(clean)))[0];
  const results = new Map(auditTenant(lz.settings, { ...evidence, live }, 'state').results.map((r) => [r.ruleId, r]));
  return { live, results, ...c };
}

describe('--live restore tests: the last successful restore per tenant is the evidence', () => {
  const good = [restoreJob('rj-4', 'S3', days(0.2), 'RUNNING'), restoreJob('rj-3', 'DynamoDB', days(0.5), 'COMPLETED', 'SUCCESSFUL'), restoreJob('rj-2', 'S3', days(0.6), 'COMPLETED'), restoreJob('rj-1', 'DynamoDB', days(1.5), 'FAILED')];

  test('recent successful restores of every selection: pass, with the jobs as evidence; read in the tenant region, all pages', async () => {
    const { live, results, backupMock, regions, planArn } = await auditLive('ded-a', { restoreJobs: good });
    expect(live.problems).toEqual([]);
    expect(regions).toEqual(['backup:eu-central-1', 'cloudtrail:eu-central-1']);
    expect(backupMock.commandCalls(ListRestoreJobsCommand).map((c) => [c.args[0].input.ByRestoreTestingPlanArn, c.args[0].input.NextToken, c.args[0].input.ByCreatedAfter])).toEqual([
      [planArn, undefined, days(90)],
      [planArn, 'page-2', days(90)],
    ]);
    const r = results.get('restore-testing')!;
    expect([r.status, r.message]).toEqual(['pass', expect.stringMatching(/; last successful restores: DynamoDB 2026-11-30T00:40:00.000Z \(rj-3\), S3 2026-11-29T22:16:00.000Z \(rj-2\)$/)]);
    expect(r.evidence.filter((e) => e.stack === 'live').map((e) => [e.attribute, (e.value as { id: string }).id])).toEqual([
      ['last successful DynamoDB restore', 'rj-3'],
      ['last successful S3 restore', 'rj-2'],
    ]);
  });

  test.each([
    ['never ran', [], /live: no DynamoDB restore test ran in the last 90 days; live: no S3 restore test ran in the last 90 days/],
    ['every DynamoDB restore failed', [restoreJob('rj-2', 'DynamoDB', days(0.5), 'FAILED'), restoreJob('rj-1', 'S3', days(0.5), 'COMPLETED')], /live: every DynamoDB restore test failed \(latest: FAILED: Access denied to KMS key\)/],
    ['the latest restore failed validation', [restoreJob('rj-3', 'DynamoDB', days(0.3), 'COMPLETED', 'FAILED'), restoreJob('rj-2', 'DynamoDB', days(0.9), 'COMPLETED', 'SUCCESSFUL'), restoreJob('rj-1', 'S3', days(0.5), 'COMPLETED')], /live: the latest DynamoDB restore test rj-3 failed \(COMPLETED\/FAILED\)/],
    ['the last success is older than a daily schedule allows', [restoreJob('rj-2', 'DynamoDB', days(5), 'COMPLETED'), restoreJob('rj-1', 'S3', days(0.5), 'COMPLETED')], /live: the last successful DynamoDB restore was 4 days ago .*more than a daily schedule allows/],
  ])('%s: a finding', async (_what, jobs, message) => {
    const r = (await auditLive('ded-a', { restoreJobs: jobs as RestoreJobsListMember[] })).results.get('restore-testing')!;
    expect([r.status, r.message]).toEqual(['fail', expect.stringMatching(message as RegExp)]);
  });

  test('results that cannot be read are a finding and a reported problem, not a pass', async () => {
    const { live, results } = await auditLive('ded-a', { restoreDenied: true });
    expect(live.problems).toEqual(['live: restore testing plan kpz_ded_a_restore_tests: AccessDeniedException: User is not authorized to perform: backup:GetRestoreTestingPlan']);
    expect(results.get('restore-testing')).toMatchObject({ status: 'fail', message: expect.stringMatching(/live: the restore jobs could not be read/) });
  });
});

describe("--live break-glass: every session appears in the tenant's audit", () => {
  const role = own('ded-a').breakGlassRole;

  test('sessions with a ticket pass and are listed; refused attempts are counted', async () => {
    const events = [
      assumeRoleEvent({ account: OPS_ACCOUNT, roleName: role, time: '2026-11-20T10:15:00Z', ticket: 'INC-1234' }),
      assumeRoleEvent({ account: OPS_ACCOUNT, roleName: role, time: '2026-11-21T08:00:00Z', refused: true, user: 'mallory@saas.example' }),
    ];
    const { results, ctMock } = await auditLive('ded-a', { cloudTrailEvents: events, restoreJobs: [restoreJob('rj-1', 'DynamoDB', days(0.5), 'COMPLETED'), restoreJob('rj-2', 'S3', days(0.5), 'COMPLETED')] });
    expect(ctMock.commandCalls(LookupEventsCommand)[0].args[0].input).toEqual({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: `arn:aws:iam::${OPS_ACCOUNT}:role/${role}` }], StartTime: days(90), EndTime: NOW, NextToken: undefined });
    const r = results.get('support-access')!;
    expect(r.status).toBe('pass');
    expect(r.message).toMatch(/; 1 break-glass session in the last 90 days \(2026-11-20T10:15:00Z INC-1234 by arn:aws:sts::123456789012:assumed-role\/AWSReservedSSO_kpz-BreakGlass_0a1b2c3d4e5f6a7b\/jane@saas.example\), 1 refused$/);
    expect(r.evidence.find((e) => e.stack === 'live')!.value).toEqual([
      expect.objectContaining({ time: '2026-11-21T08:00:00Z', refused: 'AccessDenied' }),
      expect.objectContaining({ time: '2026-11-20T10:15:00Z', ticket: 'INC-1234', sourceIp: '203.0.113.10' }),
    ]);
  });

  test('a session that got in without a ticket is a finding', async () => {
    const r = (await auditLive('ded-a', { cloudTrailEvents: [assumeRoleEvent({ account: OPS_ACCOUNT, roleName: role, time: '2026-11-22T03:00:00Z' })] })).results.get('support-access')!;
    expect([r.status, r.message]).toEqual(['fail', expect.stringMatching(/live: break-glass session .* at 2026-11-22T03:00:00Z by .*jane@saas.example carried no ticket/)]);
  });

  test('tenant approval: a session on the approved ticket inside the window passes; a grant past its end is a finding', async () => {
    const account = accountIdOf(lz, 'ded-b');
    const events = [assumeRoleEvent({ account, roleName: own('ded-b').breakGlassRole, time: '2026-12-01T09:00:00Z', ticket: OPS_GRANT.ticket })];
    const during = (await auditLive('ded-b', { cloudTrailEvents: events, accountScps: [own('ded-b').residencyScp] }, new Date('2026-12-01T12:00:00Z'))).results.get('support-access')!;
    expect([during.status, during.message]).toEqual(['pass', expect.stringMatching(/1 break-glass session in the last 90 days \(2026-12-01T09:00:00Z CHG-42/)]);
    const after = (await auditLive('ded-b', { cloudTrailEvents: events, accountScps: [own('ded-b').residencyScp] }, new Date('2026-12-05T00:00:00Z'))).results.get('support-access')!;
    expect([after.status, after.message]).toEqual(['fail', expect.stringMatching(/the grant for CHG-42 ended 2026-12-02T20:00Z but is still in the manifest \(and assigned\): remove it/)]);
  });
});

describe('--live residency', () => {
  test('the residency SCP attached to the account passes; missing from it is a finding', async () => {
    const jobs = [restoreJob('rj-1', 'DynamoDB', days(0.5), 'COMPLETED'), restoreJob('rj-2', 'S3', days(0.5), 'COMPLETED')];
    expect((await auditLive('ded-a', { restoreJobs: jobs })).results.get('residency')!.status).toBe('pass');
    const r = (await auditLive('ded-a', { restoreJobs: jobs, accountScps: ['FullAWSAccess'] })).results.get('residency')!;
    expect([r.status, r.message]).toEqual(['fail', `live: kpz-residency-ded-a is not attached to account ${OPS_ACCOUNT}`]);
  });
});
