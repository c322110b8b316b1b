import { DATA_READ_ACTIONS, READ_ONLY_MANAGED_POLICY } from '../../contract/support-access';
import { GLOBAL_SERVICE_ACTIONS } from '../../contract/service-control-policies';
import { platformNames, tenantNames } from '../../model/names';
import { unescapeTerraformTemplate } from '../../terraform/template';
import { OPS_ACCOUNT, OPS_GRANT, operationsLandingZone } from '../helpers/operations-fixture';
import { matchesPattern } from '../helpers/event-pattern';
import { onlyResource, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * The operations features in the synthesized JSON: cost allocation tags and budgets, restore
 * tests, support permission sets, assignments and break-glass, the residency SCP; each where
 * the tenant's profile puts it.
 */
const lz = operationsLandingZone();
const result = synthTo(lz);
const shared = platformNames(lz.settings);
const own = (id: string) => tenantNames(lz.settings, id);
const CREATED = '${data.terraform_remote_state.account-state.outputs.account_id}';
const parse = (s: string) => JSON.parse(unescapeTerraformTemplate(s));

describe('cost per tenant', () => {
  test('the organization activates TenantId and Tier as cost allocation tags', () => {
    const tags = Object.values(resources(stackJson(result, 'organization'), 'aws_ce_cost_allocation_tag')).map((t) => [t.tag_key, t.status]);
    expect(tags.sort()).toEqual([
      ['TenantId', 'Active'],
      ['Tier', 'Active'],
    ]);
  });

  test('an L1 budget counts the tenant tag in the platform account; alerts default to the billing contact', () => {
    const json = stackJson(result, 'tenant-pool-a');
    expect(onlyResource(json, 'aws_budgets_budget')).toMatchObject({
      name: own('pool-a').budget,
      budget_type: 'COST',
      time_unit: 'MONTHLY',
      limit_amount: '200.00',
      limit_unit: 'USD',
      cost_filter: [{ name: 'TagKeyValue', values: ['user:TenantId$pool-a'] }],
      notification: [
        { threshold: 80, notification_type: 'ACTUAL', threshold_type: 'PERCENTAGE', comparison_operator: 'GREATER_THAN', subscriber_email_addresses: ['finance@pool-a.example'] },
        { threshold: 100, notification_type: 'ACTUAL', threshold_type: 'PERCENTAGE', comparison_operator: 'GREATER_THAN', subscriber_email_addresses: ['finance@pool-a.example'] },
        { threshold: 100, notification_type: 'FORECASTED', threshold_type: 'PERCENTAGE', comparison_operator: 'GREATER_THAN', subscriber_email_addresses: ['finance@pool-a.example'] },
      ],
    });
    expect(json.provider.aws.map((p: TfJson) => p.allowed_account_ids)).toEqual([[lz.settings.organization.platformAccountId]]);
    expect(resources(stackJson(result, 'tenant-pool-b'), 'aws_budgets_budget')).toEqual({});
  });

  test('an L2/L3 budget lives in the account stack (management account) on the linked account', () => {
    const json = stackJson(result, 'account-ded-a');
    expect(json.provider.aws[0].allowed_account_ids).toEqual([lz.settings.organization.managementAccountId]);
    expect(onlyResource(json, 'aws_budgets_budget')).toMatchObject({
      limit_amount: '1500.50',
      cost_filter: [{ name: 'LinkedAccount', values: ['${aws_organizations_account.account.id}'] }],
      notification: [
        { threshold: 50, notification_type: 'ACTUAL', subscriber_email_addresses: ['fin@ded-a.example'] },
        { threshold: 100, notification_type: 'FORECASTED', subscriber_email_addresses: ['fin@ded-a.example'] },
      ],
    });
    expect(resources(stackJson(result, 'tenant-ded-a'), 'aws_budgets_budget')).toEqual({});
    expect(resources(stackJson(result, 'account-ded-b'), 'aws_budgets_budget')).toEqual({});
  });
});

describe('restore tests', () => {
  test('L2: a daily plan on the tenant vault, every data resource, copies kept 12 hours, the backup role', () => {
    const json = stackJson(result, 'tenant-ded-a');
    const vaultKey = Object.entries(resources(json, 'aws_backup_vault')).find(([, v]) => v.name === own('ded-a').backupVault)![0];
    expect(onlyResource(json, 'aws_backup_restore_testing_plan')).toMatchObject({
      name: 'kpz_ded_a_restore_tests',
      provider: 'aws.tenant',
      schedule_expression: 'cron(0 6 * * ? *)',
      recovery_point_selection: [{ algorithm: 'LATEST_WITHIN_WINDOW', include_vaults: [`\${aws_backup_vault.${vaultKey}.arn}`], recovery_point_types: ['SNAPSHOT'], selection_window_days: 30 }],
    });
    const selections = Object.values(resources(json, 'aws_backup_restore_testing_selection'));
    expect(selections.map((s) => [s.name, s.protected_resource_type, s.validation_window_hours, s.protected_resource_arns])).toEqual([
      ['kpz_ded_a_dynamodb', 'DynamoDB', 12, [`arn:aws:dynamodb:eu-central-1:${OPS_ACCOUNT}:table/${own('ded-a').itemsTable}`, `arn:aws:dynamodb:eu-central-1:${OPS_ACCOUNT}:table/${own('ded-a').usersTable}`]],
      ['kpz_ded_a_s3', 'S3', 12, [`arn:aws:s3:::${own('ded-a').dataBucket(OPS_ACCOUNT, 'eu-central-1')}`]],
    ]);
    const roleKey = Object.entries(resources(json, 'aws_iam_role')).find(([, r]) => r.name === own('ded-a').backupRole)![0];
    for (const s of selections) expect(s.iam_role_arn).toBe(`\${aws_iam_role.${roleKey}.arn}`);
  });

  test('L3: the plan restores from the locked vault the backups go to; only the resources the manifest names', () => {
    const json = stackJson(result, 'tenant-ded-b');
    const locked = Object.entries(resources(json, 'aws_backup_vault')).find(([, v]) => v.name === own('ded-b').lockedBackupVault)![0];
    expect(onlyResource(json, 'aws_backup_restore_testing_plan')).toMatchObject({ schedule_expression: 'cron(0 5 1 * ? *)', recovery_point_selection: [{ include_vaults: [`\${aws_backup_vault.${locked}.arn}`] }] });
    expect(Object.values(resources(json, 'aws_backup_restore_testing_selection')).map((s) => [s.protected_resource_type, s.protected_resource_arns])).toEqual([['DynamoDB', [`arn:aws:dynamodb:eu-west-1:${CREATED}:table/${own('ded-b').itemsTable}`]]]);
  });

  test('pooled tenants have none (the platform backs up pooled data)', () => {
    expect(resources(stackJson(result, 'tenant-pool-a'), 'aws_backup_restore_testing_plan')).toEqual({});
  });
});

describe('support access', () => {
  const org = stackJson(result, 'organization');
  const sets = Object.entries(resources(org, 'aws_ssoadmin_permission_set'));
  const setKey = (name: string) => sets.find(([, s]) => s.name === name)![0];
  const inline = (name: string) => parse(Object.values(resources(org, 'aws_ssoadmin_permission_set_inline_policy')).find((p) => p.permission_set_arn === `\${aws_ssoadmin_permission_set.${setKey(name)}.arn}`)!.inline_policy);

  test('permission sets: read-only support (ReadOnlyAccess, data denied) and break-glass (assume the role with a ticket)', () => {
    expect(sets.map(([, s]) => [s.name, s.session_duration]).sort()).toEqual([
      [shared.breakGlassPermissionSet, 'PT1H'],
      [shared.readOnlyPermissionSet, 'PT4H'],
    ]);
    expect(Object.values(resources(org, 'aws_ssoadmin_managed_policy_attachment')).map((m) => [m.permission_set_arn, m.managed_policy_arn])).toEqual([[`\${aws_ssoadmin_permission_set.${setKey(shared.readOnlyPermissionSet)}.arn}`, READ_ONLY_MANAGED_POLICY]]);
    expect(inline(shared.readOnlyPermissionSet).Statement).toEqual([{ Sid: 'NoTenantData', Effect: 'Deny', Action: [...DATA_READ_ACTIONS], Resource: '*' }]);
    expect(inline(shared.breakGlassPermissionSet).Statement).toEqual([
      {
        Sid: 'AssumeBreakGlassRoleWithTicket',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: 'arn:aws:iam::*:role/kpz-*-support-break-glass',
        Condition: { Null: { 'aws:RequestTag/TicketId': 'false' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['TicketId'] }, StringEquals: { 'aws:ResourceOrgID': lz.settings.organization.id } },
      },
    ]);
  });

  const assignments = (id: string) =>
    Object.values(resources(stackJson(result, `account-${id}`), 'aws_ssoadmin_account_assignment')).map((a) => {
      const json = stackJson(result, `account-${id}`);
      const set = a.permission_set_arn.match(/data\.aws_ssoadmin_permission_set\.([^.]+)\.arn/)[1];
      const group = a.principal_id.match(/data\.aws_identitystore_group\.([^.]+)\.group_id/)[1];
      return [json.data.aws_ssoadmin_permission_set[set].name, json.data.aws_identitystore_group[group].alternate_identifier.unique_attribute.attribute_value, a.target_id, a.principal_type];
    });

  test.each([
    ['ded-a', 'default policy: read-only and break-glass', [[shared.breakGlassPermissionSet, 'Platform-OnCall'], [shared.readOnlyPermissionSet, 'Platform-Support']]],
    ['ded-b', 'tenant approval with a grant: both', [[shared.breakGlassPermissionSet, 'Platform-OnCall'], [shared.readOnlyPermissionSet, 'Platform-Support']]],
    ['ded-c', 'no support access: none', []],
  ])('assignments on the tenant account, %s (%s)', (id, _what, want) => {
    const got = assignments(id as string).sort();
    expect(got.map(([set, group]) => [set, group])).toEqual(want);
    for (const [, , target, type] of got) expect([target, type]).toEqual(['${aws_organizations_account.account.id}', 'GROUP']);
  });

  test('break-glass role: only the break-glass permission set of the account, a ticket, the tenant region, one hour, AdministratorAccess', () => {
    const json = stackJson(result, 'tenant-ded-a');
    const role = Object.values(resources(json, 'aws_iam_role')).find((r) => r.name === own('ded-a').breakGlassRole)!;
    expect(role).toMatchObject({ provider: 'aws.tenant', max_session_duration: 3600 });
    const roleKey = Object.entries(resources(json, 'aws_iam_role')).find(([, r]) => r.name === own('ded-a').breakGlassRole)![0];
    expect(Object.values(resources(json, 'aws_iam_role_policy_attachment')).filter((a) => a.role === `\${aws_iam_role.${roleKey}.name}`).map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: 'BreakGlassWithATicket',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OPS_ACCOUNT}:root` },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OPS_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${shared.breakGlassPermissionSet}_*` },
          StringEquals: { 'aws:RequestedRegion': 'eu-central-1' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['TicketId'] },
          StringLike: { 'aws:RequestTag/TicketId': lz.settings.support.ticketPatterns },
        },
      },
    ]);
  });

  test('tenant approval: the role admits the approved ticket within the approved window only', () => {
    const json = stackJson(result, 'tenant-ded-b');
    const role = Object.values(resources(json, 'aws_iam_role')).find((r) => r.name === own('ded-b').breakGlassRole)!;
    expect(parse(role.assume_role_policy).Statement[0].Condition).toMatchObject({
      StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:RequestTag/TicketId': OPS_GRANT.ticket },
      DateGreaterThan: { 'aws:CurrentTime': '2026-12-01T08:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2026-12-02T20:00:00Z' },
    });
  });

  test('every break-glass session raises an alarm: CloudTrail AssumeRole of the role, read-only events included, to the contacts and the platform', () => {
    const json = stackJson(result, 'tenant-ded-b');
    const rule = Object.values(resources(json, 'aws_cloudwatch_event_rule')).find((r) => r.name === own('ded-b').breakGlassRule)!;
    expect(rule.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.event_bus_name).toBeUndefined();
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.sts'],
      account: [CREATED],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRole'], requestParameters: { roleArn: [`arn:aws:iam::${CREATED}:role/${own('ded-b').breakGlassRole}`] } },
    });
    const topicKey = Object.entries(resources(json, 'aws_sns_topic')).find(([, t]) => t.name === own('ded-b').breakGlassTopic)![0];
    expect(Object.values(resources(json, 'aws_cloudwatch_event_target')).filter((t) => t.arn === `\${aws_sns_topic.${topicKey}.arn}`)).toHaveLength(1);
    const emails = Object.values(resources(json, 'aws_sns_topic_subscription')).filter((s) => s.topic_arn === `\${aws_sns_topic.${topicKey}.arn}`).map((s) => s.endpoint);
    expect(emails.sort()).toEqual([lz.settings.platform.alarmEmail, 'secops@ded-b.example'].sort());
    // The topic is on the tenant's data key (BYOK here), like every topic of the tenant account.
    expect(resources(json, 'aws_sns_topic')[topicKey].kms_master_key_id).toMatch(/^\$\{aws_kms_external_key\./);
  });

  test("the alarm pattern matches CloudTrail's record of a break-glass session, refused attempts included, and nothing else", () => {
    const json = stackJson(result, 'tenant-ded-a');
    const rule = Object.values(resources(json, 'aws_cloudwatch_event_rule')).find((r) => r.name === own('ded-a').breakGlassRule)!;
    const pattern = JSON.parse(rule.event_pattern);
    const roleArn = `arn:aws:iam::${OPS_ACCOUNT}:role/${own('ded-a').breakGlassRole}`;
    const event = (over: { account?: string; eventName?: string; roleArn?: string; errorCode?: string } = {}) => ({
      version: '0',
      id: '6f1a2b3c-0000-4000-8000-000000000001',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.sts',
      account: over.account ?? OPS_ACCOUNT,
      time: '2026-11-20T10:15:00Z',
      region: 'eu-central-1',
      resources: [],
      detail: {
        eventVersion: '1.08',
        eventSource: 'sts.amazonaws.com',
        eventName: over.eventName ?? 'AssumeRole',
        awsRegion: 'eu-central-1',
        readOnly: true,
        ...(over.errorCode ? { errorCode: over.errorCode } : {}),
        requestParameters: { roleArn: over.roleArn ?? roleArn, roleSessionName: 'jane', tags: [{ key: 'TicketId', value: 'INC-1234' }] },
      },
    });
    expect(matchesPattern(event(), pattern)).toBe(true);
    expect(matchesPattern(event({ errorCode: 'AccessDenied' }), pattern)).toBe(true);
    expect(matchesPattern(event({ roleArn: `arn:aws:iam::${OPS_ACCOUNT}:role/${own('ded-a').dataAccessRole}` }), pattern)).toBe(false);
    expect(matchesPattern(event({ eventName: 'GetCallerIdentity' }), pattern)).toBe(false);
    expect(matchesPattern(event({ account: '345678901234' }), pattern)).toBe(false);
  });

  test('no break-glass: no role, no alarm; pooled tenants get no support resources of their own', () => {
    for (const stack of ['tenant-ded-c', 'tenant-pool-a']) {
      const json = stackJson(result, stack);
      expect(Object.values(resources(json, 'aws_iam_role')).filter((r) => String(r.name).endsWith('-support-break-glass'))).toEqual([]);
      expect(Object.values(resources(json, 'aws_cloudwatch_event_rule')).filter((r) => String(r.name).endsWith('-break-glass'))).toEqual([]);
    }
  });

  test('tenant approval without a grant, or offboarding: break-glass is neither assigned nor possible', () => {
    const { grant: _grant, ...noGrant } = lz.tenants.find((t) => t.manifest.id === 'ded-b')!.manifest.support!;
    const variants = operationsLandingZone({
      'ded-b.yaml': { ...lz.tenants.find((t) => t.manifest.id === 'ded-b')!.manifest, support: noGrant },
      'ded-a.yaml': { ...lz.tenants.find((t) => t.manifest.id === 'ded-a')!.manifest, status: 'offboarding', offboarding: { requestedOn: '2026-11-01', retentionDays: 90 } },
    });
    const synthesized = synthTo(variants, { tenantIds: ['ded-a', 'ded-b'] });
    for (const id of ['ded-a', 'ded-b']) {
      const names = Object.values(resources(stackJson(synthesized, `account-${id}`), 'aws_ssoadmin_account_assignment')).map((a) => a.permission_set_arn);
      expect(names.some((n) => n.includes('break-glass'))).toBe(false);
      expect(Object.values(resources(stackJson(synthesized, `tenant-${id}`), 'aws_iam_role')).filter((r) => r.name === own(id).breakGlassRole)).toEqual([]);
    }
  });
});

