import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsExternalKey } from '@cdktf/provider-aws/lib/kms-external-key';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { dependable, ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyJson } from '../../contract/policy-document';
import { keyPolicy, KeyPolicyProps } from '../../contract/key-policy';

export interface CustomerManagedKeyProps extends KeyPolicyProps {
  /** Purpose of the key, shown in the KMS console. */
  readonly description: string;
  /** Alias, including the `alias/` prefix. */
  readonly alias: string;
  /**
   * Where the key material comes from. `EXTERNAL` creates an `aws_kms_external_key` without
   * key material (the customer imports it; material never enters Terraform state).
   * IMPORTANT: changing it replaces the key.
   * @default 'AWS_KMS'
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
   */
  readonly origin?: 'AWS_KMS' | 'EXTERNAL';
  /** Provider of the account the key lives in. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Resources to create first: KMS refuses a key policy that names a role that does not exist yet. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Let the caller create a key whose policy does not name the caller (KMS's lockout check).
   * Only for a first run by an administrator who is neither key administrator nor user.
   * @default false
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check
   */
  readonly bypassPolicyLockoutSafetyCheck?: boolean;
}

/** The longest window AWS allows; the guardrail SCPs deny anything shorter. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * A customer-managed KMS key with rotation on (for AWS-generated material), a 30-day
 * deletion window, an alias and the separated key policy of `keyPolicy`.
 */
export class CustomerManagedKey extends Construct {
  private readonly key: KmsKey | KmsExternalKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
  readonly origin: 'AWS_KMS' | 'EXTERNAL';

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    if (!props.alias.startsWith('alias/') || props.alias.startsWith('alias/aws/')) {
      throw new Error(`CustomerManagedKey ${id}: alias must start with "alias/" and not "alias/aws/"; got ${props.alias}`);
    }
    this.origin = props.origin ?? 'AWS_KMS';
    const policy = policyJson(keyPolicy(props));
    if (this.origin === 'EXTERNAL') {
      const key = new KmsExternalKey(this, 'key', {
        description: props.description,
        deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        policy,
        enabled: true,
        provider: props.provider,
        dependsOn: props.dependsOn,
        ...(props.bypassPolicyLockoutSafetyCheck ? { bypassPolicyLockoutSafetyCheck: true } : {}),
      });
      this.key = key;
      this.keyArn = key.arn;
      this.keyId = key.id;
    } else {
      const key = new KmsKey(this, 'key', {
        description: props.description,
        enableKeyRotation: true,
        deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        policy,
        provider: props.provider,
        dependsOn: props.dependsOn,
        ...(props.bypassPolicyLockoutSafetyCheck ? { bypassPolicyLockoutSafetyCheck: true } : {}),
      });
      this.key = key;
      this.keyArn = key.arn;
      this.keyId = key.keyId;
    }
    this.aliasName = props.alias;
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.keyId, provider: props.provider });
  }

  /**
   * Resources the key waits for: KMS refuses a key policy that names a role that does not exist
   * yet, so the roles the policy names come first.
   */
  dependOn(...resources: ITerraformDependable[]): void {
    this.key.dependsOn = [...(this.key.dependsOn ?? []), ...resources.map((r) => dependable(r))];
  }
}
