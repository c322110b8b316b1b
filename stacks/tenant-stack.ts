import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, DataTerraformRemoteStateS3, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { APP_FUNCTIONS, DataLocation, ITEM_KEY, USER_KEY } from '../functions/shared/contracts';
import { accountStateKey, sharedStacks, PLATFORM_STACK } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { pooledPlacement, sessionVendingRoleArns, TenantProfile, tenantProfile, usersMoveUnderway } from '../model/profile';
import { Tier } from '../model/tiers';
import { isProtectedResourceType } from '../terraform/protected-resources';
import { TenantManifest } from '../model/schema/tenant';
import { AppFunctionName, TenantApp, UsersMoveIn } from '../modules/app/tenant-app';
import { BackupPlan } from '../modules/backup/backup-plan';
import { RestoreTesting } from '../modules/backup/restore-testing';
import { TenantBudget } from '../modules/cost/tenant-budget';
import { BreakGlassAccess } from '../modules/support/break-glass-access';
import { breakGlassTrust } from '../contract/support-access';
import { FunctionCode } from '../modules/compute/app-function';
import { TenantTable } from '../modules/data/tenant-table';
import { DedicatedEventRouting } from '../modules/events/dedicated-event-routing';
import { eventsFromAccount, platformEventsFor } from '../contract/event-patterns';
import { Role } from '../modules/iam/role';
import { tenantDataAccessStatements, tokenVendingTrust } from '../contract/tenant-data-policies';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { KeyUser, ServiceKeyUse } from '../contract/key-policy';
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
 * - A move up a tier (`profile.move`): while it is under way the data-access roles also trust
 *   the platform's migration role (`lz migrate`); a data move (L1 to L2) leaves the registry
 *   entry serving the pooled location until the copy is verified; a users move (L2 to L3) gives
 *   the own pool a user migration trigger and keeps the users in the shared pool until the
 *   cleanup is acknowledged.
 * - Running it: an L1 tenant's budget (by its tag, in the platform account); for L2/L3 the
 *   restore tests of its backups and, while the profile assigns break-glass, the break-glass
 *   role and its alarm in the tenant account.
 *
 * Construct ids are the same in every tier, so moving up a tier updates resources in place.
 */
