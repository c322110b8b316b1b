import { DataAwsOrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { tenantNames } from '../model/names';
import { tenantTags } from '../model/tags';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/**
 * One L2/L3 tenant's AWS account, in the management account. The account is never closed by
 * Terraform (`close_on_deletion = false`, `prevent_destroy`); an existing account named by
 * `account.id` is adopted with an import block instead of being created. The parent OU is
 * looked up by name, so a tier move (L2 to L3) moves the account without replacing it.
 */
export class AccountStack extends LandingZoneStack {
  readonly account: OrganizationsAccount;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { tenant, profile } = props;
    if (!tenant || profile?.account.side !== 'tenant') throw new Error(`AccountStack ${props.spec.name}: needs an L2/L3 tenant`);
    const placement = profile.account;
    const { organization, regions, roles } = this.settings;
    this.awsProvider('aws', { accountId: organization.managementAccountId, region: regions.home });

    const parent = new DataAwsOrganizationsOrganizationalUnit(this, 'parent-ou', { name: placement.ouName, parentId: organization.rootId });

    this.account = new OrganizationsAccount(this, 'account', {
      name: tenantNames(this.settings, tenant.id).accountName,
      email: placement.email,
      parentId: parent.id,
      roleName: roles.deployment,
      iamUserAccessToBilling: 'DENY',
      closeOnDeletion: false,
      tags: tenantTags(tenant),
      lifecycle: { ignoreChanges: ['role_name', 'iam_user_access_to_billing'] },
    });
    if (placement.adoptedId) this.account.importFrom(placement.adoptedId);

    new TerraformOutput(this, 'account_id', { value: this.account.id, description: `AWS account of tenant ${tenant.id}` });
  }
}
