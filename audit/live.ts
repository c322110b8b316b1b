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
import { LiveFacts } from './context';

export interface LiveClients {
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
  /** DynamoDB client in the tenant account (credentials from AssumeRole). */
  readonly dynamodbFor: (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string) => DynamoDBClient;
}

export interface LiveOptions {
  /** Role assumed in tenant accounts to read them. @default the deployment role */
  readonly roleName?: string;
}

function message(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

/**
 * Reads what AWS says about one dedicated tenant: its account in Organizations (status, parent
 * OU, the SCPs on that OU, tags), and, through a role assumed in the tenant account, the
 * point-in-time recovery and encryption of its tables. Failures become problems, not crashes.
 */
export async function readLiveFacts(clients: LiveClients, settings: LandingZoneSettings, tenant: TenantManifest, profile: TenantProfile, accountId: string | undefined, opts: LiveOptions = {}): Promise<LiveFacts> {
  const problems: string[] = [];
  if (!profile.dedicated) return { problems };
  if (!accountId || !/^\d{12}$/.test(accountId)) return { problems: [`live: the account id of ${tenant.id} is not known (no account stack state)`] };
  const facts: { account?: LiveFacts['account']; tables?: Record<string, { pitr: boolean; sseKeyArn?: string }> } = {};
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
    facts.account = {
      id: accountId,
      status: Account?.State ?? Account?.Status,
      parentOuName,
      scpNames,
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
  } catch (e) {
    problems.push(`live: tenant account ${accountId}: ${message(e)}`);
  }
  return { ...facts, problems };
}
