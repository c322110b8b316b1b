import { LandingZoneSettings } from './schema/settings';

/**
 * Every AWS name the landing zone derives, with the limit AWS puts on it. Names are built
 * only through `derive`, which refuses a name over its limit: ids are validated to at most
 * 20 characters and the prefix to 8, and a test derives every name for the longest id,
 * prefix and region to prove they all fit.
 */
export const NAME_LIMITS = {
  organizationsAccountName: 50,
  iamRoleName: 64,
  iamPolicyName: 128,
  s3BucketName: 63,
  dynamodbTableName: 255,
  kmsAliasName: 256,
  lambdaFunctionName: 64,
  logGroupName: 512,
  eventBusName: 256,
  eventRuleName: 64,
  eventArchiveName: 48,
  sqsQueueName: 80,
  snsTopicName: 256,
  backupVaultName: 50,
  backupPlanName: 50,
  backupSelectionName: 50,
  cognitoUserPoolName: 128,
  cognitoClientName: 128,
  cognitoDomainPrefix: 63,
  apiName: 128,
  cloudwatchAlarmName: 255,
  scpName: 128,
  budgetName: 100,
  ssoPermissionSetName: 32,
  restoreTestingName: 50,
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

export class NameTooLongError extends Error {}

export function derive(kind: NameKind, name: string, measuredAs: string = name): string {
  const limit = NAME_LIMITS[kind];
  if (measuredAs.length > limit) throw new NameTooLongError(`${kind} "${measuredAs}" is ${measuredAs.length} characters; AWS allows ${limit}`);
  return name;
}

/**
 * An account id inside a name may be a Terraform reference (an account created in the same
 * run); its length is checked as the 12 digits it will be.
 */
function accountPart(accountId: string): string {
  return /^\d{12}$/.test(accountId) ? accountId : '000000000000';
}

const sharedNames = new Map<string, ReturnType<typeof derivePlatformNames>>();

/** Names in the shared (platform and management) accounts (derived once per prefix). */
export function platformNames(settings: Pick<LandingZoneSettings, 'name'>): ReturnType<typeof derivePlatformNames> {
  let names = sharedNames.get(settings.name);
  if (!names) {
    names = derivePlatformNames(settings.name);
    sharedNames.set(settings.name, names);
  }
  return names;
}

function derivePlatformNames(p: string) {
  return {
    prefix: p,
    kmsAlias: derive('kmsAliasName', `alias/${p}/platform`),
    itemsTable: derive('dynamodbTableName', `${p}-items`),
    usersTable: derive('dynamodbTableName', `${p}-users`),
    registryTable: derive('dynamodbTableName', `${p}-tenant-registry`),
    centralBus: derive('eventBusName', `${p}-central`),
    centralArchive: derive('eventArchiveName', `${p}-central-archive`),
    eventsDlq: derive('sqsQueueName', `${p}-central-events-dlq`),
    userPool: derive('cognitoUserPoolName', `${p}-users`),
    userPoolClient: derive('cognitoClientName', `${p}-web`),
    api: derive('apiName', `${p}-tenant-api`),
    dataAccessRole: derive('iamRoleName', `${p}-tenant-data-access`),
    /** Role `lz migrate` acts through in the platform account: it can only vend tenant sessions, read the registry and write migration records. */
    migrationRole: derive('iamRoleName', `${p}-tenant-migration`),
    /** App client of the shared pool that the user migration triggers of L3 pools authenticate with. */
    userMigrationClient: derive('cognitoClientName', `${p}-user-migration`),
    appRole: (fn: string) => derive('iamRoleName', `${p}-${fn}-fn`),
    functionName: (fn: string) => derive('lambdaFunctionName', `${p}-${fn}`),
    alarmTopic: derive('snsTopicName', `${p}-platform-alarms`),
    backupVault: derive('backupVaultName', `${p}-platform-vault`),
    backupPlan: derive('backupPlanName', `${p}-platform-daily`),
    backupRole: derive('iamRoleName', `${p}-platform-backup`),
    backupSelection: derive('backupSelectionName', `${p}-pooled-data`),
    /** Includes account and region: bucket names are global. */
    pooledBucket: (accountId: string, region: string) => derive('s3BucketName', `${p}-pooled-${accountId}-${region}`, `${p}-pooled-${accountPart(accountId)}-${region}`),
    stateBucket: (bucket: string) => derive('s3BucketName', bucket),
    stateKeyAlias: derive('kmsAliasName', `alias/${p}/terraform-state`),
    /** Every L3 tenant's apply role (management account) matches this; the state bucket and key name them by it. */
    tenantApplyRolePattern: derive('iamRoleName', `${p}-*-pipeline-apply`),
    scp: (what: string) => derive('scpName', `${p}-${what}`),
    readOnlyPermissionSet: derive('ssoPermissionSetName', `${p}-SupportReadOnly`),
    breakGlassPermissionSet: derive('ssoPermissionSetName', `${p}-BreakGlass`),
  };
}

/** Names of one tenant's resources (in the tenant account for L2/L3, in the platform account for L1). */
export function tenantNames(settings: Pick<LandingZoneSettings, 'name'>, tenantId: string) {
  const p = `${settings.name}-${tenantId}`;
  return {
    prefix: p,
    accountName: derive('organizationsAccountName', p),
    kmsAlias: derive('kmsAliasName', `alias/${settings.name}/tenant/${tenantId}`),
    itemsTable: derive('dynamodbTableName', `${p}-items`),
    usersTable: derive('dynamodbTableName', `${p}-users`),
    /** Includes account and region: bucket names are global. */
    dataBucket: (accountId: string, region: string) => derive('s3BucketName', `${p}-${accountId}-${region}`, `${p}-${accountPart(accountId)}-${region}`),
    tenantBus: derive('eventBusName', `${p}-bus`),
    toCentralRule: derive('eventRuleName', `${p}-to-central`),
    fromTenantRule: derive('eventRuleName', `${p}-from-tenant`),
    toTenantRule: derive('eventRuleName', `${p}-to-tenant`),
    pooledRule: derive('eventRuleName', `${p}-events`),
    eventsQueue: derive('sqsQueueName', `${p}-events`),
    eventsDlq: derive('sqsQueueName', `${p}-events-dlq`),
    forwardRole: derive('iamRoleName', `${p}-event-forward`),
    deliverRole: derive('iamRoleName', `${p}-event-deliver`),
    byokKmsAlias: derive('kmsAliasName', `alias/${settings.name}/tenant/${tenantId}/byok`),
    lockedBackupVault: derive('backupVaultName', `${p}-vault-locked`),
    registryTable: derive('dynamodbTableName', `${p}-tenant-registry`),
    dataAccessRole: derive('iamRoleName', `${p}-data-access`),
    /** In the platform account: the role this tenant's user migration trigger checks passwords against the shared pool with. */
    userMigrationSourceRole: derive('iamRoleName', `${p}-user-migration-source`),
    backupVault: derive('backupVaultName', `${p}-vault`),
    backupPlan: derive('backupPlanName', `${p}-plan`),
    backupSelection: derive('backupSelectionName', `${p}-data`),
    backupRole: derive('iamRoleName', `${p}-backup`),
    keyAdminRole: derive('iamRoleName', `${p}-key-admin`),
    userPool: derive('cognitoUserPoolName', `${p}-users`),
    userPoolClient: derive('cognitoClientName', `${p}-web`),
    api: derive('apiName', `${p}-api`),
    functionName: (fn: string) => derive('lambdaFunctionName', `${p}-${fn}`),
    appRole: (fn: string) => derive('iamRoleName', `${p}-${fn}-fn`),
    alarmTopic: derive('snsTopicName', `${p}-alarms`),
    alarm: (what: string) => derive('cloudwatchAlarmName', `${p}-${what}`),
    budget: derive('budgetName', `${p}-monthly`),
    residencyScp: derive('scpName', `${settings.name}-residency-${tenantId}`),
    /** Restore testing names allow letters, digits and underscores only (tenant ids have no underscores, so this stays unique). */
    restoreTestingPlan: derive('restoreTestingName', `${p.replace(/-/g, '_')}_restore_tests`),
    restoreTestingSelection: (what: string) => derive('restoreTestingName', `${p.replace(/-/g, '_')}_${what}`),
    breakGlassRole: derive('iamRoleName', `${p}-support-break-glass`),
    breakGlassTopic: derive('snsTopicName', `${p}-break-glass`),
    breakGlassRule: derive('eventRuleName', `${p}-break-glass`),
    /** L3: the role the tenant's deployment environment signs in to (management account). */
    pipelineApplyRole: derive('iamRoleName', `${p}-pipeline-apply`),
    /** L3: what the tenant's stack may change in the platform account (registry entry, queue, rule, key, user). */
    footprintRole: derive('iamRoleName', `${p}-pipeline-footprint`),
  };
}
