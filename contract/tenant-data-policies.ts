import { TENANT_SESSION_TAG } from '../functions/shared/contracts';
import { ConditionBlock, policyDocument, PolicyDocument, PolicyStatement } from './policy-document';

/**
 * The isolation contract for tenant data, as policies: tenant-scoped sessions carry exactly
 * one session tag, TenantId, and reach DynamoDB only for partition keys equal to it (no Scan)
 * and S3 only under its prefix. Used for the pooled data-access role and, with the tenant
 * pinned, for each dedicated tenant's data-access role.
 */
export const TENANT_TAG_VARIABLE = `\${aws:PrincipalTag/${TENANT_SESSION_TAG}}`;

/** Item-level actions; Scan is deliberately absent (it cannot be limited to one partition). */
export const TENANT_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

export const TENANT_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'] as const;

export interface TenantDataAccessProps {
  readonly tableArns: ReadonlyArray<string>;
  readonly bucketArn: string;
  /**
   * The key that encrypts the bucket: by alias (`alias/...`, keys of this landing zone) or by
   * ARN (a customer-owned key in another account, which has no alias here).
   */
  readonly kmsKey: { readonly alias: string } | { readonly arn: string };
  readonly region: string;
}

export function tenantDataAccessStatements(props: TenantDataAccessProps): PolicyStatement[] {
  return [
    {
      Sid: 'TenantItemsOnly',
      Effect: 'Allow',
      Action: [...TENANT_TABLE_ACTIONS],
      Resource: props.tableArns.flatMap((arn) => [arn, `${arn}/index/*`]),
      Condition: {
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TENANT_TAG_VARIABLE] },
        Null: { 'dynamodb:LeadingKeys': 'false', [`aws:PrincipalTag/${TENANT_SESSION_TAG}`]: 'false' },
      },
    },
    {
      Sid: 'TenantObjectsOnly',
      Effect: 'Allow',
      Action: [...TENANT_OBJECT_ACTIONS],
      Resource: `${props.bucketArn}/${TENANT_TAG_VARIABLE}/*`,
      Condition: { Null: { [`aws:PrincipalTag/${TENANT_SESSION_TAG}`]: 'false' } },
    },
    {
      Sid: 'TenantPrefixListing',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: props.bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${TENANT_TAG_VARIABLE}/*`] }, Null: { [`aws:PrincipalTag/${TENANT_SESSION_TAG}`]: 'false' } },
    },
    {
      Sid: 'BucketKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: 'arn' in props.kmsKey ? props.kmsKey.arn : '*',
      Condition: {
        ...('alias' in props.kmsKey ? { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [props.kmsKey.alias] } } : {}),
        StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` },
      },
    },
  ];
}

export interface TokenVendingTrustProps {
  /** Roles of the app that vend tenant sessions. */
  readonly callerRoleArns: ReadonlyArray<string>;
  /** Pin every session to this tenant (dedicated data-access roles). @default any tenant, tag required */
  readonly tenantId?: string;
  /** Require this external id (dedicated roles use the tenant id). */
  readonly externalId?: string;
  /** Require callers to belong to the organization (cross-account callers). */
  readonly organizationId?: string;
}

/** Trust policy of a data-access role: named callers only, exactly the TenantId session tag. */
export function tokenVendingTrust(props: TokenVendingTrustProps): PolicyDocument {
  const tagKey = `aws:RequestTag/${TENANT_SESSION_TAG}`;
  const condition: Record<string, Record<string, string | ReadonlyArray<string>>> = {
    'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
    Null: { [tagKey]: 'false' },
  };
  if (props.tenantId) condition.StringEquals = { ...(condition.StringEquals ?? {}), [tagKey]: props.tenantId };
  if (props.externalId) condition.StringEquals = { ...(condition.StringEquals ?? {}), 'sts:ExternalId': props.externalId };
  if (props.organizationId) condition.StringEquals = { ...(condition.StringEquals ?? {}), 'aws:PrincipalOrgID': props.organizationId };
  return policyDocument({
    Sid: 'TenantSessionsFromTheApp',
    Effect: 'Allow',
    Principal: { AWS: [...props.callerRoleArns] },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: condition as ConditionBlock,
  });
}
