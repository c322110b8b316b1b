import { BackupClient, GetRestoreTestingPlanCommand, ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { TenantProfile } from '../model/profile';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantManifest } from '../model/schema/tenant';
import { TICKET_TAG } from '../contract/support-access';
import { BreakGlassSessionFact, LiveFacts, RestoreJobFact } from './context';

export type TenantCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export interface LiveClients {
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
  /** Clients in the tenant account (credentials from AssumeRole), in the tenant's region. */
  readonly dynamodbFor: (credentials: TenantCredentials, region: string) => DynamoDBClient;
  readonly backupFor: (credentials: TenantCredentials, region: string) => BackupClient;
  readonly cloudtrailFor: (credentials: TenantCredentials, region: string) => CloudTrailClient;
}

export interface LiveOptions {
  /** Role assumed in tenant accounts to read them. @default the deployment role */
  readonly roleName?: string;
  /** The time of the read (restore-test age, the break-glass look-back). @default now */
  readonly now?: () => Date;
}

/** How far back restore jobs and break-glass sessions are read: CloudTrail's event history keeps 90 days. */
export const LIVE_LOOKBACK_DAYS = 90;
/** Pages read per listing at most (a bound on time and API calls, reported when reached). */
const MAX_PAGES = 20;

function message(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

/**
 * Reads what AWS says about one dedicated tenant: its account in Organizations (status, parent
 * OU, the SCPs on that OU and on the account itself, tags), and, through a role assumed in the
 * tenant account, the point-in-time recovery and encryption of its tables, the restore jobs of
 * its restore testing plan and every session of its break-glass role CloudTrail recorded (the
 * last 90 days). Failures become problems, not crashes.
 */
export async function readLiveFacts(clients: LiveClients, settings: LandingZoneSettings, tenant: TenantManifest, profile: TenantProfile, accountId: string | undefined, opts: LiveOptions = {}): Promise<LiveFacts> {
  const problems: string[] = [];
  const readAt = (opts.now ?? (() => new Date()))();
  if (!profile.dedicated) return { problems, readAt: readAt.toISOString() };
  if (!accountId || !/^\d{12}$/.test(accountId)) return { problems: [`live: the account id of ${tenant.id} is not known (no account stack state)`], readAt: readAt.toISOString() };
  const facts: {
    account?: LiveFacts['account'];
    tables?: Record<string, { pitr: boolean; sseKeyArn?: string }>;
    restoreTests?: LiveFacts['restoreTests'];
    breakGlassSessions?: ReadonlyArray<BreakGlassSessionFact>;
  } = {};
  try {
    const { Account } = await clients.organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: accountId }));
    const parent = Parents?.[0];
    let parentOuName: string | undefined;
    let scpNames: string[] = [];
    if (parent?.Id && parent.Type === 'ORGANIZATIONAL_UNIT') {
      const { OrganizationalUnit } = await clients.organizations.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: parent.Id }));
      parentOuName = OrganizationalUnit?.Name;
      const { Policies } = await clients.organizations.send(new ListPoliciesForTargetCommand({ TargetId: parent.Id, Filter: 'SERVICE_CONTROL_POLICY' }));
      scpNames = (Policies ?? []).map((p) => p.Name ?? '').filter(Boolean);
    } else if (parent) {
      parentOuName = `(${parent.Type} ${parent.Id})`;
    }
    const { Tags } = await clients.organizations.send(new ListTagsForResourceCommand({ ResourceId: accountId }));
    const direct = await clients.organizations.send(new ListPoliciesForTargetCommand({ TargetId: accountId, Filter: 'SERVICE_CONTROL_POLICY' }));
    facts.account = {
      id: accountId,
      status: Account?.State ?? Account?.Status,
      parentOuName,
      scpNames,
      directScpNames: (direct.Policies ?? []).map((p) => p.Name ?? '').filter(Boolean),
      tags: Object.fromEntries((Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  } catch (e) {
    problems.push(`live: Organizations: ${message(e)}`);
  }
  try {
    const role = `arn:aws:iam::${accountId}:role/${opts.roleName ?? settings.roles.deployment}`;
    const { Credentials } = await clients.sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: `lz-audit-${tenant.id}`.slice(0, 64), DurationSeconds: 900 }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error(`AssumeRole ${role} returned no credentials`);
    const db = clients.dynamodbFor({ accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken }, profile.region);
    facts.tables = {};
    for (const table of [profile.data.itemsTable, profile.data.usersTable]) {
      try {
        const backups = await db.send(new DescribeContinuousBackupsCommand({ TableName: table }));
        const described = await db.send(new DescribeTableCommand({ TableName: table }));
        facts.tables[table] = {
          pitr: backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
          sseKeyArn: described.Table?.SSEDescription?.KMSMasterKeyArn,
        };
      } catch (e) {
        problems.push(`live: table ${table}: ${message(e)}`);
      }
    }
    const credentials = { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
    const since = new Date(readAt.getTime() - LIVE_LOOKBACK_DAYS * 86_400_000);
    if (profile.restoreTesting) {
      try {
        facts.restoreTests = await readRestoreJobs(clients.backupFor(credentials, profile.region), profile.restoreTesting.planName, since, problems);
      } catch (e) {
        problems.push(`live: restore testing plan ${profile.restoreTesting.planName}: ${message(e)}`);
      }
    }
    if (profile.support) {
      const roleArn = `arn:aws:iam::${accountId}:role/${profile.support.breakGlass.roleName}`;
      try {
        facts.breakGlassSessions = await readBreakGlassSessions(clients.cloudtrailFor(credentials, profile.region), roleArn, since, readAt, problems);
      } catch (e) {
        problems.push(`live: CloudTrail sessions of ${roleArn}: ${message(e)}`);
      }
    }
  } catch (e) {
    problems.push(`live: tenant account ${accountId}: ${message(e)}`);
  }
  return { ...facts, problems, readAt: readAt.toISOString() };
}

/** The restore jobs the tenant's restore testing plan started since `since` (newest first). */
async function readRestoreJobs(backup: BackupClient, planName: string, since: Date, problems: string[]): Promise<NonNullable<LiveFacts['restoreTests']>> {
  const { RestoreTestingPlan } = await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: planName }));
  const planArn = RestoreTestingPlan?.RestoreTestingPlanArn;
  if (!planArn) throw new Error('GetRestoreTestingPlan returned no plan ARN');
  const jobs: RestoreJobFact[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await backup.send(new ListRestoreJobsCommand({ ByRestoreTestingPlanArn: planArn, ByCreatedAfter: since, NextToken: token }));
    for (const j of page.RestoreJobs ?? []) {
      jobs.push({
        id: j.RestoreJobId ?? '',
        resourceType: j.ResourceType ?? '',
        sourceResourceArn: j.SourceResourceArn,
        status: j.Status ?? 'UNKNOWN',
        ...(j.ValidationStatus ? { validationStatus: j.ValidationStatus } : {}),
        ...(j.StatusMessage ? { message: j.StatusMessage } : {}),
        createdAt: (j.CreationDate ?? new Date(0)).toISOString(),
        ...(j.CompletionDate ? { completedAt: j.CompletionDate.toISOString() } : {}),
        ...(j.RecoveryPointCreationDate ? { recoveryPointCreatedAt: j.RecoveryPointCreationDate.toISOString() } : {}),
      });
    }
    token = page.NextToken;
  } while (token && ++pages < MAX_PAGES);
  if (token) problems.push(`live: restore jobs of ${planName}: more than ${MAX_PAGES} pages, the oldest were not read`);
  return { planArn, jobs: jobs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)) };
}

