import { migrationRecordKey, TENANT_SESSION_TAG } from '../functions/shared/contracts';
import { policyDocument, PolicyDocument, PolicyStatement } from './policy-document';

/**
 * The policies of tier moves, as data.
 *
 * - The migration role (platform account) is what `lz migrate` acts through: it can vend
 *   tenant-scoped sessions of data-access roles (always with exactly the TenantId tag), read
 *   registry entries, write migration records (and nothing else in the registry), and read or
 *   delete users of the shared pool. It cannot read any tenant data itself.
 * - An L3 tenant's user migration source role (platform account, made by its account stack while
 *   its users move) lets that tenant's user migration trigger, and nothing else, check passwords
 *   against the shared pool.
 */

/** Cognito calls on the shared pool of a users move (reading the tenant's users; deleting them at cleanup). */
export const SHARED_POOL_MIGRATION_ACTIONS = ['cognito-idp:ListUsers', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'] as const;
/** What a user migration trigger needs of the shared pool. */
export const USER_MIGRATION_SOURCE_ACTIONS = ['cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminGetUser'] as const;

export interface MigrationRoleProps {
  /** Data-access roles (ARNs or patterns) whose tenant sessions it may vend. */
  readonly dataAccessRoleArns: ReadonlyArray<string>;
  readonly organizationId: string;
  readonly registryTableArn: string;
  readonly sharedUserPoolArn: string;
}

export function migrationRoleTrust(pipelineRoleArn: string): PolicyDocument {
  return policyDocument({ Sid: 'ThePipeline', Effect: 'Allow', Principal: { AWS: pipelineRoleArn }, Action: 'sts:AssumeRole' });
}

export function migrationRoleStatements(props: MigrationRoleProps): PolicyStatement[] {
  const tagKey = `aws:RequestTag/${TENANT_SESSION_TAG}`;
  return [
    {
      Sid: 'VendTenantSessionsOnly',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Resource: [...props.dataAccessRoleArns],
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] }, Null: { [tagKey]: 'false' }, StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
    },
    { Sid: 'ReadRegistryEntries', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: props.registryTableArn },
    {
      Sid: 'WriteMigrationRecordsOnly',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: props.registryTableArn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [migrationRecordKey('*', '*')] } },
    },
    { Sid: 'SharedPoolUsersOfMovingTenants', Effect: 'Allow', Action: [...SHARED_POOL_MIGRATION_ACTIONS], Resource: props.sharedUserPoolArn },
  ];
}

/**
 * Trust of an L3 tenant's user migration source role (platform account): the tenant's user
 * migration trigger only. The tenant account is the principal and the trigger's role is named in
 * a condition, so the role can be created (by the account stack) before the trigger's role
 * exists (the tenant stack creates that later in the same run).
 */
export function userMigrationSourceTrust(props: { readonly tenantAccountId: string; readonly triggerRoleArn: string; readonly organizationId: string }): PolicyDocument {
  return policyDocument({
    Sid: 'TheTenantsUserMigrationTrigger',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${props.tenantAccountId}:root` },
    Action: 'sts:AssumeRole',
    Condition: { ArnEquals: { 'aws:PrincipalArn': props.triggerRoleArn }, StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
  });
}

/**
 * What the trigger may do in the shared pool. The platform account holds no other user pool than
 * the shared one (L3 pools live in the tenants' accounts), so the pool is named by the account.
 */
export function userMigrationSourceStatements(props: { readonly platformAccountId: string; readonly region: string }): PolicyStatement[] {
  return [{ Sid: 'CheckPasswordsAgainstTheSharedPool', Effect: 'Allow', Action: [...USER_MIGRATION_SOURCE_ACTIONS], Resource: `arn:aws:cognito-idp:${props.region}:${props.platformAccountId}:userpool/*` }];
}
