/**
 * Action lists of the pipeline identities, named by intent (the aws-cdk-lib perms.ts habit).
 * The statement builders in pipeline-identities.ts use them; the IAM simulator tests check
 * every action against the AWS catalogue and its access level.
 */

/**
 * What a plan (or drift) run reads in an account: describe, list and get of every service the
 * stacks manage, plus the few reads Terraform makes under another verb. Terraform refreshes
 * every resource of a stack before it plans, so the plan role must read them all.
 */
export const PLAN_READ_ACTIONS = [
  'apigateway:GET',
  'backup:Describe*',
  'backup:Get*',
  'backup:List*',
  'cloudwatch:Describe*',
  'cloudwatch:Get*',
  'cloudwatch:List*',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:Describe*',
  'cognito-idp:Get*',
  'cognito-idp:List*',
  'dynamodb:Describe*',
  'dynamodb:Get*',
  'dynamodb:List*',
  'ec2:DescribeRegions',
  'ec2:GetEbsDefaultKmsKeyId',
  'ec2:GetEbsEncryptionByDefault',
  'events:Describe*',
  'events:List*',
  'iam:Get*',
  'iam:List*',
  'kms:Describe*',
  'kms:Get*',
  'kms:List*',
  'lambda:Get*',
  'lambda:List*',
  'logs:Describe*',
  'logs:Get*',
  'logs:List*',
  'organizations:Describe*',
  'organizations:List*',
  's3:Get*',
  's3:List*',
  'sns:Get*',
  'sns:List*',
  'sqs:Get*',
  'sqs:List*',
] as const;

/**
 * Reads of tenant data (items, objects, log contents, users, stream records) and the few
 * actions under a read verb that hand out secrets or write: denied to the plan role
 * explicitly, whatever PLAN_READ_ACTIONS matches. Terraform never needs them.
 */
export const PLAN_DENIED_READS = [
  'backup:ListIndexedRecoveryPointsForSearch',
  'cognito-idp:GetTokensFromRefreshToken',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PartiQLSelect',
  'dynamodb:Query',
  'dynamodb:Scan',
  'kms:GetParametersForImport',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  'logs:GetLogRecord',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'logs:StartQuery',
  'logs:Unmask',
  's3:GetObject*',
  'sqs:ReceiveMessage',
] as const;

/** A single item read: denied on every table but the tenant registries (Terraform refreshes registry entries). */
export const ITEM_READ_ACTIONS = ['dynamodb:GetItem'] as const;

/** Reading a state file (and a recorded-applied marker). */
export const STATE_READ_ACTIONS = ['s3:GetObject'] as const;
/** Writing and removing a state file, its lock object or a marker. */
export const STATE_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject'] as const;
/** The S3 backend lists the bucket (workspaces); without it a missing key reads as AccessDenied, not NoSuchKey. */
export const STATE_LIST_ACTIONS = ['s3:ListBucket'] as const;
/** The state bucket's key, through S3 only: read objects, write objects. */
export const STATE_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/** What `lz audit --live` asks Organizations about a tenant account. */
export const ORGANIZATIONS_AUDIT_ACTIONS = [
  'organizations:DescribeAccount',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListParents',
  'organizations:ListPoliciesForTarget',
  'organizations:ListTagsForResource',
] as const;

/** An L3 tenant's registry entry in the platform registry (its partition only). */
export const FOOTPRINT_REGISTRY_ITEM_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
export const FOOTPRINT_REGISTRY_TABLE_ACTIONS = ['dynamodb:DescribeTable'] as const;

/** An L3 tenant's event queue in the platform account. */
export const FOOTPRINT_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:DeleteQueue',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ListQueueTags',
  'sqs:SetQueueAttributes',
  'sqs:TagQueue',
  'sqs:UntagQueue',
] as const;

/** An L3 tenant's rule on the central bus and its target. */
export const FOOTPRINT_RULE_ACTIONS = [
  'events:DeleteRule',
  'events:DescribeRule',
  'events:DisableRule',
  'events:EnableRule',
  'events:ListTagsForResource',
  'events:ListTargetsByRule',
  'events:PutRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:TagResource',
  'events:UntagResource',
] as const;

/** An API key (created, read, changed, tagged, removed) in the platform API, by its TenantId tag. */
export const FOOTPRINT_API_KEY_ACTIONS = ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT'] as const;
export const FOOTPRINT_API_KEY_CREATE_ACTIONS = ['apigateway:POST'] as const;

/** The tenant's admin user in the platform user pool (while the platform app serves the tenant). */
export const FOOTPRINT_USER_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminUpdateUserAttributes',
] as const;