/** Every AssumeRole of the break-glass role CloudTrail recorded in the tenant's region since `since`, attempts refused included. */
async function readBreakGlassSessions(cloudtrail: CloudTrailClient, roleArn: string, since: Date, until: Date, problems: string[]): Promise<BreakGlassSessionFact[]> {
  const out: BreakGlassSessionFact[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: roleArn }], StartTime: since, EndTime: until, NextToken: token }));
    for (const e of page.Events ?? []) {
      if (e.EventName !== 'AssumeRole' || !e.CloudTrailEvent) continue;
      const record = JSON.parse(e.CloudTrailEvent) as { eventTime?: string; errorCode?: string; sourceIPAddress?: string; userIdentity?: { arn?: string }; requestParameters?: { roleArn?: string; tags?: Array<{ key?: string; value?: string }> } };
      if (record.requestParameters?.roleArn !== roleArn) continue;
      const ticket = record.requestParameters.tags?.find((t) => t.key === TICKET_TAG)?.value;
      out.push({
        eventId: e.EventId ?? '',
        time: record.eventTime ?? e.EventTime?.toISOString() ?? '',
        principal: record.userIdentity?.arn ?? e.Username ?? 'unknown',
        ...(ticket !== undefined ? { ticket } : {}),
        ...(record.errorCode ? { refused: record.errorCode } : {}),
        ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
      });
    }
    token = page.NextToken;
  } while (token && ++pages < MAX_PAGES);
  if (token) problems.push(`live: break-glass sessions of ${roleArn}: more than ${MAX_PAGES} pages, the oldest were not read`);
  return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
}
