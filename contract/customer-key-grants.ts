import { APP_FUNCTIONS } from '../functions/shared/contracts';
import { LandingZoneSettings } from '../model/schema/settings';
import { tenantNames } from '../model/names';
import { keyUseStatements } from './key-policy';
import { PolicyStatement } from './policy-document';
import { KEY_GRANT_ACTIONS, KEY_SERVICE_ACTIONS } from './kms-perms';

/**
 * The key-policy statements an L3 customer adds to its own key (`byok: customer-key`) so that
 * the tenant account can use it: the data-access role through DynamoDB and S3, the backup role
 * through AWS Backup, DynamoDB and S3, the tenant app's functions through DynamoDB (their
 * registry), each only from the tenant account (contract/key-policy.ts `keyUseStatements`);
 * the deployment role creates grants for AWS resources (DynamoDB, S3, Backup, EBS); CloudWatch
 * Logs encrypts the tenant's log groups, CloudWatch publishes alarms to the encrypted topic, and
 * EventBridge publishes the break-glass alarm to its encrypted topic.
 * Nothing else in the landing zone, and nobody outside the tenant account, is named.
 */
export function customerKeyGrants(settings: LandingZoneSettings, tenantId: string, tenantAccountId: string, region: string): PolicyStatement[] {
  const own = tenantNames(settings, tenantId);
  const role = (name: string) => `arn:aws:iam::${tenantAccountId}:role/${name}`;
  const deployment = role(settings.roles.deployment);
  return [
    ...keyUseStatements(
      [
        { principals: [role(own.dataAccessRole)], via: ['dynamodb', 's3'] },
        { principals: [role(own.backupRole)], via: ['backup', 'dynamodb', 's3'] },
        { principals: APP_FUNCTIONS.map((fn) => role(own.appRole(fn))), via: ['dynamodb'] },
      ],
      { accountId: tenantAccountId, region, sidPrefix: 'Tenant' },
    ),
    {
      Sid: 'DeploymentRoleGrantsForAwsResources',
      Effect: 'Allow',
      Principal: { AWS: deployment },
      Action: [...KEY_GRANT_ACTIONS],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:CallerAccount': tenantAccountId } },
    },
    { Sid: 'DeploymentRoleDescribesTheKey', Effect: 'Allow', Principal: { AWS: deployment }, Action: 'kms:DescribeKey', Resource: '*' },
    {
      Sid: 'CloudWatchLogsOfTheTenant',
      Effect: 'Allow',
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: [...KEY_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${tenantAccountId}:log-group:*` } },
    },
    {
      Sid: 'AlarmsOfTheTenant',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': tenantAccountId } },
    },
    {
      Sid: 'BreakGlassAlarmOfTheTenant',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': tenantAccountId } },
    },
  ];
}
