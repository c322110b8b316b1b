import { LandingZoneSettings } from '../model/schema/settings';
import { tenantNames } from '../model/names';
import { PolicyStatement } from './policy-document';
import { KEY_ENCRYPT_DECRYPT_ACTIONS, KEY_GRANT_ACTIONS, KEY_SERVICE_ACTIONS } from './kms-perms';

/**
 * The key-policy statements an L3 customer adds to its own key (`byok: customer-key`) so that
 * the tenant account can use it: the data-access and backup roles use it, AWS services
 * (DynamoDB, S3, Backup, EBS) get grants through the roles that create resources, CloudWatch
 * Logs encrypts the tenant's log groups, CloudWatch publishes alarms to the encrypted topic, and
 * EventBridge publishes the break-glass alarm to its encrypted topic.
 * Nothing else in the landing zone, and nobody outside the tenant account, is named.
 */
export function customerKeyGrants(settings: LandingZoneSettings, tenantId: string, tenantAccountId: string, region: string): PolicyStatement[] {
  const own = tenantNames(settings, tenantId);
  const role = (name: string) => `arn:aws:iam::${tenantAccountId}:role/${name}`;
  const deployment = role(settings.roles.deployment);
  const users = [role(own.dataAccessRole), role(own.backupRole)];
  return [
    { Sid: 'TenantDataRolesUseTheKey', Effect: 'Allow', Principal: { AWS: users }, Action: [...KEY_ENCRYPT_DECRYPT_ACTIONS], Resource: '*' },
    {
      Sid: 'GrantsForAwsResourcesOfTheTenant',
      Effect: 'Allow',
      Principal: { AWS: [deployment, ...users] },
      Action: [...KEY_GRANT_ACTIONS],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
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
