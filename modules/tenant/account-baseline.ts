import { EbsDefaultKmsKey } from '@cdktf/provider-aws/lib/ebs-default-kms-key';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

export interface AccountBaselineProps {
  /** Key for EBS volumes created in the account. */
  readonly ebsKmsKeyArn: string;
  /** @default 14 */
  readonly passwordMinimumLength?: number;
  readonly provider: TerraformProvider;
}

/**
 * The settings every tenant account starts with: no public S3 anywhere in the account, EBS
 * encrypted by default with the tenant's key, and a strict IAM password policy (IAM users are
 * not expected, but a policy keeps any that appear honest).
 */
export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const minimum = props.passwordMinimumLength ?? 14;
    if (minimum < 14 || minimum > 128) throw new Error(`AccountBaseline ${id}: passwordMinimumLength must be 14-128; got ${minimum}`);
    const provider = props.provider;
    new S3AccountPublicAccessBlock(this, 's3-public-access', { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, provider });
    new EbsEncryptionByDefault(this, 'ebs-encryption', { enabled: true, provider });
    new EbsDefaultKmsKey(this, 'ebs-key', { keyArn: props.ebsKmsKeyArn, provider });
    new IamAccountPasswordPolicy(this, 'password-policy', {
      minimumPasswordLength: minimum,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      allowUsersToChangePassword: true,
      passwordReusePrevention: 24,
      maxPasswordAge: 90,
      provider,
    });
  }
}
