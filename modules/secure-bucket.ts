import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, PolicyStatement } from '../contract/policy-document';
import { terraformPolicyJson } from '../terraform/template';

export interface SecureBucketProps {
  /** Bucket name (global namespace). IMPORTANT: changing it replaces the bucket. */
  readonly bucketName: string;
  /** ARN of the customer-managed KMS key for SSE-KMS. */
  readonly kmsKeyArn: string;
  /**
   * Days a noncurrent object version is kept before it expires.
   * @default - noncurrent versions are kept forever
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** Statements added to the bucket policy after the TLS-only deny. @default none */
  readonly policyStatements?: (bucketArn: string) => ReadonlyArray<PolicyStatement>;
  /** @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * An S3 bucket with the hardening every bucket here needs: SSE-KMS with a customer key and
 * S3 Bucket Keys, versioning, all four public-access blocks, object ownership enforced
 * (no ACLs), and a policy that denies any request not made over TLS.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!props.kmsKeyArn) throw new Error(`SecureBucket ${id}: kmsKeyArn is required (buckets are encrypted with a customer-managed key)`);
    if (props.noncurrentVersionExpirationDays !== undefined && (!Number.isInteger(props.noncurrentVersionExpirationDays) || props.noncurrentVersionExpirationDays < 1)) {
      throw new Error(`SecureBucket ${id}: noncurrentVersionExpirationDays must be a whole number of days >= 1; got ${props.noncurrentVersionExpirationDays}`);
    }
    const provider = props.provider;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: false, provider });
    this.bucketName = props.bucketName;
    // A literal ARN keeps the bucket policy readable in the synthesized JSON (no interpolation).
    this.bucketArn = `arn:aws:s3:::${props.bucketName}`;
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' }, provider });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
      provider,
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' }, provider });
    new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      // Escaped: statements may hold IAM policy variables (${aws:PrincipalTag/...}).
      policy: terraformPolicyJson(
        policyDocument(
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucketArn, `${this.bucketArn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          ...(props.policyStatements?.(this.bucketArn) ?? []),
        ),
      ),
      dependsOn: [publicAccess],
      provider,
    });
    if (props.noncurrentVersionExpirationDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', {
        bucket: this.bucket.id,
        rule: [
          {
            id: 'expire-noncurrent-versions',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
        provider,
      });
    }
  }
}
