import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataTerraformRemoteStateS3, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DataLocation, ITEM_KEY, RegistryMigration, USER_KEY } from '../functions/shared/contracts';
import { PlannedMove, plannedMove } from '../model/migration';
import { accountStateKey, sharedStacks, PLATFORM_STACK } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { TenantManifest } from '../model/schema/tenant';
import { isDedicated } from '../model/tiers';
import { AppFunctionName, SESSION_VENDING_FUNCTIONS, TenantApp, UsersMoveIn } from '../modules/app/tenant-app';
import { BackupPlan } from '../modules/backup/backup-plan';
import { FunctionCode } from '../modules/compute/app-function';
import { TenantTable } from '../modules/data/tenant-table';
import { DedicatedEventRouting } from '../modules/events/dedicated-event-routing';
import { eventsFromAccount, platformEventsFor } from '../modules/events/tenant-event-patterns';
import { userMigrationSourceStatements, userMigrationSourceTrust } from '../modules/iam/migration-policies';
import { Role } from '../modules/iam/role';
import { tenantDataAccessStatements, tokenVendingTrust } from '../modules/iam/tenant-data-policies';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { ServiceKeyUse } from '../modules/kms/key-policy';
import { AlarmTopic } from '../modules/monitoring/alarm-topic';
import { SecureBucket } from '../modules/secure-bucket';
import { AccountBaseline } from '../modules/tenant/account-baseline';
import { AppMembership } from '../modules/tenant/app-membership';
import { TenantEventQueue } from '../modules/tenant/tenant-event-queue';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';
import { PLATFORM_OUTPUTS } from './platform-stack';

/** Days during which the lock of an L3 tenant's vault can still be removed (then it is permanent). */
export const VAULT_LOCK_GRACE_DAYS = 3;

/** The key that encrypts a dedicated tenant's data, and how policies name it. */
interface DataKey {
  readonly arn: string;
  readonly policyRef: { readonly alias: string } | { readonly arn: string };
}

/**
 * One tenant's footprint.
 *
 * - L1: in the platform account: registry entry, API key, first admin user, event route.
 * - L2: the same membership of the platform app (its registry entry says the data is in the
 *   tenant account), plus, in the tenant account: the account baseline, the tenant's key, its
 *   tables, bucket and backup plan, a data-access role only the platform app can assume, and
 *   the tenant bus with its routes to and from the central bus.
 * - L3: everything L2 has, with all data on the tenant's own key (BYOK), a locked backup
 *   vault, and the app itself (user pool, API, functions, registry, alarms) in the tenant
 *   account. Until imported key material is there, the tenant runs as L2 and the plan says why.
 *
 * Construct ids are the same in every tier, so moving up a tier updates resources in place.
 */
