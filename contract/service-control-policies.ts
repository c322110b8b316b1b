import { OuKey } from '../model/profile';
import { ConditionBlock, policyDocument, PolicyDocument, PolicyStatement } from './policy-document';
import { KEY_DESTRUCTION_ACTIONS } from './kms-perms';

/**
 * The guardrail service control policies, as plain policy documents. They are grouped into
 * three policies because an OU takes at most five SCPs and FullAWSAccess is one of them.
 * Every deny exempts the break-glass role, except the 30-day key deletion window, which
 * binds everyone.
 */
export interface GuardrailProps {
  /** Regions the organization may use. */
  readonly allowedRegions: ReadonlyArray<string>;
  /** Role name exempt from the guardrails. */
  readonly breakGlassRole: string;
  /** Role name the pipeline deploys with; nobody else may change it. */
  readonly deploymentRole: string;
}

/** SCPs hold at most 5,120 characters (whitespace counts, so they are stored compact). */
export const SCP_MAX_CHARACTERS = 5120;

function exemptBreakGlass(props: GuardrailProps, extra: ConditionBlock = {}): ConditionBlock {
  return { ...extra, ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${props.breakGlassRole}`, ...(extra.ArnNotLike ?? {}) } };
}

/**
 * Services that have no regional endpoint of their own (or are called in us-east-1 for every
 * region); the region guardrail must not deny them. KMS is deliberately absent: keys are
 * regional and tenant data must not be encrypted outside the allowed regions.
 */
export const GLOBAL_SERVICE_ACTIONS = [
  'account:*',
  'aws-portal:*',
  'budgets:*',
  'ce:*',
  'cloudfront:*',
  'cur:*',
  'globalaccelerator:*',
  'health:*',
  'iam:*',
  'organizations:*',
  'pricing:*',
  'route53:*',
  'route53domains:*',
  's3:GetAccountPublicAccessBlock',
  's3:ListAllMyBuckets',
  's3:PutAccountPublicAccessBlock',
  'shield:*',
  'sts:*',
  'support:*',
  'trustedadvisor:*',
  'waf:*',
  'wafv2:*',
] as const;

export const SECURITY_SERVICE_ACTIONS = [
  'cloudtrail:DeleteTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:StopLogging',
  'cloudtrail:UpdateTrail',
  'config:DeleteConfigRule',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'config:DeleteRetentionConfiguration',
  'config:PutConfigurationRecorder',
  'config:StopConfigurationRecorder',
  'guardduty:DeleteDetector',
  'guardduty:DeleteMembers',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:StopMonitoringMembers',
  'guardduty:UpdateDetector',
] as const;

export const ROLE_MUTATION_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
] as const;

/** Leaving the organization, the root user, and switching off CloudTrail, Config and GuardDuty. */
export function baselineGuardrails(props: GuardrailProps): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'DenyLeaveOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*', Condition: exemptBreakGlass(props) },
    { Sid: 'DenyRootUser', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } },
    { Sid: 'DenyRootAccessKeys', Effect: 'Deny', Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey'], Resource: 'arn:aws:iam::*:root' },
    { Sid: 'ProtectSecurityServices', Effect: 'Deny', Action: [...SECURITY_SERVICE_ACTIONS], Resource: '*', Condition: exemptBreakGlass(props) },
  ];
  return policyDocument(...statements);
}

/** Everything outside the allowed regions, except the global services. */
export function regionGuardrail(props: GuardrailProps): PolicyDocument {
  if (props.allowedRegions.length === 0) throw new Error('regionGuardrail: allowedRegions must name at least one region');
  return policyDocument({
    Sid: 'DenyOutsideAllowedRegions',
    Effect: 'Deny',
    NotAction: [...GLOBAL_SERVICE_ACTIONS],
    Resource: '*',
    Condition: exemptBreakGlass(props, { StringNotEquals: { 'aws:RequestedRegion': [...props.allowedRegions] } }),
  });
}

/** Key deletion and disabling (break-glass only, never under 30 days), and the deployment role. */
export function keyAndRoleGuardrails(props: GuardrailProps): PolicyDocument {
  return policyDocument(
    { Sid: 'DenyKeyDestruction', Effect: 'Deny', Action: [...KEY_DESTRUCTION_ACTIONS], Resource: '*', Condition: exemptBreakGlass(props) },
    { Sid: 'DenyShortKeyDeletionWindow', Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' } } },
    { Sid: 'ProtectDeploymentRole', Effect: 'Deny', Action: [...ROLE_MUTATION_ACTIONS], Resource: `arn:aws:iam::*:role/${props.deploymentRole}`, Condition: exemptBreakGlass(props) },
  );
}

/** The suspended OU: nothing but the break-glass and deployment roles may act (data is kept, access is gone). */
export function suspendedGuardrail(props: GuardrailProps): PolicyDocument {
  return policyDocument({
    Sid: 'DenyAllButOperators',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::*:role/${props.breakGlassRole}`, `arn:aws:iam::*:role/${props.deploymentRole}`] } },
  });
}

export type GuardrailName = 'baseline' | 'regions' | 'keys-and-roles' | 'suspended';

export const GUARDRAILS: Record<GuardrailName, { description: string; document: (p: GuardrailProps) => PolicyDocument }> = {
  baseline: { description: 'Deny leaving the organization, root user use and disabling CloudTrail, Config and GuardDuty', document: baselineGuardrails },
  regions: { description: 'Deny regions outside the landing-zone allow-list (global services exempt, KMS not)', document: regionGuardrail },
  'keys-and-roles': { description: 'Deny KMS key deletion and disabling, deletion windows under 30 days, and changes to the deployment role', document: keyAndRoleGuardrails },
  suspended: { description: 'Suspended accounts: deny everything but the break-glass and deployment roles', document: suspendedGuardrail },
};

/** Which guardrails each OU gets (FullAWSAccess stays attached, so at most four here). */
export const OU_GUARDRAILS: Record<OuKey, ReadonlyArray<GuardrailName>> = {
  platform: ['baseline', 'keys-and-roles'],
  tenantsL2: ['baseline', 'regions', 'keys-and-roles'],
  tenantsL3: ['baseline', 'regions', 'keys-and-roles'],
  suspended: ['baseline', 'keys-and-roles', 'suspended'],
};
