import { DataAwsOrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { assumeNamedRoles, githubOidcProviderArn, githubSubject, githubWorkflowTrust, pipelineRoleTrust, stateKeyThroughS3, stateList, stateRead, stateWrite, tenantFootprint } from '../contract/pipeline-identities';
import { userMigrationSourceStatements, userMigrationSourceTrust } from '../contract/migration-policies';
import { policyJson } from '../contract/policy-document';
import { residencyPolicy } from '../contract/residency-policy';
import { appliedMarkerKey, PLATFORM_STATE_KEY, stackObjectKeys, tenantStateKey, tenantStatePrefix } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { TenantProfile, usersMoveUnderway } from '../model/profile';
import { TENANT_TAG_KEYS, tenantTags } from '../model/tags';
import { USER_MIGRATION_FUNCTION } from '../functions/shared/contracts';
import { TenantBudget } from '../modules/cost/tenant-budget';
import { Role } from '../modules/iam/role';
import { SupportAssignments } from '../modules/support/support-assignments';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/** Output with the L3 tenant's apply role: the `LZ_APPLY_ROLE_ARN` variable of its environment. */
export const TENANT_APPLY_ROLE_OUTPUT = 'pipeline_apply_role_arn';

/**
 * One L2/L3 tenant's AWS account, in the management account. The account is never closed by
 * Terraform (`close_on_deletion = false`, `prevent_destroy`); an existing account named by
 * `account.id` is adopted with an import block instead of being created. The parent OU is
 * looked up by name, so a tier move (L2 to L3) moves the account without replacing it.
 * What the management account holds for the tenant alone lives here too, as its profile says:
 * the monthly budget on the linked account, the residency SCP attached to the account, and the
 * support assignments (Identity Center) on it.
 *
 * AWS Organizations creates the account's deployment role (`role_name`), trusting the
 * management account: only roles of the management account whose own policy names this
 * account's role can use it (the apply role, and for L3 the tenant's apply role), and the
 * guardrail SCP stops anyone but break-glass from changing it.
 *
 * L3: the tenant's pipeline identities, which its deployment environment signs in to: an
 * apply role in the management account trusted only from the environment `tenant-<id>`, able
 * to assume only this account's deployment role and its footprint role in the platform
 * account, and to write only its tenant stack's state; and that footprint role, which changes
 * only the tenant's own entries in the platform account.
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
    if (profile.approval) this.tenantPipelineIdentities(profile, profile.approval.environment);
    if (usersMoveUnderway(profile)) this.userMigrationSource(profile);
  }

  /**
   * While an L3 tenant's users move to its own pool: the role in the platform account its user
   * migration trigger checks passwords through. Here, not in the tenant stack, because an L3
   * tenant stack works in the platform account through its footprint role, which may not create
   * IAM roles.
   */
  private userMigrationSource(profile: TenantProfile): void {
    const { organization, regions } = this.settings;
    const own = tenantNames(this.settings, profile.tenantId);
    const accountId = (profile.account.side === 'tenant' ? profile.account.adoptedId : undefined) ?? this.account.id;
    new Role(this, 'user-migration-source', {
      roleName: own.userMigrationSourceRole,
      trustPolicy: userMigrationSourceTrust({
        tenantAccountId: accountId,
        triggerRoleArn: `arn:aws:iam::${accountId}:role/${own.appRole(USER_MIGRATION_FUNCTION)}`,
        organizationId: organization.id,
      }),
      statements: userMigrationSourceStatements({ platformAccountId: organization.platformAccountId, region: regions.home }),
      provider: this.platformProvider(),
    });
  }

  /** The provider of the platform account (for what a tenant needs there that its own stack may not make). */
  private platformProvider(): AwsProvider {
    const { organization, regions } = this.settings;
    return (this.node.tryFindChild('platform') as AwsProvider | undefined) ?? this.awsProvider('platform', { alias: 'platform', accountId: organization.platformAccountId, region: regions.home });
  }

  private tenantPipelineIdentities(profile: TenantProfile, environment: string): void {
    const { organization, regions, roles, state, pipeline } = this.settings;
    const id = profile.tenantId;
    const own = tenantNames(this.settings, id);
    const shared = platformNames(this.settings);
    const management = organization.managementAccountId;
    const platform = organization.platformAccountId;
    const bucket = shared.stateBucket(state.bucket);
    const footprintArn = `arn:aws:iam::${platform}:role/${own.footprintRole}`;
    const applyRole = new Role(this, 'pipeline-apply', {
      roleName: own.pipelineApplyRole,
      trustPolicy: githubWorkflowTrust({ providerArn: githubOidcProviderArn(management), subjects: [githubSubject.environment(pipeline.repository, environment)] }),
      statements: [
        assumeNamedRoles('OwnAccountAndFootprint', [`arn:aws:iam::${this.account.id}:role/${roles.deployment}`, footprintArn]),
        stateList(bucket),
        stateRead({ bucket, keys: [`${tenantStatePrefix(id)}*`, PLATFORM_STATE_KEY, appliedMarkerKey(PLATFORM_STATE_KEY)] }),
        stateWrite({ bucket, keys: stackObjectKeys(tenantStateKey(id)) }),
        stateKeyThroughS3({ keyAlias: shared.stateKeyAlias, region: state.region }),
      ],
    });
    const platformProvider = this.platformProvider();
    new Role(this, 'pipeline-footprint', {
      roleName: own.footprintRole,
      trustPolicy: pipelineRoleTrust({ principalArns: [`arn:aws:iam::${management}:role/${own.pipelineApplyRole}`], organizationId: organization.id }),
      statements: tenantFootprint({
        tenantId: id,
        accountId: platform,
        region: regions.home,
        registryTable: shared.registryTable,
        queueName: own.eventsQueue,
        busName: shared.centralBus,
        ruleName: own.pooledRule,
        tagKey: TENANT_TAG_KEYS[0],
      }),
      // The trust policy names the apply role, which must exist first.
      dependsOn: [applyRole.role],
      provider: platformProvider,
    });
    new TerraformOutput(this, TENANT_APPLY_ROLE_OUTPUT, { value: applyRole.arn, description: `Variable LZ_APPLY_ROLE_ARN of the environment ${environment}` });
  }

  /** The platform's central bus, which the tenant forwards its own events to. */
  private centralBusArn(): string {
    const { organization, regions } = this.settings;
    return `arn:aws:events:${regions.home}:${organization.platformAccountId}:event-bus/${platformNames(this.settings).centralBus}`;
  }
}