export class TenantStack extends LandingZoneStack {
  /** Account id of the tenant account (L2/L3): literal when adopted, else read from the account stack's state. */
  readonly tenantAccountId?: string;
  readonly tenant: TenantManifest;
  /** The move up a tier the manifest records, if any. */
  readonly move?: PlannedMove;
  private tenantProvider?: AwsProvider;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    if (!props.tenant) throw new Error(`TenantStack ${props.spec.name}: needs a tenant`);
    this.tenant = props.tenant;
    this.move = plannedMove(props.tenant);
    const { organization, regions } = this.settings;
    this.awsProvider('aws', { accountId: organization.platformAccountId, region: regions.home });
    if (isDedicated(this.tenant.tier)) {
      this.tenantAccountId = this.tenant.account?.id ?? this.accountIdFromState();
      this.tenantProvider = this.awsProvider('tenant', { alias: 'tenant', accountId: this.tenantAccountId, region: this.tenant.homeRegion });
      this.dedicatedTenant();
    } else {
      this.pooledTenant();
    }
  }

  /** L1: everything lives in the platform account, next to the other pooled tenants. */
  private pooledTenant(): void {
    this.membership(this.pooledLocation());
    this.eventQueue(platformEventsFor(this.settings.organization.platformAccountId, this.tenant.id));
  }

  /** The pooled tables and bucket of the platform account (where an L1 tenant's data is). */
  private pooledLocation(): DataLocation {
    const { organization, regions } = this.settings;
    const account = organization.platformAccountId;
    const shared = platformNames(this.settings);
    return {
      mode: 'pooled',
      accountId: account,
      region: regions.home,
      itemsTable: shared.itemsTable,
      usersTable: shared.usersTable,
      bucket: shared.pooledBucket(account, regions.home),
      dataAccessRoleArn: `arn:aws:iam::${account}:role/${shared.dataAccessRole}`,
    };
  }

  /** A move whose old copy is not acknowledged for deletion yet: `lz migrate` still needs to reach the tenant. */
  private get moveUnderway(): boolean {
    return this.move !== undefined && !this.move.cleanupAcknowledged;
  }

  private dedicatedTenant(): void {
    const tenant = this.tenant;
    const { organization, regions, roles, platform } = this.settings;
    const provider = this.tenantProvider!;
    const account = this.tenantAccountId!;
    const region = tenant.homeRegion;
    const own = tenantNames(this.settings, tenant.id);
    const shared = platformNames(this.settings);
    const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
    const dataAccessRoleArn = roleArn(own.dataAccessRole);
    const offboarding = tenant.status === 'offboarding';

    const services: ServiceKeyUse[] = [
      { service: `logs.${region}.amazonaws.com`, conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } } },
      { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
      { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
    ];
    const keyPolicy = {
      administrators: [this.deploymentRoleArn(account), roleArn(roles.breakGlass)],
      users: [dataAccessRoleArn, roleArn(own.backupRole)],
      services,
      organizationId: organization.id,
      provider,
    };
    // The landing zone's key of this tenant: L2 data is encrypted with it; in L3 it is kept so
    // that whatever was written under it before the move stays readable.
    const tenantKey = new CustomerManagedKey(this, 'tenant-key', { description: `Tenant ${tenant.id}: landing-zone managed key`, alias: own.kmsAlias, ...keyPolicy });

    let dataKey: DataKey = { arn: tenantKey.keyArn, policyRef: { alias: own.kmsAlias } };
    let byokReady = false;
    if (tenant.tier === 'L3' && tenant.encryption) {
      if (tenant.encryption.byok === 'imported') {
        // Created without key material (origin EXTERNAL): no material ever enters state.
        const byok = new CustomerManagedKey(this, 'byok-key', { description: `Tenant ${tenant.id}: BYOK, imported key material`, alias: own.byokKmsAlias, origin: 'EXTERNAL', ...keyPolicy });
        byokReady = tenant.encryption.keyMaterialImported === true;
        if (byokReady) dataKey = { arn: byok.keyArn, policyRef: { alias: own.byokKmsAlias } };
        else {
          new TerraformOutput(this, 'byok_status', {
            value: `BYOK key ${own.byokKmsAlias} has no key material yet: tenant ${tenant.id} runs as L2 on the landing-zone key until the customer imports it and the manifest says encryption.keyMaterialImported: true`,
          });
        }
      } else {
        byokReady = true;
        dataKey = { arn: tenant.encryption.keyArn!, policyRef: { arn: tenant.encryption.keyArn! } };
      }
    }
    const ownApp = tenant.tier === 'L3' && byokReady;

    new AccountBaseline(this, 'baseline', { ebsKmsKeyArn: dataKey.arn, provider });
    const items = new TenantTable(this, 'items', { tableName: own.itemsTable, sortKey: ITEM_KEY, kmsKeyArn: dataKey.arn, accountId: account, region, provider });
    const users = new TenantTable(this, 'users', { tableName: own.usersTable, sortKey: USER_KEY, kmsKeyArn: dataKey.arn, accountId: account, region, provider });
    const bucket = new SecureBucket(this, 'data', { bucketName: own.dataBucket(account, region), kmsKeyArn: dataKey.arn, noncurrentVersionExpirationDays: 90, provider });
    const backup = tenant.backup!;
    new BackupPlan(this, 'backup', {
      vault: { name: own.backupVault, kmsKeyArn: tenantKey.keyArn },
      lockedVault: ownApp ? { name: own.lockedBackupVault, kmsKeyArn: dataKey.arn, changeableForDays: VAULT_LOCK_GRACE_DAYS } : undefined,
      planName: own.backupPlan,
      selectionName: own.backupSelection,
      roleName: own.backupRole,
      schedule: backup.schedule,
      retentionDays: backup.retentionDays,
      coldStorageAfterDays: backup.coldStorageAfterDays,
      resourceArns: [items.tableArn, users.tableArn, bucket.bucketArn],
      accountId: account,
      provider,
    });

    const routing = new DedicatedEventRouting(this, 'routing', {
      tenantId: tenant.id,
      tenantAccountId: account,
      platformAccountId: organization.platformAccountId,
      tenantRegion: region,
      platformRegion: regions.home,
      centralBusName: shared.centralBus,
      names: { tenantBus: own.tenantBus, toCentralRule: own.toCentralRule, toTenantRule: own.toTenantRule, forwardRole: own.forwardRole, deliverRole: own.deliverRole },
      enabled: !offboarding,
      tenantProvider: provider,
    });
    this.eventQueue(eventsFromAccount(account));

    const data: DataLocation = {
      mode: 'dedicated',
      accountId: account,
      region,
      itemsTable: items.tableName,
      usersTable: users.tableName,
      bucket: bucket.bucketName,
      dataAccessRoleArn,
      externalId: tenant.id,
    };
    let sessionVendingRoles = SESSION_VENDING_FUNCTIONS.map((fn) => `arn:aws:iam::${organization.platformAccountId}:role/${shared.appRole(fn)}`);
    let appRoles: TenantApp | undefined;
    if (ownApp) {
      appRoles = this.ownApp(dataKey, data, routing);
      sessionVendingRoles = appRoles.sessionVendingRoleArns;
    }
    // While a move is under way, `lz migrate` reaches the tenant's data through the same kind of tagged session.
    if (this.moveUnderway) sessionVendingRoles = [...sessionVendingRoles, `arn:aws:iam::${organization.platformAccountId}:role/${shared.migrationRole}`];
    if (!offboarding) {
      // Only the app's session-vending roles (and the migration role during a move), from the organization, for this tenant's id and tag.
      new Role(this, 'data-access', {
        roleName: own.dataAccessRole,
        trustPolicy: tokenVendingTrust({ callerRoleArns: sessionVendingRoles, tenantId: tenant.id, externalId: tenant.id, organizationId: organization.id }),
        statements: tenantDataAccessStatements({ tableArns: [items.tableArn, users.tableArn], bucketArn: bucket.bucketArn, kmsKey: dataKey.policyRef, region }),
        dependsOn: appRoles ? Object.values(appRoles.functions).map((f) => f.role.role) : undefined,
        provider,
      });
    }
    // The platform keeps every tenant in its registry; it serves L2 (and L3 until BYOK is ready).
    // A data move keeps the pooled location serving until `lz migrate` has verified the copy.
    const migration: RegistryMigration | undefined = this.move?.kind === 'data' ? { id: this.move.id, from: this.pooledLocation() } : undefined;
    this.membership(data, {
      apiKey: !ownApp,
      // The users moving to the own pool sign in to the shared one until the cleanup is acknowledged.
      adminUser: !ownApp || (this.move?.kind === 'users' && this.moveUnderway),
      ownApp,
      migration,
      appVersion: platform.appVersion,
    });
  }

  /** L3: the app in the tenant account, from the same code, at the pinned version or the platform's. */
  private ownApp(dataKey: DataKey, data: DataLocation, routing: DedicatedEventRouting): TenantApp {
    const tenant = this.tenant;
    const provider = this.tenantProvider!;
    const account = this.tenantAccountId!;
    const region = tenant.homeRegion;
    const own = tenantNames(this.settings, tenant.id);
    const { platform, organization } = this.settings;
    const version = tenant.appVersion ?? platform.appVersion;
    const codeFor = (fn: AppFunctionName): FunctionCode =>
      version === platform.appVersion ? { kind: 'bundle', name: fn } : { kind: 's3', bucket: platform.artifactsBucket!, key: `app/${version}/${fn}.zip` };
    const registry = new TenantTable(this, 'registry', { tableName: own.registryTable, kmsKeyArn: dataKey.arn, accountId: account, region, stream: false, provider });
    const usersMoveIn = this.usersMoveIn();
    const alarms = new AlarmTopic(this, 'alarms', { topicName: own.alarmTopic, kmsKey: dataKey.arn, accountId: account, region, email: platform.alarmEmail, provider });
    const app = new TenantApp(this, 'app', {
      names: own,
      accountId: account,
      region,
      organizationId: organization.id,
      appVersion: version,
      codeFor,
      registryTable: { name: registry.tableName, arn: registry.tableArn },
      eventBus: { name: routing.tenantBus.busName, arn: routing.tenantBus.busArn },
      dataAccessRoles: [{ arn: data.dataAccessRoleArn }],
      identity: platform.identity,
      throttling: platform.throttling,
      logKmsKeyArn: dataKey.arn,
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: alarms.topicArn,
      usersMoveIn,
      provider,
    });
    if (app.userMigration) {
      // In the platform account: lets this tenant's trigger, and nothing else, check passwords against the shared pool.
      new Role(this, 'user-migration-source', {
        roleName: own.userMigrationSourceRole,
        trustPolicy: userMigrationSourceTrust(app.userMigration.roleArn, organization.id),
        statements: userMigrationSourceStatements(this.platformState().getString(PLATFORM_OUTPUTS.userPoolArn)),
        // IAM wants a trusted role to exist first.
        dependsOn: [app.userMigration.role.role],
      });
    }
    new TerraformOutput(this, 'own_user_pool_id', { value: app.userPool.pool.id });
    new AppMembership(this, 'own-membership', {
      tenant,
      namePrefix: own.prefix,
      registryTableName: registry.tableName,
      userPoolId: app.userPool.pool.id,
      usagePlanId: app.api.usagePlans.L3.id,
      appVersion: version,
      data,
      // Users who moved in from the shared pool include the admin: it is not created again here.
      adminUser: usersMoveIn === undefined,
      provider,
    });
    return app;
  }

  /** An own app that users move into from the shared pool (the L2 to L3 move), with its trigger while the move lasts. */
  private usersMoveIn(): UsersMoveIn | undefined {
    if (this.move?.kind !== 'users') return undefined;
    if (!this.moveUnderway) return { previousUserIdAttribute: true };
    const platformState = this.platformState();
    return {
      previousUserIdAttribute: true,
      trigger: {
        tenantId: this.tenant.id,
        sourceUserPoolId: platformState.getString(PLATFORM_OUTPUTS.userPoolId),
        sourceClientId: platformState.getString(PLATFORM_OUTPUTS.userMigrationClientId),
        sourceRoleArn: `arn:aws:iam::${this.settings.organization.platformAccountId}:role/${tenantNames(this.settings, this.tenant.id).userMigrationSourceRole}`,
      },
    };
  }

  /** The tenant's entry in the platform registry, with its API key and admin user when the platform app serves it. */
  private membership(data: DataLocation, opts: { apiKey?: boolean; adminUser?: boolean; ownApp?: boolean; migration?: RegistryMigration; appVersion?: string } = {}): void {
    const platformState = this.platformState();
    new AppMembership(this, 'membership', {
      tenant: this.tenant,
      namePrefix: tenantNames(this.settings, this.tenant.id).prefix,
      registryTableName: platformNames(this.settings).registryTable,
      userPoolId: platformState.getString(PLATFORM_OUTPUTS.userPoolId),
      usagePlanId: platformState.getString(PLATFORM_OUTPUTS.usagePlanId(this.tenant.tier)),
      appVersion: opts.appVersion ?? this.settings.platform.appVersion,
      data,
      apiKey: opts.apiKey,
      adminUser: opts.adminUser,
      ownApp: opts.ownApp,
      migration: opts.migration,
    });
  }

  /** The tenant's queue in the platform account and the central-bus rule that feeds it. */
  private eventQueue(pattern: Record<string, unknown>): void {
    const { organization, regions } = this.settings;
    const shared = platformNames(this.settings);
    const own = tenantNames(this.settings, this.tenant.id);
    new TenantEventQueue(this, 'events', {
      tenantId: this.tenant.id,
      eventPattern: pattern,
      ruleName: own.pooledRule,
      queueName: own.eventsQueue,
      busName: shared.centralBus,
      deadLetterQueueArn: `arn:aws:sqs:${regions.home}:${organization.platformAccountId}:${shared.eventsDlq}`,
      kmsKey: shared.kmsAlias,
      accountId: organization.platformAccountId,
      region: regions.home,
      enabled: this.tenant.status !== 'offboarding',
    });
  }

  /** Outputs of the platform stack (user pool, usage plans), read from its state. */
  private platformState(): DataTerraformRemoteStateS3 {
    const existing = this.node.tryFindChild('platform-state');
    if (existing) return existing as DataTerraformRemoteStateS3;
    const spec = sharedStacks().find((s) => s.name === PLATFORM_STACK)!;
    return new DataTerraformRemoteStateS3(this, 'platform-state', { bucket: this.settings.state.bucket, key: spec.stateKey, region: this.settings.state.region, encrypt: true });
  }

  private accountIdFromState(): string {
    const state = new DataTerraformRemoteStateS3(this, 'account-state', {
      bucket: this.settings.state.bucket,
      key: accountStateKey(this.tenant.id),
      region: this.settings.state.region,
      encrypt: true,
    });
    return state.getString('account_id');
  }
}
