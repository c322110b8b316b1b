import { platformNames } from '../../model/names';
import { SCP_MAX_CHARACTERS } from '../../contract/service-control-policies';
import { actionInCatalogue, allPolicies, decide, Doc, findPolicy, inlinePolicyOfRole, trustPolicyOfRole } from '../helpers/iam';
import { fixtureLandingZone, stackJson, synthTo } from '../helpers/synth';

/**
 * Proof of isolation: the policies as synthesized, evaluated for concrete requests by an IAM
 * policy simulator. Nothing here restates a policy; every document comes from cdk.tf.json.
 */
const lz = fixtureLandingZone();
const result = synthTo(lz, { tenantIds: ['bluefin-analytics'] });
const platform = stackJson(result, 'platform');
const organization = stackJson(result, 'organization');
const names = platformNames(lz.settings);
const PLATFORM = lz.settings.organization.platformAccountId;
const ORG = lz.settings.organization.id;
const REGION = lz.settings.regions.home;
const dataRole = `arn:aws:iam::${PLATFORM}:role/${names.dataAccessRole}`;
const session = (tenant: string) => `arn:aws:sts::${PLATFORM}:assumed-role/${names.dataAccessRole}/tenant-${tenant}`;
const table = `arn:aws:dynamodb:${REGION}:${PLATFORM}:table/${names.itemsTable}`;
const bucket = `arn:aws:s3:::${names.pooledBucket(PLATFORM, REGION)}`;

describe('pooled data: the data-access role reaches only the session tenant', () => {
  const policy = inlinePolicyOfRole(platform, names.dataAccessRole);
  const asTenant = (tenant: string, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide({ principal: session(tenant), action, resource, resourceAccount: PLATFORM, context: { 'aws:PrincipalTag/TenantId': tenant, ...context } }, { identity: [policy] });

  test.each([
    ['dynamodb:GetItem', ['acme'], 'Allowed'],
    ['dynamodb:Query', ['acme'], 'Allowed'],
    ['dynamodb:PutItem', ['acme'], 'Allowed'],
    ['dynamodb:DeleteItem', ['acme'], 'Allowed'],
    ['dynamodb:GetItem', ['beta'], 'ImplicitlyDenied'],
    ['dynamodb:PutItem', ['beta'], 'ImplicitlyDenied'],
    ['dynamodb:BatchGetItem', ['acme', 'beta'], 'ImplicitlyDenied'],
  ])("tenant acme's session: %s on partition %j is %s", async (action, keys, expected) => {
    expect(await asTenant('acme', action as string, table, { 'dynamodb:LeadingKeys': keys as string[] })).toBe(expected);
  });

  test('Scan is denied even on its own table (it has no leading key)', async () => {
    expect(await asTenant('acme', 'dynamodb:Scan', table)).toBe('ImplicitlyDenied');
  });

  test('a request without leading keys is denied by the Null guard', async () => {
    expect(await asTenant('acme', 'dynamodb:GetItem', table)).toBe('ImplicitlyDenied');
  });

  test('a session without the TenantId tag reaches nothing', async () => {
    expect(await decide({ principal: session('x'), action: 'dynamodb:GetItem', resource: table, resourceAccount: PLATFORM, context: { 'dynamodb:LeadingKeys': ['x'] } }, { identity: [policy] })).toBe('ImplicitlyDenied');
  });

  test('S3 only under the tenant prefix', async () => {
    expect(await asTenant('acme', 's3:GetObject', `${bucket}/acme/files/a.txt`)).toBe('Allowed');
    expect(await asTenant('acme', 's3:PutObject', `${bucket}/acme/files/a.txt`)).toBe('Allowed');
    expect(await asTenant('acme', 's3:GetObject', `${bucket}/beta/files/a.txt`)).toBe('ImplicitlyDenied');
    expect(await asTenant('acme', 's3:GetObject', `${bucket}/acme-corp/files/a.txt`)).toBe('ImplicitlyDenied');
    expect(await asTenant('acme', 's3:ListBucket', bucket, { 's3:prefix': 'acme/files/' })).toBe('Allowed');
    expect(await asTenant('acme', 's3:ListBucket', bucket, { 's3:prefix': 'beta/' })).toBe('ImplicitlyDenied');
  });
});

describe('token vending: the trust policy of the data-access role', () => {
  const trust = trustPolicyOfRole(platform, names.dataAccessRole);
  const apiRole = `arn:aws:iam::${PLATFORM}:role/${names.appRole('tenant-api')}`;
  const assume = (principal: string, action: string, context: Record<string, string | string[]>) => decide({ principal, action, resource: dataRole, resourceAccount: PLATFORM, context }, { resource: trust, identity: [] });

  test('the API role gets a session tagged with exactly TenantId', async () => {
    const ctx = { 'aws:RequestTag/TenantId': 'acme', 'aws:TagKeys': ['TenantId'] };
    expect(await assume(apiRole, 'sts:AssumeRole', ctx)).toBe('Allowed');
    expect(await assume(apiRole, 'sts:TagSession', ctx)).toBe('Allowed');
  });

  test('an extra session tag is refused', async () => {
    expect(await assume(apiRole, 'sts:TagSession', { 'aws:RequestTag/TenantId': 'acme', 'aws:RequestTag/Admin': 'true', 'aws:TagKeys': ['TenantId', 'Admin'] })).toBe('ImplicitlyDenied');
  });

  test('a session without the TenantId tag is refused', async () => {
    expect(await assume(apiRole, 'sts:AssumeRole', {})).toBe('ImplicitlyDenied');
  });

  test('roles that do not vend tenant sessions cannot assume it', async () => {
    expect(await assume(`arn:aws:iam::${PLATFORM}:role/${names.appRole('pre-sign-up')}`, 'sts:AssumeRole', { 'aws:RequestTag/TenantId': 'acme', 'aws:TagKeys': ['TenantId'] })).toBe('ImplicitlyDenied');
  });
});

describe('central event bus', () => {
  const policy = findPolicy(platform, 'aws_cloudwatch_event_bus_policy', 'policy', () => true);
  const busArn = `arn:aws:events:${REGION}:${PLATFORM}:event-bus/${names.centralBus}`;
  const put = (account: string, orgId: string) =>
    decide(
      { principal: `arn:aws:iam::${account}:role/app`, action: 'events:PutEvents', resource: busArn, resourceAccount: PLATFORM, context: { 'aws:PrincipalOrgID': orgId, 'aws:PrincipalAccount': account } },
      { resource: policy, identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }] }] },
    );

  test('PutEvents from an account of the organization is allowed', async () => {
    expect(await put('345678901234', ORG)).toBe('Allowed');
  });

  test('PutEvents from outside the organization is denied', async () => {
    expect(await put('999999999999', 'o-someoneelse')).toBe('ImplicitlyDenied');
  });
});

