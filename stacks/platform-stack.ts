import { Construct } from 'constructs';
import { platformNames } from '../model/names';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/**
 * The shared platform account: identity, the shared API and functions, pooled data, the
 * tenant registry and the central event bus. Independent of the tenant set: tenants add
 * their footprint from their own stacks, so adding a tenant never changes this stack.
 */
export class PlatformStack extends LandingZoneStack {
  readonly platformKey: CustomerManagedKey;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, regions, roles } = this.settings;
    const account = organization.platformAccountId;
    this.awsProvider('aws', { accountId: account, region: regions.home });
    const names = platformNames(this.settings);
    this.platformKey = new CustomerManagedKey(this, 'platform-key', {
      description: 'Platform CMK: pooled (L1) tenant data, logs, queues',
      alias: names.kmsAlias,
      administrators: [this.deploymentRoleArn(account), `arn:aws:iam::${account}:role/${roles.breakGlass}`],
      users: [`arn:aws:iam::${account}:role/${names.dataAccessRole}`],
      organizationId: organization.id,
    });
  }
}
