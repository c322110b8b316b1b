import { Construct } from 'constructs';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { SecureBucket } from '../modules/secure-bucket';
import { platformNames } from '../model/names';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/**
 * The state bucket every other stack keeps its state in, with its own KMS key, in the
 * management account. Its first apply runs with `lz synth --bootstrap-local-state` (state in
 * .lz/bootstrap.tfstate); after that its state moves into the bucket it created
 * (`terraform init -migrate-state`).
 */
export class BootstrapStack extends LandingZoneStack {
  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, state, roles } = this.settings;
    this.awsProvider('aws', { accountId: organization.managementAccountId, region: state.region });
    const key = new CustomerManagedKey(this, 'state-key', {
      description: 'Encrypts the landing-zone Terraform state',
      alias: `alias/${this.settings.name}/terraform-state`,
      administrators: [this.deploymentRoleArn(organization.managementAccountId), `arn:aws:iam::${organization.managementAccountId}:role/${roles.breakGlass}`],
      // The pipeline role reads and writes state; the deployment role only manages the key.
      users: [{ principals: [`arn:aws:iam::${organization.managementAccountId}:role/${roles.pipeline}`], via: ['s3'] }],
      organizationId: organization.id,
      accountId: organization.managementAccountId,
      region: state.region,
    });
    new SecureBucket(this, 'state-bucket', {
      bucketName: platformNames(this.settings).stateBucket(state.bucket),
      kmsKeyArn: key.keyArn,
      noncurrentVersionExpirationDays: 365,
      policyStatements: (arn) => [
        {
          Sid: 'DenyOutsideOrganization',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organization.id } },
        },
      ],
    });
  }
}
