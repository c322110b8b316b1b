import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataTerraformRemoteStateS3, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DataLocation, ITEM_KEY, USER_KEY } from '../functions/shared/contracts';
import { accountStateKey, sharedStacks, PLATFORM_STACK } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { sessionVendingRoleArns, TenantProfile } from '../model/profile';
import { TenantManifest } from '../model/schema/tenant';
import { AppFunctionName, TenantApp } from '../modules/app/tenant-app';
import { BackupPlan } from '../modules/backup/backup-plan';
import { FunctionCode } from '../modules/compute/app-function';
import { TenantTable } from '../modules/data/tenant-table';
import { DedicatedEventRouting } from '../modules/events/dedicated-event-routing';
import { eventsFromAccount, platformEventsFor } from '../contract/event-patterns';
import { Role } from '../modules/iam/role';
import { tenantDataAccessStatements, tokenVendingTrust } from '../contract/tenant-data-policies';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { ServiceKeyUse } from '../contract/key-policy';
import { AlarmTopic } from '../modules/monitoring/alarm-topic';
import { SecureBucket } from '../modules/secure-bucket';
import { AccountBaseline } from '../modules/tenant/account-baseline';
import { AppMembership, AppMembershipProps } from '../modules/tenant/app-membership';
import { TenantEventQueue } from '../modules/tenant/tenant-event-queue';
import { AccountPipelineRoles } from '../modules/iam/account-pipeline-roles';
import { LandingZoneStack, LandingZoneStackProps, PLATFORM_ROLE_VARIABLE } from './landing-zone-stack';
import { PLATFORM_OUTPUTS } from './platform-stack';

/**
 * One tenant's footprint, as its profile (model/profile.ts) describes it.
 *
 * - L1: in the platform account: registry entry, API key, first admin user, event route.
 * - L2: the same membership of the platform app (its registry entry says the data is in the
 *   tenant account), plus, in the tenant account: the account baseline, the tenant's key, its
 *   tables, bucket and backup plan, a data-access role only the platform app can assume, and
 *   the tenant bus with its routes to and from the central bus.
 * - L3: everything L2 has, with all data on the tenant's own key (BYOK), a locked backup
 *   vault, and the app itself (user pool, API, functions, registry, alarms) in the tenant
 *   account. While BYOK is pending the tenant runs as L2 and the plan says why.
 *
 * Construct ids are the same in every tier, so moving up a tier updates resources in place.
 */
