import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { OrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/organizations-organizational-unit';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { platformNames } from '../model/names';
import { OuKey } from '../model/profile';
import { TENANT_TAG_KEYS } from '../model/tags';
import { SupportPermissionSets } from '../modules/support/support-permission-sets';
import { GuardrailName, GuardrailProps, GUARDRAILS, OU_GUARDRAILS } from '../contract/service-control-policies';
import { policyJson } from '../contract/policy-document';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

export const OU_KEYS: ReadonlyArray<OuKey> = ['platform', 'tenantsL2', 'tenantsL3', 'suspended'];

/**
 * The organization's structure in the management account: the organizational units under
 * the root and the guardrail service control policies attached to them, the tenant tags as
 * cost allocation tags (so budgets and Cost Explorer can attribute cost to tenants), and the
 * support permission sets of IAM Identity Center. Service control policies must be enabled on
 * the organization and Identity Center on the management account (one-time settings); a tag
 * can be activated once it has appeared on a billed resource (within a day of the first apply).
 */
export class OrganizationStack extends LandingZoneStack {
  readonly organizationalUnits: Record<OuKey, OrganizationsOrganizationalUnit>;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, regions, organizationalUnits, roles } = this.settings;
    this.awsProvider('aws', { accountId: organization.managementAccountId, region: regions.home });
    const names = platformNames(this.settings);
    const guardrailProps: GuardrailProps = { allowedRegions: regions.allowed, breakGlassRole: roles.breakGlass, deploymentRole: roles.deployment };

    const policies = {} as Record<GuardrailName, OrganizationsPolicy>;
    for (const [name, guardrail] of Object.entries(GUARDRAILS) as Array<[GuardrailName, (typeof GUARDRAILS)[GuardrailName]]>) {
      policies[name] = new OrganizationsPolicy(this, `scp-${name}`, {
        name: names.scp(`guardrail-${name}`),
        description: guardrail.description,
        type: 'SERVICE_CONTROL_POLICY',
        content: policyJson(guardrail.document(guardrailProps)),
        skipDestroy: true,
      });
    }

    const ous = {} as Record<OuKey, OrganizationsOrganizationalUnit>;
    for (const key of OU_KEYS) {
      ous[key] = new OrganizationsOrganizationalUnit(this, `ou-${key}`, { name: organizationalUnits[key], parentId: organization.rootId });
      new TerraformOutput(this, `ou-${key}-id`, { value: ous[key].id });
      for (const guardrail of OU_GUARDRAILS[key]) {
        new OrganizationsPolicyAttachment(this, `scp-${guardrail}-on-${key}`, { policyId: policies[guardrail].id, targetId: ous[key].id, skipDestroy: true });
      }
    }
    this.organizationalUnits = ous;

    for (const key of TENANT_TAG_KEYS) new CeCostAllocationTag(this, `cost-tag-${key}`, { tagKey: key, status: 'Active' });

    const support = this.settings.support;
    new SupportPermissionSets(this, 'support', {
      readOnlyName: names.readOnlyPermissionSet,
      breakGlassName: names.breakGlassPermissionSet,
      readOnlySessionHours: support.readOnlySessionHours,
      breakGlassSessionHours: support.breakGlassSessionHours,
      landingZone: this.settings.name,
      organizationId: organization.id,
    });
  }
}
