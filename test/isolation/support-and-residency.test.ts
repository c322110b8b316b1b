import * as fs from 'fs';
import * as path from 'path';
import { regionGuardrail } from '../../contract/service-control-policies';
import { DATA_READ_ACTIONS } from '../../contract/support-access';
import { platformNames, tenantNames } from '../../model/names';
import { unescapeTerraformTemplate } from '../../terraform/template';
import { decide, Doc, trustPolicyOfRole } from '../helpers/iam';
import { OPS_ACCOUNT, OPS_GRANT, operationsLandingZone } from '../helpers/operations-fixture';
import { onlyResource, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * Support access and residency, proven with the IAM policy simulator on the synthesized
 * policies: read-only support reads no tenant data although AWS's ReadOnlyAccess would let it;
 * break-glass needs the break-glass permission set, a ticket, the tenant's region (and, with
 * tenant approval, the approved ticket within its window); the residency SCP keeps every
 * principal, break-glass included, in the tenant's regions.
 */
const lz = operationsLandingZone();
const result = synthTo(lz);
const shared = platformNames(lz.settings);
const ORG = lz.settings.organization.id;
const CREATED = '${data.terraform_remote_state.account-state.outputs.account_id}';
const DED_B = '210987654321';
const stack = (name: string, account = DED_B): TfJson => JSON.parse(JSON.stringify(stackJson(result, name)).split(CREATED).join(account));
const org = stackJson(result, 'organization');
const allowAll: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** AWS's ReadOnlyAccess as published (a recorded copy; see its _source). */
const READ_ONLY_ACCESS: Doc = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/read-only-access.json'), 'utf8')).document;

function inlinePolicyOf(permissionSet: string): Doc {
  const key = Object.entries(resources(org, 'aws_ssoadmin_permission_set')).find(([, s]) => s.name === permissionSet)![0];
  const inline = Object.values(resources(org, 'aws_ssoadmin_permission_set_inline_policy')).find((p) => p.permission_set_arn === `\${aws_ssoadmin_permission_set.${key}.arn}`)!;
  return JSON.parse(unescapeTerraformTemplate(inline.inline_policy));
}

const ssoRole = (account: string, set: string) => `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${set}_0a1b2c3d4e5f6a7b`;

