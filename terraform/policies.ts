import { unescapeTerraformTemplate } from './template';

/**
 * Finds the IAM policy documents in a Terraform JSON configuration (as synthesized) so the
 * tests can simulate them and the audit can check them. Attribute values are Terraform
 * template strings: IAM policy variables arrive escaped as `$${...}` and are unescaped here.
 */
export const POLICY_ATTRIBUTES: Readonly<Record<string, ReadonlyArray<string>>> = {
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_kms_external_key: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_organizations_policy: ['content'],
  aws_backup_vault_policy: ['policy'],
  aws_ssoadmin_permission_set_inline_policy: ['inline_policy'],
};

export interface FoundPolicy {
  /** Terraform address, e.g. `aws_iam_role.app_tenant-api_role_BD2B8834`. */
  readonly address: string;
  readonly type: string;
  readonly attribute: string;
  /** The document, parsed, with policy variables unescaped. */
  readonly document: { Version: string; Statement: Array<Record<string, unknown>> };
  /** Name-like attribute of the resource (role name, policy name), when it has one. */
  readonly name?: string;
}

export function policiesInConfig(config: { resource?: Record<string, Record<string, Record<string, unknown>>> }): FoundPolicy[] {
  const out: FoundPolicy[] = [];
  for (const [type, attributes] of Object.entries(POLICY_ATTRIBUTES)) {
    for (const [name, resource] of Object.entries(config.resource?.[type] ?? {})) {
      for (const attribute of attributes) {
        const raw = resource[attribute];
        if (typeof raw !== 'string') continue;
        out.push({
          address: `${type}.${name}`,
          type,
          attribute,
          document: JSON.parse(unescapeTerraformTemplate(raw)),
          name: typeof resource.name === 'string' ? resource.name : undefined,
        });
      }
    }
  }
  return out;
}
