/** KMS action lists, named by intent (the aws-cdk-lib perms.ts habit). */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
  'kms:ImportKeyMaterial',
  'kms:DeleteImportedKeyMaterial',
] as const;

export const KEY_ENCRYPT_DECRYPT_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'] as const;

/** What a principal needs to use a key through DynamoDB, S3 or AWS Backup (each conditioned on kms:ViaService). */
export const KEY_USE_ACTIONS = [...KEY_ENCRYPT_DECRYPT_ACTIONS, 'kms:CreateGrant'] as const;

export const KEY_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'] as const;

/** What an AWS service needs to encrypt on a caller's behalf (CloudWatch Logs, EventBridge, SNS). */
export const KEY_SERVICE_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'] as const;

/** Actions the guardrail SCPs deny to everyone but the break-glass role. */
export const KEY_DESTRUCTION_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DeleteImportedKeyMaterial', 'kms:DisableKey'] as const;

/** Reading a key's configuration, as Terraform refreshes it (the plan role): no cryptography, no change. */
export const KEY_READ_ACTIONS = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'] as const;
