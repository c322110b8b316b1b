import { EventPattern } from './event-patterns';
import { ConditionBlock, policyDocument, PolicyDocument } from './policy-document';

/**
 * Support access to tenant accounts, as data (IAM Identity Center in the management account):
 *
 * - Platform support signs in with a read-only permission set: AWS's ReadOnlyAccess minus every
 *   action that reads tenant data, denied explicitly (items, objects, decryption, user
 *   profiles, queued messages, secrets and parameters).
 * - Break-glass is two steps. The break-glass permission set can do one thing: assume the
 *   tenant account's break-glass role, tagging the session with a ticket reference. The role
 *   trusts only that permission set's Identity Center role in its own account, only with a
 *   `TicketId` tag (matching the landing zone's ticket patterns, or exactly the ticket the
 *   tenant approved, within the approved window), and only through the STS endpoint of the
 *   tenant's region, where an EventBridge rule on the CloudTrail `AssumeRole` event alarms.
 */

/** The session tag every break-glass session carries. */
export const TICKET_TAG = 'TicketId';

/** AWS managed policies of the permission sets and of the break-glass role. */
export const READ_ONLY_MANAGED_POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
export const BREAK_GLASS_MANAGED_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** Actions that read tenant data; ReadOnlyAccess includes most of them, support must not. */
export const DATA_READ_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:PartiQLSelect',
  'dynamodb:Query',
  'dynamodb:Scan',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  's3:GetObject',
  's3:GetObjectTorrent',
  's3:GetObjectVersion',
  's3:GetObjectVersionTorrent',
  'secretsmanager:GetSecretValue',
  'sqs:ReceiveMessage',
  'ssm:GetParameter',
  'ssm:GetParameterHistory',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
] as const;

/** Inline policy of the read-only support permission set: explicit denies win over ReadOnlyAccess. */
export function supportReadOnlyPolicy(): PolicyDocument {
  return policyDocument({ Sid: 'NoTenantData', Effect: 'Deny', Action: [...DATA_READ_ACTIONS], Resource: '*' });
}

/** Every tenant's break-glass role, by the name pattern the landing zone derives (`<prefix>-<tenant>-support-break-glass`). */
export function breakGlassRolePattern(landingZone: string): string {
  return `arn:aws:iam::*:role/${landingZone}-*-support-break-glass`;
}

/** Inline policy of the break-glass permission set: assume a tenant's break-glass role in the organization, with a ticket tag and nothing else. */
export function breakGlassEntryPolicy(props: { readonly landingZone: string; readonly organizationId: string }): PolicyDocument {
  return policyDocument({
    Sid: 'AssumeBreakGlassRoleWithTicket',
    Effect: 'Allow',
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Resource: breakGlassRolePattern(props.landingZone),
    Condition: {
      Null: { [`aws:RequestTag/${TICKET_TAG}`]: 'false' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [TICKET_TAG] },
      StringEquals: { 'aws:ResourceOrgID': props.organizationId },
    },
  });
}

/** The role Identity Center creates in an account for a permission set (any Identity Center region). */
export function identityCenterRolePattern(accountId: string, permissionSetName: string): string {
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${permissionSetName}_*`;
}

export type BreakGlassTicket = { readonly kind: 'pattern'; readonly patterns: ReadonlyArray<string> } | { readonly kind: 'grant'; readonly ticket: string; readonly from: string; readonly until: string };

export interface BreakGlassTrustProps {
  readonly accountId: string;
  readonly permissionSetName: string;
  /** The tenant's region: sessions must come through its STS endpoint, where the alarm listens. */
  readonly region: string;
  readonly ticket: BreakGlassTicket;
}

/** Trust policy of a tenant's break-glass role. */
export function breakGlassTrust(props: BreakGlassTrustProps): PolicyDocument {
  const t = props.ticket;
  const condition: Record<string, Record<string, string | ReadonlyArray<string>>> = {
    ArnLike: { 'aws:PrincipalArn': identityCenterRolePattern(props.accountId, props.permissionSetName) },
    StringEquals: { 'aws:RequestedRegion': props.region, ...(t.kind === 'grant' ? { [`aws:RequestTag/${TICKET_TAG}`]: t.ticket } : {}) },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [TICKET_TAG] },
  };
  if (t.kind === 'pattern') condition.StringLike = { [`aws:RequestTag/${TICKET_TAG}`]: [...t.patterns] };
  else {
    condition.DateGreaterThan = { 'aws:CurrentTime': isoSeconds(t.from) };
    condition.DateLessThan = { 'aws:CurrentTime': isoSeconds(t.until) };
  }
  return policyDocument({
    Sid: t.kind === 'grant' ? 'BreakGlassWithTheApprovedTicket' : 'BreakGlassWithATicket',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: condition as ConditionBlock,
  });
}

/** `2026-11-30T18:00Z` as IAM writes dates: `2026-11-30T18:00:00Z`. */
function isoSeconds(time: string): string {
  return `${new Date(time).toISOString().slice(0, 19)}Z`;
}

/** CloudTrail's record of a session of the break-glass role in its account, as EventBridge sees it. */
export function breakGlassSessions(accountId: string, roleName: string): EventPattern {
  const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
  return {
    source: ['aws.sts'],
    account: [accountId],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRole'], requestParameters: { roleArn: [roleArn] } },
  };
}

/** AssumeRole is a read-only management event: a rule sees it only in this state. */
export const CLOUDTRAIL_RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
