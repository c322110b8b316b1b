import { DataAwsOrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { platformNames, tenantNames } from '../model/names';
import { policyJson } from '../contract/policy-document';
import { residencyPolicy } from '../contract/residency-policy';
import { TenantBudget } from '../modules/cost/tenant-budget';
import { SupportAssignments } from '../modules/support/support-assignments';
import { tenantTags } from '../model/tags';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/**
 * One L2/L3 tenant's AWS account, in the management account. The account is never closed by
 * Terraform (`close_on_deletion = false`, `prevent_destroy`); an existing account named by
 * `account.id` is adopted with an import block instead of being created. The parent OU is
 * looked up by name, so a tier move (L2 to L3) moves the account without replacing it.
 * What the management account holds for the tenant alone lives here too, as its profile says:
 * the monthly budget on the linked account, the residency SCP attached to the account, and the
 * support assignments (Identity Center) on it.
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
    const accountId = this.account.id;

    if (profile.budget?.stack === 'account') {
      const b = profile.budget;
      new TenantBudget(this, 'budget', { name: b.name, limitUsd: b.limitUsd, scope: { kind: 'linked-account', accountId }, alerts: b.alerts, emails: b.recipients, snsTopicArn: b.snsTopicArn });
    }

    const residency = profile.residency;
    if (residency.enforcement === 'account-scp' && residency.regions && residency.policyName) {
      const policy = new OrganizationsPolicy(this, 'residency', {
        name: residency.policyName,
        description: `Data residency of tenant ${tenant.id}: ${residency.regions.join(', ')} only`,
        type: 'SERVICE_CONTROL_POLICY',
        content: policyJson(residencyPolicy({ regions: residency.regions, centralBusArn: residency.regions.includes(regions.home) ? undefined : this.centralBusArn() })),
      });
      new OrganizationsPolicyAttachment(this, 'residency-attachment', { policyId: policy.id, targetId: accountId });
    }

    const support = profile.support;
    if (support) {
      const shared = platformNames(this.settings);
      const groups = this.settings.support;
      new SupportAssignments(this, 'support', {
        accountId,
        readOnly: support.readOnly ? { permissionSetName: shared.readOnlyPermissionSet, groupName: groups.readOnlyGroup } : undefined,
        breakGlass: support.breakGlass.assigned ? { permissionSetName: shared.breakGlassPermissionSet, groupName: groups.breakGlassGroup } : undefined,
      });
    }

    new TerraformOutput(this, 'account_id', { value: this.account.id, description: `AWS account of tenant ${tenant.id}` });
  }

  /** The platform's central bus, which the tenant forwards its own events to. */
  private centralBusArn(): string {
    const { organization, regions } = this.settings;
    return `arn:aws:events:${regions.home}:${organization.platformAccountId}:event-bus/${platformNames(this.settings).centralBus}`;
  }
}