describe('read-only support reads no tenant data', () => {
  const own = tenantNames(lz.settings, 'ded-a');
  const region = 'eu-central-1';
  const table = `arn:aws:dynamodb:${region}:${OPS_ACCOUNT}:table/${own.itemsTable}`;
  const resourceFor: Record<string, string> = {
    'cognito-idp': `arn:aws:cognito-idp:${region}:${OPS_ACCOUNT}:userpool/${region}_abcdefghi`,
    dynamodb: table,
    kms: `arn:aws:kms:${region}:${OPS_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    s3: `arn:aws:s3:::${own.dataBucket(OPS_ACCOUNT, region)}/ded-a/report.pdf`,
    secretsmanager: `arn:aws:secretsmanager:${region}:${OPS_ACCOUNT}:secret:app-AbCdEf`,
    sqs: `arn:aws:sqs:${region}:${OPS_ACCOUNT}:${own.eventsQueue}`,
    ssm: `arn:aws:ssm:${region}:${OPS_ACCOUNT}:parameter/app/config`,
  };
  const resource = (action: string) => (action === 'dynamodb:GetRecords' ? `${table}/stream/2026-01-01T00:00:00.000` : resourceFor[action.split(':')[0]]);
  const session = ssoRole(OPS_ACCOUNT, shared.readOnlyPermissionSet);
  const inline = inlinePolicyOf(shared.readOnlyPermissionSet);
  const ask = (action: string, identity: Doc[]) => decide({ principal: session, action, resource: resource(action), resourceAccount: OPS_ACCOUNT }, { identity });

  // ReadOnlyAccess does not grant these today; the explicit deny keeps it so whatever AWS adds to it or a resource policy grants.
  const NOT_IN_READ_ONLY_ACCESS = ['kms:Decrypt', 'kms:ReEncryptFrom', 'secretsmanager:GetSecretValue'];

  test.each([...DATA_READ_ACTIONS])('%s: denied explicitly (and ReadOnlyAccess alone would allow it unless listed as not granted)', async (action) => {
    expect(await ask(action, [READ_ONLY_ACCESS])).toBe(NOT_IN_READ_ONLY_ACCESS.includes(action) ? 'ImplicitlyDenied' : 'Allowed');
    expect(await ask(action, [READ_ONLY_ACCESS, inline])).toBe('ExplicitlyDenied');
  });

  test.each([
    ['dynamodb:DescribeTable', table],
    ['lambda:GetFunctionConfiguration', `arn:aws:lambda:${region}:${OPS_ACCOUNT}:function:${own.functionName('tenant-api')}`],
    ['s3:GetBucketPolicy', `arn:aws:s3:::${own.dataBucket(OPS_ACCOUNT, region)}`],
    ['cloudwatch:GetMetricData', '*'],
    ['logs:DescribeLogGroups', '*'],
  ])('%s (configuration, not data) stays readable', async (action, res) => {
    expect(await decide({ principal: session, action, resource: res, resourceAccount: OPS_ACCOUNT }, { identity: [READ_ONLY_ACCESS, inline] })).toBe('Allowed');
  });
});

describe('break-glass: the permission set can only assume a break-glass role, with a ticket', () => {
  const policy = inlinePolicyOf(shared.breakGlassPermissionSet);
  const session = ssoRole(OPS_ACCOUNT, shared.breakGlassPermissionSet);
  const role = `arn:aws:iam::${OPS_ACCOUNT}:role/${tenantNames(lz.settings, 'ded-a').breakGlassRole}`;
  const ask = (action: string, resource: string, context: Record<string, string | string[]>) => decide({ principal: session, action, resource, resourceAccount: OPS_ACCOUNT, context: { 'aws:ResourceOrgID': ORG, ...context } }, { identity: [policy] });

  test('assume and tag with a ticket: allowed', async () => {
    for (const action of ['sts:AssumeRole', 'sts:TagSession']) expect(await ask(action, role, { 'aws:RequestTag/TicketId': 'INC-1234', 'aws:TagKeys': ['TicketId'] })).toBe('Allowed');
  });

  test('without a ticket, with other tags, another role, outside the organization, or anything else: denied', async () => {
    expect(await ask('sts:AssumeRole', role, {})).toBe('ImplicitlyDenied');
    expect(await ask('sts:TagSession', role, { 'aws:RequestTag/TicketId': 'INC-1234', 'aws:TagKeys': ['TicketId', 'TenantId'] })).toBe('ImplicitlyDenied');
    expect(await ask('sts:AssumeRole', `arn:aws:iam::${OPS_ACCOUNT}:role/${tenantNames(lz.settings, 'ded-a').dataAccessRole}`, { 'aws:RequestTag/TicketId': 'INC-1234', 'aws:TagKeys': ['TicketId'] })).toBe('ImplicitlyDenied');
    expect(await ask('sts:AssumeRole', role, { 'aws:RequestTag/TicketId': 'INC-1234', 'aws:TagKeys': ['TicketId'], 'aws:ResourceOrgID': 'o-someoneelse' })).toBe('ImplicitlyDenied');
    expect(await ask('s3:GetObject', `arn:aws:s3:::${tenantNames(lz.settings, 'ded-a').dataBucket(OPS_ACCOUNT, 'eu-central-1')}/x`, {})).toBe('ImplicitlyDenied');
  });
});

describe("break-glass: the tenant's role admits only its account's break-glass sessions, with a ticket, in its region", () => {
  const own = tenantNames(lz.settings, 'ded-a');
  const trust = trustPolicyOfRole(stackJson(result, 'tenant-ded-a'), own.breakGlassRole);
  const role = `arn:aws:iam::${OPS_ACCOUNT}:role/${own.breakGlassRole}`;
  const ok = { 'aws:RequestTag/TicketId': 'INC-1234', 'aws:TagKeys': ['TicketId'], 'aws:RequestedRegion': 'eu-central-1' };
  // AWS sets aws:PrincipalArn of a role session to the role's ARN, path included; the simulator needs it given.
  const assume = (principal: string, context: Record<string, string | string[]>, action = 'sts:AssumeRole') =>
    decide({ principal, action, resource: role, resourceAccount: OPS_ACCOUNT, context: { 'aws:PrincipalArn': principal, ...context } }, { resource: trust, identity: [allowAll] });
  const breakGlass = ssoRole(OPS_ACCOUNT, shared.breakGlassPermissionSet);

  test('a break-glass session with a ticket of the allowed patterns, through the tenant region: allowed', async () => {
    expect(await assume(breakGlass, ok)).toBe('Allowed');
    expect(await assume(breakGlass, ok, 'sts:TagSession')).toBe('Allowed');
    expect(await assume(breakGlass, { ...ok, 'aws:RequestTag/TicketId': 'CHG-77' })).toBe('Allowed');
  });

  test.each([
    ['no ticket', breakGlass, { 'aws:TagKeys': [], 'aws:RequestedRegion': 'eu-central-1' }],
    ['a ticket of no allowed pattern', breakGlass, { ...ok, 'aws:RequestTag/TicketId': 'JIRA-1' }],
    ['an extra session tag', breakGlass, { ...ok, 'aws:TagKeys': ['TicketId', 'Team'] }],
    ['the global STS endpoint (us-east-1), where no alarm listens', breakGlass, { ...ok, 'aws:RequestedRegion': 'us-east-1' }],
    ['a read-only support session', ssoRole(OPS_ACCOUNT, shared.readOnlyPermissionSet), ok],
    ["another account's break-glass session", ssoRole('345678901234', shared.breakGlassPermissionSet), ok],
    ['the deployment role', `arn:aws:iam::${OPS_ACCOUNT}:role/${lz.settings.roles.deployment}`, ok],
  ])('%s: denied', async (_what, principal, context) => {
    expect(await assume(principal as string, context as Record<string, string | string[]>)).toBe('ImplicitlyDenied');
  });
});

describe('break-glass with tenant approval: the approved ticket, within the approved window', () => {
  const own = tenantNames(lz.settings, 'ded-b');
  const trust = trustPolicyOfRole(stack('tenant-ded-b'), own.breakGlassRole);
  const role = `arn:aws:iam::${DED_B}:role/${own.breakGlassRole}`;
  const principal = ssoRole(DED_B, shared.breakGlassPermissionSet);
  const at = (time: string, ticket = OPS_GRANT.ticket) =>
    decide({ principal, action: 'sts:AssumeRole', resource: role, resourceAccount: DED_B, context: { 'aws:PrincipalArn': principal, 'aws:RequestTag/TicketId': ticket, 'aws:TagKeys': ['TicketId'], 'aws:RequestedRegion': 'eu-west-1', 'aws:CurrentTime': time } }, { resource: trust, identity: [allowAll] });

  test('inside the window with the approved ticket: allowed', async () => {
    expect(await at('2026-12-01T09:30:00Z')).toBe('Allowed');
  });

  test.each([
    ['before the window', '2026-12-01T07:59:00Z', OPS_GRANT.ticket],
    ['after the window', '2026-12-02T20:01:00Z', OPS_GRANT.ticket],
    ['another ticket, even one of the allowed patterns', '2026-12-01T09:30:00Z', 'INC-1'],
  ])('%s: denied', async (_what, time, ticket) => {
    expect(await at(time, ticket)).toBe('ImplicitlyDenied');
  });
});

describe('residency SCP: every principal stays in the tenant regions', () => {
  const scp: Doc = JSON.parse(onlyResource(stackJson(result, 'account-ded-a'), 'aws_organizations_policy').content);
  const own = tenantNames(lz.settings, 'ded-a');
  const ask = (principal: string, action: string, resource: string, region: string) =>
    decide({ principal, action, resource, resourceAccount: OPS_ACCOUNT, context: { 'aws:PrincipalArn': principal, 'aws:RequestedRegion': region } }, { identity: [allowAll], scps: [[scp]] });
  const breakGlass = `arn:aws:iam::${OPS_ACCOUNT}:role/${lz.settings.roles.breakGlass}`;

  test('data in the residency region: allowed', async () => {
    expect(await ask(breakGlass, 'dynamodb:GetItem', `arn:aws:dynamodb:eu-central-1:${OPS_ACCOUNT}:table/${own.itemsTable}`, 'eu-central-1')).toBe('Allowed');
  });

  test.each([
    ['a table in another allowed region of the landing zone', 'dynamodb:CreateTable', `arn:aws:dynamodb:eu-west-1:${OPS_ACCOUNT}:table/copy`, 'eu-west-1'],
    ['a bucket in us-east-1', 's3:CreateBucket', 'arn:aws:s3:::exfil-copy', 'us-east-1'],
    ['a key in us-east-1', 'kms:CreateKey', '*', 'us-east-1'],
  ])('%s, even for the break-glass role: denied', async (_what, action, resource, region) => {
    expect(await ask(breakGlass, action, resource, region)).toBe('ExplicitlyDenied');
  });

  test("the landing zone's own region guardrail would exempt break-glass; the residency SCP does not", async () => {
    const guardrail = JSON.parse(JSON.stringify(regionGuardrail({ allowedRegions: ['eu-central-1'], breakGlassRole: lz.settings.roles.breakGlass, deploymentRole: lz.settings.roles.deployment }))) as Doc;
    const res = 'arn:aws:s3:::exfil-copy';
    const context = { 'aws:PrincipalArn': breakGlass, 'aws:RequestedRegion': 'us-east-1' };
    expect(await decide({ principal: breakGlass, action: 's3:CreateBucket', resource: res, resourceAccount: OPS_ACCOUNT, context }, { identity: [allowAll], scps: [[guardrail]] })).toBe('Allowed');
    expect(await decide({ principal: breakGlass, action: 's3:CreateBucket', resource: res, resourceAccount: OPS_ACCOUNT, context }, { identity: [allowAll], scps: [[scp]] })).toBe('ExplicitlyDenied');
  });

  test("the tenant's events reach the platform's central bus outside the residency, and no other bus there", async () => {
    const forward = `arn:aws:iam::${OPS_ACCOUNT}:role/${own.forwardRole}`;
    const bus = (name: string) => `arn:aws:events:${lz.settings.regions.home}:${lz.settings.organization.platformAccountId}:event-bus/${name}`;
    expect(await ask(forward, 'events:PutEvents', bus(shared.centralBus), lz.settings.regions.home)).toBe('Allowed');
    expect(await ask(forward, 'events:PutEvents', bus('somewhere-else'), lz.settings.regions.home)).toBe('ExplicitlyDenied');
    expect(await ask(forward, 'events:PutEvents', `arn:aws:events:${lz.settings.regions.home}:${OPS_ACCOUNT}:event-bus/default`, lz.settings.regions.home)).toBe('ExplicitlyDenied');
  });

  test('global services (IAM) keep working', async () => {
    expect(await ask(breakGlass, 'iam:ListRoles', '*', 'us-east-1')).toBe('Allowed');
  });
});