export class TenantStack extends LandingZoneStack {
  /** Account id of the tenant account (L2/L3): literal when adopted, else read from the account stack's state. */
  readonly tenantAccountId?: string;
  readonly tenant: TenantManifest;
  readonly profile: TenantProfile;
  private tenantProvider?: AwsProvider;
  /** The keys of the tenant account; their policies name roles, which must exist first. */
  private readonly tenantKeys: CustomerManagedKey[] = [];

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
    if (this.profile.releasedFrom) this.release(props, this.profile.releasedFrom);
  }

  /**
   * An acknowledged tier downgrade: what the previous tier had and this one does not is released
   * with `removed` blocks (`lifecycle.destroy = false`), so Terraform forgets it and AWS keeps it,
   * data included; the plan shows a forget, never a delete.
   *
   * | move | released (forgotten) | deleted (access, like offboarding) |
   * |---|---|---|
   * | L3 to L2 | the own app's data-bearing resources (user pool, registry table, log groups), the BYOK key, the locked vault and its lock | the own app's functions, API, roles, alarms |
   * | L2 or L3 to L1 | everything in the tenant account: the account is left as it was, for the account-closure step | the platform-side routes to the tenant bus |
   *
   * Leaving the account, the stack keeps a provider for it (its id from the account stack's
   * state, which stays), because Terraform needs one to forget what it made there.
   */
  private release(props: LandingZoneStackProps, from: Tier): void {
    const leavesAccount = !this.tenantProvider;
    if (!this.tenantProvider) this.tenantProvider = this.awsProvider('tenant', { alias: 'tenant', accountId: this.accountIdFromState(), region: this.settings.regions.home });
    const kept = new Set(managedResources(this).map((r) => r.address));
    const released = new Map<string, string>();
    for (const manifest of previousManifests(this.tenant, from)) {
      const before = new TenantStack(new App({ stackTraces: false }), { ...props, tenant: manifest, profile: tenantProfile(this.settings, manifest) });
      for (const r of managedResources(before)) {
        if (r.provider !== 'tenant' || kept.has(r.address)) continue;
        if (leavesAccount || isProtectedResourceType(r.type) || KEPT_ON_RELEASE.includes(r.type)) released.set(r.address, r.type);
      }
    }
    const addresses = [...released.keys()].sort();
    this.addOverride('removed', addresses.map((address) => ({ from: address, lifecycle: { destroy: false } })));
    new TerraformOutput(this, 'tier_downgrade', {
      value: `tier ${from} to ${this.profile.tier}: ${addresses.length} resources of ${from} are released (Terraform forgets them, nothing is destroyed)${leavesAccount ? '; the tenant account is left as it was, for the account-closure step' : ''}; the landing zone does not copy data between tiers`,
    });
  }

  /** L1: everything lives in the platform account, next to the other pooled tenants. */
  private pooledTenant(): void {
    const account = this.settings.organization.platformAccountId;
    this.membership(this.pooledLocation());
    this.eventQueue(platformEventsFor(account, this.tenant.id));
    const budget = this.profile.budget;
    if (budget?.stack === 'tenant' && budget.filter.kind === 'tag') {
      new TenantBudget(this, 'budget', { name: budget.name, limitUsd: budget.limitUsd, scope: { kind: 'tag', key: budget.filter.key, value: budget.filter.value }, alerts: budget.alerts, emails: budget.recipients, snsTopicArn: budget.snsTopicArn });
    }
  }

  /** The pooled tables and bucket of the platform account, where an L1 tenant's data is (and a moving L2 tenant's was). */
  private pooledLocation(): DataLocation {
    const account = this.settings.organization.platformAccountId;
    const pooled = pooledPlacement(this.settings);
    const region = this.settings.regions.home;
    return {
      mode: 'pooled',
      accountId: account,
      region,
      itemsTable: pooled.itemsTable,
      usersTable: pooled.usersTable,
      bucket: pooled.bucketName(account),
      dataAccessRoleArn: `arn:aws:iam::${account}:role/${platformNames(this.settings).dataAccessRole}`,
    };
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
    const backupPlan = this.backupPlanOf(keys, [items.tableArn, users.tableArn, bucket.bucketArn]);
    this.restoreTesting(backupPlan, { items: items.tableArn, users: users.tableArn, files: bucket.bucketArn });
    this.breakGlass(keys.dataKeyArn);
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
    const keyUsers = [backupPlan.role.role, ...(app ? Object.values(app.functions).map((f) => f.role.role) : [])];
    if (profile.dataAccessRole.present) {
      // Only the serving app's session-vending roles, from the organization, for this tenant's id and tag.
      const dataAccess = new Role(this, 'data-access', {
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
      keyUsers.push(dataAccess.role);
    }
    for (const key of this.tenantKeys) key.dependOn(...keyUsers);
    // The platform keeps every tenant in its registry; it serves the tenant while the profile says so.
    // A data move keeps the pooled location serving until `lz migrate` has verified the copy.
    const move = profile.move;
    const servedHere = profile.app.host === 'platform';
    const usersMovingOut = usersMoveUnderway(profile);
    this.membership(data, {
      serving: servedHere,
      // The users moving to the own pool sign in to the shared one until the cleanup is acknowledged.
      adminUser: servedHere || usersMovingOut,
      usersMovingOut,
      migration: move?.kind === 'data' ? { id: move.id, from: this.pooledLocation() } : undefined,
    });
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
    // Key users reach the key through the services only (contract/key-policy.ts). The data-access
    // role exists while the tenant is not offboarding, the app's roles while it runs its own app.
    const users: KeyUser[] = [
      ...(profile.dataAccessRole.present ? [{ principals: [roleArn(own.dataAccessRole)], via: ['dynamodb', 's3'] } as const] : []),
      { principals: [roleArn(own.backupRole)], via: ['backup', 'dynamodb', 's3'] },
      ...(profile.app.host === 'tenant' ? [{ principals: APP_FUNCTIONS.map((fn) => roleArn(own.appRole(fn))), via: ['dynamodb'] } as const] : []),
    ];
    const services: ServiceKeyUse[] = [
      { service: `logs.${region}.amazonaws.com`, conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } } },
      { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
      { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], conditions: { StringEquals: { 'aws:SourceAccount': account } } },
    ];
    const keyPolicy = {
      administrators: [this.deploymentRoleArn(account), roleArn(roles.breakGlass)],
      users,
      readers: [roleArn(roles.plan)],
      // KMS refuses a policy naming a role that does not exist yet.
      dependsOn: [planRole.role],
      services,
      organizationId: organization.id,
      accountId: account,
      region,
      provider: this.tenantProvider!,
    };
    const tenantKey = new CustomerManagedKey(this, 'tenant-key', { description: `Tenant ${this.tenant.id}: landing-zone managed key`, alias: profile.landingZoneKeyAlias!, ...keyPolicy });
    this.tenantKeys.push(tenantKey);
    let dataKeyArn = tenantKey.keyArn;
    if (profile.byokKeyAlias) {
      const byok = new CustomerManagedKey(this, 'byok-key', { description: `Tenant ${this.tenant.id}: BYOK, imported key material`, alias: profile.byokKeyAlias, origin: 'EXTERNAL', ...keyPolicy });
      this.tenantKeys.push(byok);
      if (profile.dataKey.kind === 'byok-imported') dataKeyArn = byok.keyArn;
    }
    if (profile.byok.state === 'pending') new TerraformOutput(this, 'byok_status', { value: profile.byok.reason! });
    if (profile.dataKey.kind === 'customer-key' && 'arn' in profile.dataKey.ref) dataKeyArn = profile.dataKey.ref.arn;
    return { tenantKeyArn: tenantKey.keyArn, dataKeyArn };
  }

  /** The tenant's backup plan; the first vault keeps the landing-zone key, the locked vault (L3) the data key. */
  private backupPlanOf(keys: { tenantKeyArn: string; dataKeyArn: string }, resourceArns: string[]): BackupPlan {
    const { backup } = this.profile;
    const own = tenantNames(this.settings, this.tenant.id);
    return new BackupPlan(this, 'backup', {
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

  /** Restore tests of the recovery points in the vault the plan writes to, as the profile says. */
  private restoreTesting(backup: BackupPlan, arns: Record<'items' | 'users' | 'files', string>): void {
    const plan = this.profile.restoreTesting;
    if (!plan) return;
    if (plan.vaultName !== backup.targetVaultName) throw new Error(`TenantStack ${this.spec.name}: restore tests read ${plan.vaultName}, backups go to ${backup.targetVaultName}`);
    new RestoreTesting(this, 'restore-testing', {
      planName: plan.planName,
      scheduleExpression: plan.scheduleExpression,
      vaultArns: [backup.targetVaultArn],
      selectionWindowDays: plan.selectionWindowDays,
      roleArn: backup.roleArn,
      selections: plan.selections.map((s) => ({ name: s.name, resourceType: s.resourceType, resourceArns: s.resources.map((r) => arns[r]), validationWindowHours: plan.validationWindowHours })),
      provider: this.tenantProvider,
    });
  }

  /** The break-glass role and its alarm, while the profile assigns break-glass to the account. */
  private breakGlass(alarmKeyArn: string): void {
    const support = this.profile.support;
    if (!support?.breakGlass.assigned) return;
    const account = this.tenantAccountId!;
    const { breakGlass } = support;
    new BreakGlassAccess(this, 'break-glass', {
      roleName: breakGlass.roleName,
      trustPolicy: breakGlassTrust({ accountId: account, permissionSetName: platformNames(this.settings).breakGlassPermissionSet, region: this.profile.region, ticket: breakGlass.ticket }),
      sessionHours: breakGlass.sessionHours,
      topicName: support.alarm.topicName,
      ruleName: support.alarm.ruleName,
      kmsKeyArn: alarmKeyArn,
      accountId: account,
      region: this.profile.region,
      emails: [...support.notify, ...(this.settings.platform.alarmEmail ? [this.settings.platform.alarmEmail] : [])],
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
    const usersMoveIn = this.usersMoveIn();
    const alarms = new AlarmTopic(this, 'alarms', { topicName: own.alarmTopic, kmsKey: dataKeyArn, accountId: account, region, email: platform.alarmEmail, provider });
    const app = new TenantApp(this, 'app', {
      names: own,
      host: 'tenant',
      accountId: account,
      region,
      organizationId: organization.id,
      appVersion: version,
      codeFor,
      registryTable: { name: registry.tableName, arn: registry.tableArn, keyArn: dataKeyArn },
      eventBus: { name: routing.tenantBus.busName, arn: routing.tenantBus.busArn },
      dataAccessRoles: [{ arn: data.dataAccessRoleArn }],
      identity: platform.identity,
      throttling: platform.throttling,
      requestsPerIpPer5Minutes: platform.protection.apiRequestsPerIpPer5Minutes,
      // A new account's Lambda concurrency quota is too small to reserve any: the tenant's own app serves only the tenant.
      logKmsKeyArn: dataKeyArn,
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: alarms.topicArn,
      usersMoveIn,
      provider,
    });
    new TerraformOutput(this, 'own_user_pool_id', { value: app.userPool.pool.id });
    new AppMembership(this, 'own-membership', {
      ...this.memberProps(),
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

  /**
   * An own app that users move into from the shared pool (the L2 to L3 move), with its user
   * migration trigger while the move is under way. The role the trigger assumes in the platform
   * account is the account stack's (stacks/account-stack.ts): this stack's platform provider may
   * not create IAM roles.
   */
  private usersMoveIn(): UsersMoveIn | undefined {
    if (this.profile.move?.kind !== 'users') return undefined;
    if (!usersMoveUnderway(this.profile)) return { previousUserIdAttribute: true };
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

  /**
   * The tenant's entry in the platform registry, with its API key and admin user when the
   * platform app serves it. The entry names the platform's app version.
   */
  private membership(data: DataLocation, opts: Pick<AppMembershipProps, 'serving' | 'adminUser' | 'usersMovingOut' | 'migration'> = {}): void {
    const platformState = this.platformState();
    new AppMembership(this, 'membership', {
      ...this.memberProps(),
      registryTableName: platformNames(this.settings).registryTable,
      userPoolId: platformState.getString(PLATFORM_OUTPUTS.userPoolId),
      usagePlanId: platformState.getString(PLATFORM_OUTPUTS.usagePlanId(this.tenant.tier)),
      appVersion: this.settings.platform.appVersion,
      data,
      ...opts,
    });
  }

  /** What every app membership of the tenant says about it. */
  private memberProps(): Pick<AppMembershipProps, 'tenantId' | 'tier' | 'status' | 'displayName' | 'adminEmail' | 'offboarding' | 'signIn' | 'apiKey' | 'namePrefix' | 'servedBy' | 'quota'> {
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
      servedBy: this.profile.app.host,
      quota: this.settings.platform.quotas[t.tier],
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

/**
 * Resources a release forgets although they hold no data: a vault lock cannot be deleted once
 * it is permanent, so deleting it would fail the apply.
 */
const KEPT_ON_RELEASE: ReadonlyArray<string> = ['aws_backup_vault_lock_configuration'];

/** The managed resources of a stack: address, type and provider alias. */
function managedResources(stack: TerraformStack): Array<{ address: string; type: string; provider?: string }> {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((r) => ({ address: `${r.terraformResourceType}.${r.friendlyUniqueId}`, type: r.terraformResourceType, provider: r.provider?.alias }));
}

/**
 * The tenant as it was at the tier it moves down from, for the addresses of what that tier
 * had. Names and construct ids come from the tenant id and the settings only; the fields the
 * lower tier's manifest no longer has get stand-ins, one manifest per BYOK mode of an L3.
 */
function previousManifests(tenant: TenantManifest, from: Tier): TenantManifest[] {
  const { acknowledgements, ...rest } = tenant;
  void acknowledgements;
  const dedicated = {
    ...rest,
    tier: from,
    account: tenant.account ?? { email: `released+${tenant.id}@invalid.example` },
    backup: tenant.backup ?? { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 },
  } as TenantManifest;
  if (from !== 'L3') return [dedicated];
  const l3 = { ...dedicated, changeApprovers: tenant.changeApprovers ?? ['@released'] };
  return [
    { ...l3, encryption: { byok: 'imported', keyMaterialImported: true } },
    { ...l3, encryption: { byok: 'customer-key', keyArn: `arn:aws:kms:${tenant.homeRegion}:000000000000:key/00000000-0000-0000-0000-000000000000` } },
  ] as TenantManifest[];
}