export class TenantStack extends LandingZoneStack {
  /** Account id of the tenant account (L2/L3): literal when adopted, else read from the account stack's state. */
  readonly tenantAccountId?: string;
  readonly tenant: TenantManifest;
  readonly profile: TenantProfile;
  private tenantProvider?: AwsProvider;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    if (!props.tenant || !props.profile) throw new Error(`TenantStack ${props.spec.name}: needs a tenant and its profile`);
    this.tenant = props.tenant;
    this.profile = props.profile;
    const { organization, regions } = this.settings;
    // An L3 tenant's stack is applied from its own environment: in the platform account it
    // works through its footprint role (its own entries only), never the deployment role.
    const footprint = this.profile.approval ? { identity: { variable: PLATFORM_ROLE_VARIABLE, defaultRole: tenantNames(this.settings, this.tenant.id).footprintRole } } : {};
    this.awsProvider('aws', { accountId: organization.platformAccountId, region: regions.home, ...footprint });
    if (this.profile.account.side === 'tenant') {
      this.tenantAccountId = this.profile.account.adoptedId ?? this.accountIdFromState();
      this.tenantProvider = this.awsProvider('tenant', { alias: 'tenant', accountId: this.tenantAccountId, region: this.profile.region });
      this.dedicatedTenant();
    } else {
      this.pooledTenant();
    }
  }

  /** L1: everything lives in the platform account, next to the other pooled tenants. */
  private pooledTenant(): void {
    const account = this.settings.organization.platformAccountId;
    const { data } = this.profile;
    this.membership({
      mode: 'pooled',
      accountId: account,
      region: this.profile.region,
      itemsTable: data.itemsTable,
      usersTable: data.usersTable,
      bucket: data.bucketName(account),
      dataAccessRoleArn: `arn:aws:iam::${account}:role/${this.profile.dataAccessRole.name}`,
    });
    this.eventQueue(platformEventsFor(account, this.tenant.id));
  }

  private dedicatedTenant(): void {
    const profile = this.profile;
    const provider = this.tenantProvider!;
    const account = this.tenantAccountId!;
    const own = tenantNames(this.settings, this.tenant.id);
    const { roles, organization } = this.settings;
    // The account's read-only plan role (Organizations created its deployment role).
    const pipelineRoles = new AccountPipelineRoles(this, 'pipeline-roles', {
      accountId: account,
      organizationId: organization.id,
      plan: { roleName: roles.plan, trustedBy: [`arn:aws:iam::${organization.managementAccountId}:role/${roles.pipelinePlan}`] },
      registryTablePatterns: [`arn:aws:dynamodb:*:${account}:table/${own.registryTable}`],
      provider,
    });
    const keys = this.keys(pipelineRoles.planRole);
    new AccountBaseline(this, 'baseline', { ebsKmsKeyArn: keys.dataKeyArn, provider });
    const items = new TenantTable(this, 'items', { tableName: profile.data.itemsTable, sortKey: ITEM_KEY, kmsKeyArn: keys.dataKeyArn, accountId: account, region: profile.region, provider });
    const users = new TenantTable(this, 'users', { tableName: profile.data.usersTable, sortKey: USER_KEY, kmsKeyArn: keys.dataKeyArn, accountId: account, region: profile.region, provider });
    const bucket = new SecureBucket(this, 'data', { bucketName: profile.data.bucketName(account), kmsKeyArn: keys.dataKeyArn, noncurrentVersionExpirationDays: 90, provider });
    this.backupPlan(keys, [items.tableArn, users.tableArn, bucket.bucketArn]);
    const routing = this.eventRouting();
    this.eventQueue(eventsFromAccount(account));

    const data: DataLocation = {
      mode: 'dedicated',
      accountId: account,
      region: profile.region,
      itemsTable: items.tableName,
      usersTable: users.tableName,
      bucket: bucket.bucketName,
      dataAccessRoleArn: `arn:aws:iam::${account}:role/${own.dataAccessRole}`,
      externalId: this.tenant.id,
    };
    const app = profile.app.host === 'tenant' ? this.ownApp(keys.dataKeyArn, data, routing) : undefined;
    if (profile.dataAccessRole.present) {
      // Only the serving app's session-vending roles, from the organization, for this tenant's id and tag.
      new Role(this, 'data-access', {
        roleName: profile.dataAccessRole.name,
        trustPolicy: tokenVendingTrust({
          callerRoleArns: sessionVendingRoleArns(profile, { platform: this.settings.organization.platformAccountId, tenant: account }),
          tenantId: this.tenant.id,
          externalId: this.tenant.id,
          organizationId: this.settings.organization.id,
        }),
        statements: tenantDataAccessStatements({ tableArns: [items.tableArn, users.tableArn], bucketArn: bucket.bucketArn, kmsKey: profile.dataKey.ref, region: profile.region }),
        dependsOn: app ? Object.values(app.functions).map((f) => f.role.role) : undefined,
        provider,
      });
    }
    // The platform keeps every tenant in its registry; it serves the tenant while the profile says so.
    this.membership(data, profile.app.host === 'platform');
  }

  /**
   * The tenant's keys in its account: the landing-zone key (kept in every tier, so whatever was
   * written under it stays readable) and, for imported BYOK, the key of origin EXTERNAL (created
   * without material: no material ever enters state). Returns the ARN of the data key.
   */
  private keys(planRole: Role): { tenantKeyArn: string; dataKeyArn: string } {
    const profile = this.profile;
    const account = this.tenantAccountId!;
    const region = profile.region;
    const own = tenantNames(this.settings, this.tenant.id);
    const { organization, roles } = this.settings;
    const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
    const services: ServiceKeyUse[] = [
      { service: `logs.${region}.amazonaws.com`, conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } } },
      { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
      { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
    ];
    const keyPolicy = {
      administrators: [this.deploymentRoleArn(account), roleArn(roles.breakGlass)],
      users: [roleArn(own.dataAccessRole), roleArn(own.backupRole)],
      readers: [roleArn(roles.plan)],
      // KMS refuses a policy naming a role that does not exist yet.
      dependsOn: [planRole.role],
      services,
      organizationId: organization.id,
      provider: this.tenantProvider!,
    };
    const tenantKey = new CustomerManagedKey(this, 'tenant-key', { description: `Tenant ${this.tenant.id}: landing-zone managed key`, alias: profile.landingZoneKeyAlias!, ...keyPolicy });
    let dataKeyArn = tenantKey.keyArn;
    if (profile.byokKeyAlias) {
      const byok = new CustomerManagedKey(this, 'byok-key', { description: `Tenant ${this.tenant.id}: BYOK, imported key material`, alias: profile.byokKeyAlias, origin: 'EXTERNAL', ...keyPolicy });
      if (profile.dataKey.kind === 'byok-imported') dataKeyArn = byok.keyArn;
    }
    if (profile.byok.state === 'pending') new TerraformOutput(this, 'byok_status', { value: profile.byok.reason! });
    if (profile.dataKey.kind === 'customer-key' && 'arn' in profile.dataKey.ref) dataKeyArn = profile.dataKey.ref.arn;
    return { tenantKeyArn: tenantKey.keyArn, dataKeyArn };
  }

  /** The tenant's backup plan; the first vault keeps the landing-zone key, the locked vault (L3) the data key. */
  private backupPlan(keys: { tenantKeyArn: string; dataKeyArn: string }, resourceArns: string[]): void {
    const { backup } = this.profile;
    const own = tenantNames(this.settings, this.tenant.id);
    new BackupPlan(this, 'backup', {
      vault: { name: backup.vaultName, kmsKeyArn: keys.tenantKeyArn },
      lockedVault: backup.lockedVault ? { name: backup.lockedVault.name, kmsKeyArn: keys.dataKeyArn, changeableForDays: backup.lockedVault.changeableForDays } : undefined,
      planName: backup.planName,
      selectionName: own.backupSelection,
      roleName: own.backupRole,
      schedule: backup.schedule,
      retentionDays: backup.retentionDays,
      coldStorageAfterDays: backup.coldStorageAfterDays,
      resourceArns,
      accountId: this.tenantAccountId!,
      provider: this.tenantProvider,
    });
  }

  /** The tenant bus and its routes to and from the central bus (off while offboarding). */
  private eventRouting(): DedicatedEventRouting {
    const { organization, regions } = this.settings;
    const own = tenantNames(this.settings, this.tenant.id);
    return new DedicatedEventRouting(this, 'routing', {
      tenantId: this.tenant.id,
      tenantAccountId: this.tenantAccountId!,
      platformAccountId: organization.platformAccountId,
      tenantRegion: this.profile.region,
      platformRegion: regions.home,
      centralBusName: platformNames(this.settings).centralBus,
      names: { tenantBus: own.tenantBus, toCentralRule: own.toCentralRule, toTenantRule: own.toTenantRule, forwardRole: own.forwardRole, deliverRole: own.deliverRole },
      enabled: this.profile.access.eventRouting,
      tenantProvider: this.tenantProvider!,
    });
  }

  /** L3: the app in the tenant account, from the same code, at the version the profile names. */
  private ownApp(dataKeyArn: string, data: DataLocation, routing: DedicatedEventRouting): TenantApp {
    const provider = this.tenantProvider!;
    const account = this.tenantAccountId!;
    const region = this.profile.region;
    const own = tenantNames(this.settings, this.tenant.id);
    const { platform, organization } = this.settings;
    const version = this.profile.app.version;
    const codeFor = (fn: AppFunctionName): FunctionCode =>
      version === platform.appVersion ? { kind: 'bundle', name: fn } : { kind: 's3', bucket: platform.artifactsBucket!, key: `app/${version}/${fn}.zip` };
    const registry = new TenantTable(this, 'registry', { tableName: own.registryTable, kmsKeyArn: dataKeyArn, accountId: account, region, stream: false, provider });
    const alarms = new AlarmTopic(this, 'alarms', { topicName: own.alarmTopic, kmsKey: dataKeyArn, accountId: account, region, email: platform.alarmEmail, provider });
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
      logKmsKeyArn: dataKeyArn,
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: alarms.topicArn,
      provider,
    });
    new AppMembership(this, 'own-membership', {
      ...this.memberProps(),
      registryTableName: registry.tableName,
      userPoolId: app.userPool.pool.id,
      usagePlanId: app.api.usagePlans.L3.id,
      appVersion: version,
      data,
      provider,
    });
    return app;
  }

  /**
   * The tenant's entry in the platform registry, with its API key and admin user when the
   * platform app serves it. The entry names the platform's app version.
   */
  private membership(data: DataLocation, access = true): void {
    const platformState = this.platformState();
    new AppMembership(this, 'membership', {
      ...this.memberProps(),
      registryTableName: platformNames(this.settings).registryTable,
      userPoolId: platformState.getString(PLATFORM_OUTPUTS.userPoolId),
      usagePlanId: platformState.getString(PLATFORM_OUTPUTS.usagePlanId(this.tenant.tier)),
      appVersion: this.settings.platform.appVersion,
      data,
      access,
    });
  }

  /** What every app membership of the tenant says about it. */
  private memberProps(): Pick<AppMembershipProps, 'tenantId' | 'tier' | 'status' | 'displayName' | 'adminEmail' | 'offboarding' | 'signIn' | 'apiKey' | 'namePrefix'> {
    const t = this.tenant;
    const owner = t.contacts.find((c) => c.role === 'owner') ?? t.contacts[0];
    return {
      tenantId: t.id,
      tier: t.tier,
      status: t.status,
      displayName: t.displayName,
      adminEmail: owner.email,
      ...(t.offboarding ? { offboarding: t.offboarding } : {}),
      signIn: this.profile.access.signIn,
      apiKey: this.profile.access.apiKey,
      namePrefix: tenantNames(this.settings, t.id).prefix,
    };
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
      enabled: this.profile.access.eventRouting,
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