describe('data residency', () => {
  const centralBus = `arn:aws:events:${lz.settings.regions.home}:${lz.settings.organization.platformAccountId}:event-bus/${shared.centralBus}`;
  test.each([
    [
      'ded-b',
      'residency includes the platform region',
      [{ Sid: 'DenyOutsideResidency', Effect: 'Deny', NotAction: [...GLOBAL_SERVICE_ACTIONS], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } } }],
    ],
    [
      'ded-a',
      "residency excludes the platform region: the tenant's events may still reach the central bus there, and no other bus",
      [
        { Sid: 'DenyOutsideResidency', Effect: 'Deny', NotAction: [...GLOBAL_SERVICE_ACTIONS, 'events:PutEvents'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1'] } } },
        { Sid: 'DenyEventsOutsideResidencyButToTheCentralBus', Effect: 'Deny', Action: 'events:PutEvents', NotResource: centralBus, Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1'] } } },
      ],
    ],
  ])('%s (%s): an SCP on the account, global services exempt, no principal exempt', (id, _what, statements) => {
    const json = stackJson(result, `account-${id}`);
    const policy = onlyResource(json, 'aws_organizations_policy');
    expect(policy).toMatchObject({ name: own(id).residencyScp, type: 'SERVICE_CONTROL_POLICY' });
    expect(JSON.parse(policy.content)).toEqual({ Version: '2012-10-17', Statement: statements });
    const policyKey = Object.keys(resources(json, 'aws_organizations_policy'))[0];
    expect(onlyResource(json, 'aws_organizations_policy_attachment')).toMatchObject({ policy_id: `\${aws_organizations_policy.${policyKey}.id}`, target_id: '${aws_organizations_account.account.id}' });
  });

  test('no residency, or an L1 tenant: no SCP of its own', () => {
    expect(resources(stackJson(result, 'account-ded-c'), 'aws_organizations_policy')).toEqual({});
    expect(resources(stackJson(result, 'tenant-pool-a'), 'aws_organizations_policy')).toEqual({});
  });
});
