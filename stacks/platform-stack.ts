import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { APP_FUNCTIONS, ITEM_KEY, USER_KEY } from '../functions/shared/contracts';
import { platformNames } from '../model/names';
import { TenantApp } from '../modules/app/tenant-app';
import { BackupPlan } from '../modules/backup/backup-plan';
import { TenantTable } from '../modules/data/tenant-table';
import { EventBus } from '../modules/events/event-bus';
import { policyDocument } from '../contract/policy-document';
import { migrationRoleStatements, migrationRoleTrust } from '../contract/migration-policies';
import { Role } from '../modules/iam/role';
import { tenantDataAccessStatements, tokenVendingTrust } from '../contract/tenant-data-policies';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { AlarmTopic } from '../modules/monitoring/alarm-topic';
import { SecureBucket } from '../modules/secure-bucket';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/** Names of the platform stack outputs that tenant stacks read through remote state. */
export const PLATFORM_OUTPUTS = {
  userPoolId: 'user_pool_id',
  userPoolArn: 'user_pool_arn',
  /** The shared pool's app client for user migration triggers. */
  userMigrationClientId: 'user_migration_client_id',
  apiId: 'api_id',
  usagePlanId: (tier: string) => `usage_plan_${tier.toLowerCase()}_id`,
} as const;

/**
 * The shared platform account: identity, the shared API and functions, pooled data, the
 * tenant registry and the central event bus. Independent of the tenant set: tenants add
 * their footprint from their own stacks, so adding a tenant never changes this stack.
 */
