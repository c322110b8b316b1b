import { DataTerraformRemoteStateS3 } from 'cdktf';
import { Construct } from 'constructs';
import { DataLocation } from '../functions/shared/contracts';
import { accountStateKey, sharedStacks, PLATFORM_STACK } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { TenantManifest } from '../model/schema/tenant';
import { isDedicated } from '../model/tiers';
import { AppMembership } from '../modules/tenant/app-membership';
import { PooledEventRouting } from '../modules/tenant/pooled-event-routing';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';
import { PLATFORM_OUTPUTS } from './platform-stack';

/**
 * One tenant's footprint. L1: in the platform account (registry entry, API key, first admin
 * user, event routing). L2/L3: also in the tenant's own account, through its deployment role.
 */
export class TenantStack extends LandingZoneStack {
  /** Account id of the tenant account (L2/L3): literal when adopted, else read from the account stack's state. */
  readonly tenantAccountId?: string;
  readonly tenant: TenantManifest;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    if (!props.tenant) throw new Error(`TenantStack ${props.spec.name}: needs a tenant`);
    this.tenant = props.tenant;
    const { organization, regions } = this.settings;
    this.awsProvider('aws', { accountId: organization.platformAccountId, region: regions.home });
    if (isDedicated(this.tenant.tier)) {
      this.tenantAccountId = this.tenant.account?.id ?? this.accountIdFromState();
      this.awsProvider('tenant', { alias: 'tenant', accountId: this.tenantAccountId, region: this.tenant.homeRegion });
    } else {
      this.pooledTenant();
    }
  }

  /** L1: everything lives in the platform account, next to the other pooled tenants. */
  private pooledTenant(): void {
    const { organization, regions, platform } = this.settings;
    const account = organization.platformAccountId;
    const region = regions.home;
    const shared = platformNames(this.settings);
    const own = tenantNames(this.settings, this.tenant.id);
    const platformState = this.platformState();
    const data: DataLocation = {
      mode: 'pooled',
      accountId: account,
      region,
      itemsTable: shared.itemsTable,
      usersTable: shared.usersTable,
      bucket: shared.pooledBucket(account, region),
      dataAccessRoleArn: `arn:aws:iam::${account}:role/${shared.dataAccessRole}`,
    };
    new AppMembership(this, 'membership', {
      tenant: this.tenant,
      namePrefix: own.prefix,
      registryTableName: shared.registryTable,
      userPoolId: platformState.getString(PLATFORM_OUTPUTS.userPoolId),
      usagePlanId: platformState.getString(PLATFORM_OUTPUTS.usagePlanId(this.tenant.tier)),
      appVersion: platform.appVersion,
      data,
    });
    new PooledEventRouting(this, 'events', {
      tenantId: this.tenant.id,
      ruleName: own.pooledRule,
      queueName: own.eventsQueue,
      busName: shared.centralBus,
      deadLetterQueueArn: `arn:aws:sqs:${region}:${account}:${shared.eventsDlq}`,
      kmsKey: shared.kmsAlias,
      accountId: account,
      region,
      enabled: this.tenant.status !== 'offboarding',
    });
  }

  /** Outputs of the platform stack (user pool, usage plans), read from its state. */
  private platformState(): DataTerraformRemoteStateS3 {
    const spec = sharedStacks().find((s) => s.name === PLATFORM_STACK)!;
    return new DataTerraformRemoteStateS3(this, 'platform-state', {
      bucket: this.settings.state.bucket,
      key: spec.stateKey,
      region: this.settings.state.region,
      encrypt: true,
    });
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
