import { DataTerraformRemoteStateS3 } from 'cdktf';
import { Construct } from 'constructs';
import { accountStateKey } from '../model/inventory';
import { isDedicated } from '../model/tiers';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/**
 * One tenant's footprint. L1: in the platform account (registry entry, first admin user,
 * event routing). L2/L3: also in the tenant's own account, through its deployment role.
 */
export class TenantStack extends LandingZoneStack {
  /** Account id of the tenant account (L2/L3): literal when adopted, else read from the account stack's state. */
  readonly tenantAccountId?: string;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const tenant = props.tenant;
    if (!tenant) throw new Error(`TenantStack ${props.spec.name}: needs a tenant`);
    const { organization, regions } = this.settings;
    this.awsProvider('aws', { accountId: organization.platformAccountId, region: regions.home });
    if (isDedicated(tenant.tier)) {
      this.tenantAccountId = tenant.account?.id ?? this.accountIdFromState();
      this.awsProvider('tenant', { alias: 'tenant', accountId: this.tenantAccountId, region: tenant.homeRegion });
    }
  }

  private accountIdFromState(): string {
    const state = new DataTerraformRemoteStateS3(this, 'account-state', {
      bucket: this.settings.state.bucket,
      key: accountStateKey(this.tenant!.id),
      region: this.settings.state.region,
      encrypt: true,
    });
    return state.getString('account_id');
  }
}