export class PlatformStack extends LandingZoneStack {
  readonly platformKey: CustomerManagedKey;
  readonly app: TenantApp;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, regions, roles, platform } = this.settings;
    const account = organization.platformAccountId;
    const region = regions.home;
    this.awsProvider('aws', { accountId: account, region });
    const names = platformNames(this.settings);

    this.platformKey = new CustomerManagedKey(this, 'platform-key', {
      description: 'Platform CMK: pooled (L1) tenant data, registry, logs, queues, alarms',
      alias: names.kmsAlias,
      administrators: [this.deploymentRoleArn(account), `arn:aws:iam::${account}:role/${roles.breakGlass}`],
      // Through the services only (contract/key-policy.ts): tenant sessions reach the pooled
      // tables and bucket, the app's functions read the registry, AWS Backup copies the data.
      users: [
        { principals: [`arn:aws:iam::${account}:role/${names.dataAccessRole}`], via: ['dynamodb', 's3'] },
        { principals: [`arn:aws:iam::${account}:role/${names.backupRole}`], via: ['backup', 'dynamodb', 's3'] },
        { principals: APP_FUNCTIONS.map((fn) => `arn:aws:iam::${account}:role/${names.appRole(fn)}`), via: ['dynamodb'] },
      ],
      accountId: account,
      region,
      // The read-only plan role (created by the bootstrap stack) refreshes the key.
      readers: [`arn:aws:iam::${account}:role/${roles.plan}`],
      services: [
        { service: `logs.${region}.amazonaws.com`, conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } } },
        { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
        { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
      ],
      organizationId: organization.id,
    });
    const keyArn = this.platformKey.keyArn;

    const items = new TenantTable(this, 'items', { tableName: names.itemsTable, sortKey: ITEM_KEY, kmsKeyArn: keyArn, accountId: account, region });
    const users = new TenantTable(this, 'users', { tableName: names.usersTable, sortKey: USER_KEY, kmsKeyArn: keyArn, accountId: account, region });
    const registry = new TenantTable(this, 'registry', { tableName: names.registryTable, kmsKeyArn: keyArn, accountId: account, region, stream: false });
    const bucket = new SecureBucket(this, 'pooled-data', { bucketName: names.pooledBucket(account, region), kmsKeyArn: keyArn, noncurrentVersionExpirationDays: 90 });

    const alarms = new AlarmTopic(this, 'alarms', { topicName: names.alarmTopic, kmsKey: names.kmsAlias, accountId: account, region, email: platform.alarmEmail });

    const bus = new EventBus(this, 'central-bus', {
      busName: names.centralBus,
      accountId: account,
      region,
      policy: (busArn) =>
        policyDocument({
          Sid: 'PutEventsFromTheOrganization',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': organization.id } },
        }),
      archive: { name: names.centralArchive, retentionDays: 365 },
      deadLetterQueue: { name: names.eventsDlq, kmsKey: names.kmsAlias },
    });

    this.app = new TenantApp(this, 'app', {
      names,
      host: 'platform',
      accountId: account,
      region,
      organizationId: organization.id,
      appVersion: platform.appVersion,
      codeFor: (fn) => ({ kind: 'bundle', name: fn }),
      registryTable: { name: registry.tableName, arn: registry.tableArn, keyArn },
      eventBus: { name: bus.busName, arn: bus.busArn },
      dataAccessRoles: [
        { arn: `arn:aws:iam::${account}:role/${names.dataAccessRole}` },
        // Dedicated tenants' data-access roles, in their own accounts of this organization.
        { arn: `arn:aws:iam::*:role/${this.settings.name}-*-data-access`, condition: { StringEquals: { 'aws:ResourceOrgID': organization.id } } },
      ],
      identity: platform.identity,
      throttling: platform.throttling,
      requestsPerIpPer5Minutes: platform.protection.apiRequestsPerIpPer5Minutes,
      signInReservedConcurrency: platform.protection.signInReservedConcurrency,
      logKmsKeyArn: keyArn,
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: alarms.topicArn,
      userMigrationClientName: names.userMigrationClient,
    });

    // What `lz migrate` acts through: tenant sessions, the registry's migration records, the shared pool's users.
    const pooledDataAccessArn = `arn:aws:iam::${account}:role/${names.dataAccessRole}`;
    const migration = new Role(this, 'tenant-migration', {
      roleName: names.migrationRole,
      trustPolicy: migrationRoleTrust(`arn:aws:iam::${organization.managementAccountId}:role/${roles.pipeline}`),
      statements: migrationRoleStatements({
        dataAccessRoleArns: [pooledDataAccessArn, `arn:aws:iam::*:role/${this.settings.name}-*-data-access`],
        organizationId: organization.id,
        registryTableArn: registry.tableArn,
        sharedUserPoolArn: this.app.userPool.pool.arn,
      }),
    });

    const dataAccess = new Role(this, 'data-access', {
      roleName: names.dataAccessRole,
      trustPolicy: tokenVendingTrust({ callerRoleArns: [...this.app.sessionVendingRoleArns, `arn:aws:iam::${account}:role/${names.migrationRole}`] }),
      statements: tenantDataAccessStatements({ tableArns: [items.tableArn, users.tableArn], bucketArn: bucket.bucketArn, kmsKey: { alias: names.kmsAlias }, region }),
      // The trust policy names the app roles literally; IAM wants them to exist first.
      dependsOn: [...Object.values(this.app.functions).map((f) => f.role.role), migration.role],
    });

    const backup = new BackupPlan(this, 'backup', {
      vault: { name: names.backupVault, kmsKeyArn: keyArn },
      planName: names.backupPlan,
      selectionName: names.backupSelection,
      roleName: names.backupRole,
      schedule: platform.backup.schedule,
      retentionDays: platform.backup.retentionDays,
      resourceArns: [items.tableArn, users.tableArn, registry.tableArn, bucket.bucketArn],
      accountId: account,
    });

    this.platformKey.dependOn(dataAccess.role, backup.role.role, ...Object.values(this.app.functions).map((f) => f.role.role));

    new TerraformOutput(this, PLATFORM_OUTPUTS.userPoolId, { value: this.app.userPool.pool.id });
    new TerraformOutput(this, PLATFORM_OUTPUTS.userPoolArn, { value: this.app.userPool.pool.arn });
    new TerraformOutput(this, PLATFORM_OUTPUTS.userMigrationClientId, { value: this.app.userPool.migrationClient!.id });
    new TerraformOutput(this, PLATFORM_OUTPUTS.apiId, { value: this.app.api.api.id });
    for (const [tier, plan] of Object.entries(this.app.api.usagePlans)) {
      new TerraformOutput(this, PLATFORM_OUTPUTS.usagePlanId(tier), { value: plan.id });
    }
  }
}