describe('platform key policy: administrators and users are separate, outsiders denied', () => {
  const policy = findPolicy(platform, 'aws_kms_key', 'policy', () => true);
  const keyArn = `arn:aws:kms:${REGION}:${PLATFORM}:key/11111111-2222-3333-4444-555555555555`;
  const throughDynamoDb = { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com`, 'kms:CallerAccount': PLATFORM };
  const call = (principal: string, action: string, orgId = ORG, context: Record<string, string> = throughDynamoDb) =>
    decide({ principal, action, resource: keyArn, resourceAccount: PLATFORM, context: { 'aws:PrincipalOrgID': orgId, ...context } }, { resource: policy, identity: [] });

  test('the data-access role may decrypt through DynamoDB but not manage', async () => {
    expect(await call(dataRole, 'kms:Decrypt')).toBe('Allowed');
    expect(await call(dataRole, 'kms:ScheduleKeyDeletion')).toBe('ImplicitlyDenied');
    expect(await call(dataRole, 'kms:PutKeyPolicy')).toBe('ImplicitlyDenied');
  });

  test('the deployment role may manage but not decrypt', async () => {
    const deploy = `arn:aws:iam::${PLATFORM}:role/${lz.settings.roles.deployment}`;
    expect(await call(deploy, 'kms:PutKeyPolicy')).toBe('Allowed');
    expect(await call(deploy, 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });

  test('a principal outside the organization is explicitly denied', async () => {
    expect(await call('arn:aws:iam::999999999999:role/attacker', 'kms:Decrypt', 'o-someoneelse')).toBe('ExplicitlyDenied');
  });
});

describe('guardrail service control policies', () => {
  const scps = new Map<string, Doc>(
    Object.values(organization.resource.aws_organizations_policy as Record<string, { name: string; content: string }>).map((p) => [p.name.replace(/^kpz-guardrail-/, ''), JSON.parse(p.content)]),
  );
  const tenantOu = [scps.get('baseline')!, scps.get('regions')!, scps.get('keys-and-roles')!];
  const TENANT = '345678901234';
  const allowAll: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  // KMS needs a key policy; this is the default one (the account, delegating to IAM).
  const defaultKeyPolicy: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TENANT}:root` }, Action: 'kms:*', Resource: '*' }] };
  const inTenant = (role: string, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide(
      { principal: `arn:aws:iam::${TENANT}:role/${role}`, action, resource, resourceAccount: TENANT, context: { 'aws:RequestedRegion': REGION, 'aws:PrincipalArn': `arn:aws:iam::${TENANT}:role/${role}`, ...context } },
      { identity: [allowAll], scps: [tenantOu], resource: resource.startsWith('arn:aws:kms:') ? defaultKeyPolicy : undefined },
    );
  const key = `arn:aws:kms:${REGION}:${TENANT}:key/11111111-2222-3333-4444-555555555555`;
  const deploy = lz.settings.roles.deployment;
  const breakGlass = lz.settings.roles.breakGlass;

  test('every SCP is valid JSON under the 5,120-character limit', () => {
    const contents = Object.values(organization.resource.aws_organizations_policy as Record<string, { content: string }>).map((p) => p.content);
    expect(contents).toHaveLength(4);
    for (const c of contents) expect(c.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
  });

  test('at most four SCPs per OU (FullAWSAccess is the fifth)', () => {
    const perTarget = new Map<string, number>();
    for (const a of Object.values(organization.resource.aws_organizations_policy_attachment as Record<string, { target_id: string }>)) perTarget.set(a.target_id, (perTarget.get(a.target_id) ?? 0) + 1);
    expect(perTarget.size).toBe(4);
    for (const n of perTarget.values()) expect(n).toBeLessThanOrEqual(4);
  });

  test('key deletion, disabling and deleting imported material are denied, except to break-glass', async () => {
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DeleteImportedKeyMaterial', 'kms:DisableKey']) {
      expect([action, await inTenant(deploy, action, key, { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' })]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await inTenant(breakGlass, 'kms:ScheduleKeyDeletion', key, { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' })).toBe('Allowed');
    expect(await inTenant(breakGlass, 'kms:DeleteImportedKeyMaterial', key)).toBe('Allowed');
  });

  test('a deletion window under 30 days is denied even to break-glass', async () => {
    expect(await inTenant(breakGlass, 'kms:ScheduleKeyDeletion', key, { 'kms:ScheduleKeyDeletionPendingWindowInDays': '7' })).toBe('ExplicitlyDenied');
  });

  test('leaving the organization and the root user are denied', async () => {
    expect(await inTenant(deploy, 'organizations:LeaveOrganization', '*')).toBe('ExplicitlyDenied');
    const root = `arn:aws:iam::${TENANT}:root`;
    expect(await decide({ principal: root, action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:${REGION}:${TENANT}:table/t`, resourceAccount: TENANT, context: { 'aws:PrincipalArn': root, 'aws:RequestedRegion': REGION } }, { identity: [allowAll], scps: [tenantOu] })).toBe('ExplicitlyDenied');
  });

  test('CloudTrail, Config and GuardDuty cannot be switched off', async () => {
    expect(await inTenant(deploy, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:${REGION}:${TENANT}:trail/org`)).toBe('ExplicitlyDenied');
    expect(await inTenant(deploy, 'config:StopConfigurationRecorder', '*')).toBe('ExplicitlyDenied');
    expect(await inTenant(deploy, 'guardduty:DeleteDetector', `arn:aws:guardduty:${REGION}:${TENANT}:detector/abc`)).toBe('ExplicitlyDenied');
  });

  test('regions outside the allow-list are denied, global services and allowed regions are not, KMS is not exempt', async () => {
    const tableIn = (r: string) => `arn:aws:dynamodb:${r}:${TENANT}:table/t`;
    expect(await inTenant(deploy, 'dynamodb:CreateTable', tableIn('ap-south-1'), { 'aws:RequestedRegion': 'ap-south-1' })).toBe('ExplicitlyDenied');
    expect(await inTenant(deploy, 'dynamodb:CreateTable', tableIn('eu-central-1'), { 'aws:RequestedRegion': 'eu-central-1' })).toBe('Allowed');
    expect(await inTenant(deploy, 'iam:CreateRole', `arn:aws:iam::${TENANT}:role/x`, { 'aws:RequestedRegion': 'ap-south-1' })).toBe('Allowed');
    expect(await inTenant(deploy, 'kms:CreateKey', '*', { 'aws:RequestedRegion': 'ap-south-1' })).toBe('ExplicitlyDenied');
  });

  test('nobody but break-glass changes the deployment role', async () => {
    const role = `arn:aws:iam::${TENANT}:role/${deploy}`;
    expect(await inTenant('SomeAdmin', 'iam:PutRolePolicy', role)).toBe('ExplicitlyDenied');
    expect(await inTenant(deploy, 'iam:UpdateAssumeRolePolicy', role)).toBe('ExplicitlyDenied');
    expect(await inTenant(breakGlass, 'iam:PutRolePolicy', role)).toBe('Allowed');
  });
});

describe('every IAM action in every policy exists in the AWS action catalogue', () => {
  test('all stacks', async () => {
    const full = synthTo(lz);
    const unknown: string[] = [];
    let checked = 0;
    for (const p of allPolicies(full)) {
      for (const s of p.document.Statement) {
        for (const key of ['Action', 'NotAction']) {
          const v = s[key] as string | string[] | undefined;
          for (const action of v === undefined ? [] : typeof v === 'string' ? [v] : v) {
            checked++;
            if (!(await actionInCatalogue(action))) unknown.push(`${p.stack} ${p.address}: ${action}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
  });

  test('the catalogue check itself rejects made-up actions', async () => {
    expect(await actionInCatalogue('dynamodb:GetItems')).toBe(false);
    expect(await actionInCatalogue('dynamo:GetItem')).toBe(false);
    expect(await actionInCatalogue('kms:Frobnicate*')).toBe(false);
    expect(await actionInCatalogue('kms:Generate*')).toBe(true);
  });
});
