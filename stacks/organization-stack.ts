import { OrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/organizations-organizational-unit';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

export type OuKey = 'platform' | 'tenantsL2' | 'tenantsL3' | 'suspended';
export const OU_KEYS: ReadonlyArray<OuKey> = ['platform', 'tenantsL2', 'tenantsL3', 'suspended'];

/**
 * The organization's structure in the management account: the organizational units under
 * the root and the guardrail service control policies attached to them.
 */
export class OrganizationStack extends LandingZoneStack {
  readonly organizationalUnits: Record<OuKey, OrganizationsOrganizationalUnit>;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, regions, organizationalUnits } = this.settings;
    this.awsProvider('aws', { accountId: organization.managementAccountId, region: regions.home });
    const ous = {} as Record<OuKey, OrganizationsOrganizationalUnit>;
    for (const key of OU_KEYS) {
      ous[key] = new OrganizationsOrganizationalUnit(this, `ou-${key}`, { name: organizationalUnits[key], parentId: organization.rootId });
      new TerraformOutput(this, `ou-${key}-id`, { value: ous[key].id });
    }
    this.organizationalUnits = ous;
  }
}
