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
    // A key in another account (a customer's) needs the caller's IAM permission as well as the key policy.
    {
      Sid: 'TableKeyThroughDynamoDB',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey', 'kms:CreateGrant'],
      Resource: 'arn' in props.kmsKey ? props.kmsKey.arn : '*',
      Condition: {
        ...('alias' in props.kmsKey ? { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [props.kmsKey.alias] } } : {}),
        StringEquals: { 'kms:ViaService': `dynamodb.${props.region}.amazonaws.com` },
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

/**
 * Trust policy of a data-access role: named callers only, exactly the TenantId session tag.
 *
 * Two statements, because STS authorizes `AssumeRole` and `TagSession` separately within one
 * AssumeRole request, and the condition keys of each action differ: the Service Authorization
 * Reference lists `sts:ExternalId` for `sts:AssumeRole` only, and `aws:RequestTag/*`,
 * `aws:TagKeys` for both. A statement that required the external id for `sts:TagSession` would
 * deny every tagged session wherever the external id is not part of the TagSession evaluation.
 * So `AssumeRole` requires the external id, tag and organization; `TagSession` requires the tag
 * (exactly the TenantId key, with the tenant's value) and the organization. Under either reading
 * of which keys TagSession sees, the intended call is allowed and nothing else: no session
 * without the external id (AssumeRole refuses it), no session with another tag or an extra key
 * (both refuse it). TagSession is never a call of its own.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
 */
export function tokenVendingTrust(props: TokenVendingTrustProps): PolicyDocument {
  const tagKey = `aws:RequestTag/${TENANT_SESSION_TAG}`;
  const tagConditions = (extra: Record<string, string>): ConditionBlock => {
    const equals: Record<string, string> = { ...(props.tenantId ? { [tagKey]: props.tenantId } : {}), ...extra, ...(props.organizationId ? { 'aws:PrincipalOrgID': props.organizationId } : {}) };
    return {
      'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
      Null: { [tagKey]: 'false' },
      ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}),
    };
  };
  const principal = { AWS: [...props.callerRoleArns] };
  return policyDocument(
    { Sid: 'TenantSessionsFromTheApp', Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: tagConditions(props.externalId ? { 'sts:ExternalId': props.externalId } : {}) },
    { Sid: 'TenantSessionTagFromTheApp', Effect: 'Allow', Principal: principal, Action: 'sts:TagSession', Condition: tagConditions({}) },
  );
}
