/**
 * Resource types that hold tenant data or guard access to it. This is the one list the
 * codebase uses for: `prevent_destroy` on every stack (modules/stack-rules.ts), the plan
 * guards that refuse deletes and replacements, and the audit's encryption rules.
 */
export const PROTECTED_RESOURCE_TYPES = [
  'aws_organizations_account',
  'aws_dynamodb_table',
  'aws_s3_bucket',
  'aws_kms_key',
  'aws_kms_external_key',
  'aws_cognito_user_pool',
  'aws_backup_vault',
  'aws_cloudwatch_log_group',
  'aws_sqs_queue',
] as const;

export type ProtectedResourceType = (typeof PROTECTED_RESOURCE_TYPES)[number];

export function isProtectedResourceType(type: string): type is ProtectedResourceType {
  return (PROTECTED_RESOURCE_TYPES as ReadonlyArray<string>).includes(type);
}

/**
 * Where each encryptable data-bearing resource names its KMS key, as a path into the
 * resource's Terraform configuration (snake_case, list blocks indexed). S3 buckets name
 * theirs in a separate `aws_s3_bucket_server_side_encryption_configuration` resource.
 */
export const KMS_KEY_ATTRIBUTES: Readonly<Record<string, ReadonlyArray<string | number>>> = {
  aws_dynamodb_table: ['server_side_encryption', 'kms_key_arn'],
  aws_cloudwatch_log_group: ['kms_key_id'],
  aws_sqs_queue: ['kms_master_key_id'],
  aws_backup_vault: ['kms_key_arn'],
  aws_sns_topic: ['kms_master_key_id'],
  aws_s3_bucket_server_side_encryption_configuration: ['rule', 'apply_server_side_encryption_by_default', 'kms_master_key_id'],
};

/** Reads a path from Terraform configuration, treating single-item list blocks as objects. */
export function readConfigPath(config: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = config;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'string') cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return Array.isArray(cur) && cur.length === 1 ? cur[0] : cur;
}

/**
 * Arguments of each protected type whose change makes Terraform replace the resource (the AWS
 * provider marks them ForceNew), as attribute paths: a changed path that starts with one of
 * them (list indices ignored) means replace, not update. The offline plan, which has only the
 * desired configuration and no provider schema, uses this to tell a replacement of a
 * data-bearing resource from an in-place update. Unsure cases are listed: a false "replace"
 * fails a plan that a human then reads; a false "update" would let a replacement through.
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs
 */
export const REPLACEMENT_ATTRIBUTES: Readonly<Record<ProtectedResourceType, ReadonlyArray<string>>> = {
  aws_organizations_account: ['email', 'iam_user_access_to_billing', 'role_name'],
  aws_dynamodb_table: ['name', 'hash_key', 'range_key', 'local_secondary_index'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'],
  aws_kms_external_key: ['key_material_base64', 'key_spec', 'key_usage', 'multi_region'],
  aws_cognito_user_pool: ['name', 'alias_attributes', 'username_attributes', 'username_configuration.case_sensitive'],
  aws_backup_vault: ['name', 'kms_key_arn'],
  aws_cloudwatch_log_group: ['name', 'name_prefix', 'log_group_class'],
  aws_sqs_queue: ['name', 'name_prefix', 'fifo_queue'],
};

/**
 * The attributes of `changedPaths` (dotted, `[n]` indices) that force a replacement of a
 * protected resource of `type`; empty for an in-place update or an unprotected type.
 */
export function replacementCauses(type: string, changedPaths: ReadonlyArray<string>): string[] {
  if (!isProtectedResourceType(type)) return [];
  const forcing = REPLACEMENT_ATTRIBUTES[type];
  const bare = (p: string) => p.replace(/\[\d+\]/g, '');
  return changedPaths.filter((p) => forcing.some((f) => bare(p) === f || bare(p).startsWith(`${f}.`) || f.startsWith(`${bare(p)}.`)));
}
