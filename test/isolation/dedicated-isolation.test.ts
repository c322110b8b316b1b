import { matchesPattern } from '../helpers/event-pattern';
import { platformNames, tenantNames } from '../../model/names';
import { decide, Doc, findPolicy, inlinePolicyOfRole, trustPolicyOfRole } from '../helpers/iam';
import { fixtureLandingZone, resources, stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * Cross-account isolation of dedicated tenants, proven on the synthesized policies and event
 * rules. Accounts created by the landing zone appear in their stacks as a reference to the
 * account stack's state; here each gets a concrete id, as it will after apply.
 */
const lz = fixtureLandingZone();
const result = synthTo(lz);
const PLATFORM = lz.settings.organization.platformAccountId;
const ORG = lz.settings.organization.id;
const ACCOUNT_REF = '${data.terraform_remote_state.account-state.outputs.account_id}';
const ACCOUNTS: Record<string, string> = {
  'atlas-insurance': '345678901234', // adopted: literal in the manifest
  'harbor-logistics': '456789012345',
  'meridian-bank': '567890123456',
  'northwind-gov': '678901234567',
};
const DEDICATED = Object.keys(ACCOUNTS);
const platform = platformNames(lz.settings);

/** The tenant stack with its account id resolved. */
function tenantStack(id: string): TfJson {
  return JSON.parse(JSON.stringify(stackJson(result, `tenant-${id}`)).split(ACCOUNT_REF).join(ACCOUNTS[id]));
}
const stacks = Object.fromEntries(DEDICATED.map((id) => [id, tenantStack(id)]));
const allowAll: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const region = (id: string) => lz.tenants.find((t) => t.manifest.id === id)!.manifest.homeRegion;

describe("no principal of tenant Y reaches tenant X's data-access role", () => {
  const X = 'harbor-logistics';
  const Y = 'atlas-insurance';
  const own = tenantNames(lz.settings, X);
  const trust = trustPolicyOfRole(stacks[X], own.dataAccessRole);
  const role = `arn:aws:iam::${ACCOUNTS[X]}:role/${own.dataAccessRole}`;
  const apiRole = `arn:aws:iam::${PLATFORM}:role/${platform.appRole('tenant-api')}`;
  const assume = (principal: string, ctx: Record<string, string | string[]>) =>
    decide({ principal, action: 'sts:AssumeRole', resource: role, resourceAccount: ACCOUNTS[X], context: { 'aws:PrincipalOrgID': ORG, 'aws:TagKeys': ['TenantId'], ...ctx } }, { resource: trust, identity: [allowAll] });

  test('the platform app, for tenant X, with X as external id: allowed', async () => {
    expect(await assume(apiRole, { 'aws:RequestTag/TenantId': X, 'sts:ExternalId': X })).toBe('Allowed');
  });

  test('the platform app on behalf of Y (tag or external id of Y): denied', async () => {
    expect(await assume(apiRole, { 'aws:RequestTag/TenantId': Y, 'sts:ExternalId': X })).toBe('ImplicitlyDenied');
    expect(await assume(apiRole, { 'aws:RequestTag/TenantId': X, 'sts:ExternalId': Y })).toBe('ImplicitlyDenied');
  });

  test("Y's own data-access role and Y's app roles: denied", async () => {
    const yRole = `arn:aws:iam::${ACCOUNTS[Y]}:role/${tenantNames(lz.settings, Y).dataAccessRole}`;
    expect(await assume(yRole, { 'aws:RequestTag/TenantId': X, 'sts:ExternalId': X })).toBe('ImplicitlyDenied');
    const l3App = `arn:aws:iam::${ACCOUNTS['meridian-bank']}:role/${tenantNames(lz.settings, 'meridian-bank').appRole('tenant-api')}`;
    expect(await assume(l3App, { 'aws:RequestTag/TenantId': X, 'sts:ExternalId': X })).toBe('ImplicitlyDenied');
  });

  test('the right role from outside the organization: denied', async () => {
    expect(await assume(apiRole, { 'aws:RequestTag/TenantId': X, 'sts:ExternalId': X, 'aws:PrincipalOrgID': 'o-someoneelse' })).toBe('ImplicitlyDenied');
  });

  test("an L3 tenant's data role trusts its own app, not the platform's", async () => {
    const Z = 'meridian-bank';
    const zOwn = tenantNames(lz.settings, Z);
    const zTrust = trustPolicyOfRole(stacks[Z], zOwn.dataAccessRole);
    const zRole = `arn:aws:iam::${ACCOUNTS[Z]}:role/${zOwn.dataAccessRole}`;
    const ctx = { 'aws:PrincipalOrgID': ORG, 'aws:TagKeys': ['TenantId'], 'aws:RequestTag/TenantId': Z, 'sts:ExternalId': Z };
    const ownApi = `arn:aws:iam::${ACCOUNTS[Z]}:role/${zOwn.appRole('tenant-api')}`;
    expect(await decide({ principal: ownApi, action: 'sts:AssumeRole', resource: zRole, resourceAccount: ACCOUNTS[Z], context: ctx }, { resource: zTrust, identity: [allowAll] })).toBe('Allowed');
    expect(await decide({ principal: apiRole, action: 'sts:AssumeRole', resource: zRole, resourceAccount: ACCOUNTS[Z], context: ctx }, { resource: zTrust, identity: [allowAll] })).toBe('ImplicitlyDenied');
  });
});

describe("tenant X's session reaches X's data and nothing of Y's", () => {
  test.each(DEDICATED.map((x) => [x, DEDICATED.find((y) => y !== x)!]))('%s versus %s', async (X, Y) => {
    const own = tenantNames(lz.settings, X);
    const yOwn = tenantNames(lz.settings, Y);
    const policy = inlinePolicyOfRole(stacks[X], own.dataAccessRole);
    const session = `arn:aws:sts::${ACCOUNTS[X]}:assumed-role/${own.dataAccessRole}/tenant-${X}`;
    const table = (id: string, o: typeof own) => `arn:aws:dynamodb:${region(id)}:${ACCOUNTS[id]}:table/${o.itemsTable}`;
    const get = (resource: string, account: string, keys: string[]) =>
      decide({ principal: session, action: 'dynamodb:GetItem', resource, resourceAccount: account, context: { 'aws:PrincipalTag/TenantId': X, 'dynamodb:LeadingKeys': keys } }, { identity: [policy] });
    expect(await get(table(X, own), ACCOUNTS[X], [X])).toBe('Allowed');
    expect(await get(table(X, own), ACCOUNTS[X], [Y])).toBe('ImplicitlyDenied');
    expect(await get(table(Y, yOwn), ACCOUNTS[Y], [X])).toBe('ImplicitlyDenied');
    const bucket = (id: string, o: typeof own) => `arn:aws:s3:::${o.dataBucket(ACCOUNTS[id], region(id))}`;
    expect(await decide({ principal: session, action: 's3:GetObject', resource: `${bucket(Y, yOwn)}/${X}/files/a`, resourceAccount: ACCOUNTS[Y], context: { 'aws:PrincipalTag/TenantId': X } }, { identity: [policy] })).toBe('ImplicitlyDenied');
  });
});

describe("tenant Y's principals, however privileged at home, cannot reach X's resources", () => {
  const X = 'harbor-logistics';
  const Y = 'atlas-insurance';
  const own = tenantNames(lz.settings, X);
  const yAdmin = `arn:aws:iam::${ACCOUNTS[Y]}:role/Admin`;
  const ctx = { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': ACCOUNTS[Y], 'aws:SecureTransport': 'true' };

  test("X's table (no resource policy): denied across accounts", async () => {
    expect(await decide({ principal: yAdmin, action: 'dynamodb:Query', resource: `arn:aws:dynamodb:${region(X)}:${ACCOUNTS[X]}:table/${own.itemsTable}`, resourceAccount: ACCOUNTS[X], context: ctx }, { identity: [allowAll] })).toBe('ImplicitlyDenied');
  });

  test("X's bucket: its policy grants nobody outside X", async () => {
    const policy = findPolicy(stacks[X], 'aws_s3_bucket_policy', 'policy', (b) => b.provider === 'aws.tenant');
    const bucket = `arn:aws:s3:::${own.dataBucket(ACCOUNTS[X], region(X))}`;
    expect(await decide({ principal: yAdmin, action: 's3:GetObject', resource: `${bucket}/${X}/files/a`, resourceAccount: ACCOUNTS[X], context: ctx }, { identity: [allowAll], resource: policy })).toBe('ImplicitlyDenied');
  });

  test("X's key: Y cannot decrypt; X's data role can", async () => {
    const keyPolicy = findPolicy(stacks[X], 'aws_kms_key', 'policy', () => true);
    const key = `arn:aws:kms:${region(X)}:${ACCOUNTS[X]}:key/11111111-2222-3333-4444-555555555555`;
    expect(await decide({ principal: yAdmin, action: 'kms:Decrypt', resource: key, resourceAccount: ACCOUNTS[X], context: ctx }, { identity: [allowAll], resource: keyPolicy })).toBe('ImplicitlyDenied');
    const xRole = `arn:aws:iam::${ACCOUNTS[X]}:role/${own.dataAccessRole}`;
    const throughDynamoDb = { 'aws:PrincipalOrgID': ORG, 'kms:ViaService': `dynamodb.${region(X)}.amazonaws.com`, 'kms:CallerAccount': ACCOUNTS[X] };
    expect(await decide({ principal: xRole, action: 'kms:Decrypt', resource: key, resourceAccount: ACCOUNTS[X], context: throughDynamoDb }, { resource: keyPolicy })).toBe('Allowed');
    expect(await decide({ principal: yAdmin, action: 'kms:Decrypt', resource: key, resourceAccount: ACCOUNTS[X], context: { ...throughDynamoDb, 'kms:CallerAccount': ACCOUNTS[Y] } }, { identity: [allowAll], resource: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test("X's bus: only the platform account may put events on it", async () => {
    const busPolicy = findPolicy(stacks[X], 'aws_cloudwatch_event_bus_policy', 'policy', () => true);
    const bus = `arn:aws:events:${region(X)}:${ACCOUNTS[X]}:event-bus/${own.tenantBus}`;
    const put = (principal: string, account: string) => decide({ principal, action: 'events:PutEvents', resource: bus, resourceAccount: ACCOUNTS[X], context: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': account } }, { identity: [allowAll], resource: busPolicy });
    expect(await put(yAdmin, ACCOUNTS[Y])).toBe('ImplicitlyDenied');
    expect(await put(`arn:aws:iam::${PLATFORM}:role/${own.deliverRole}`, PLATFORM)).toBe('Allowed');
  });
});

describe('event routing: events from tenant X are never routed to tenant Y', () => {
  interface Route {
    readonly tenant: string;
    readonly bus: string;
    readonly pattern: Record<string, never>;
    readonly target: string;
  }
  // Every rule on the central bus, from every tenant stack (L1 included), with its target.
  const routes: Route[] = lz.tenants.flatMap(({ manifest: t }) => {
    const json = t.tier === 'L1' ? stackJson(result, `tenant-${t.id}`) : stacks[t.id];
    const rules = resources(json, 'aws_cloudwatch_event_rule');
    const targets = Object.values(resources(json, 'aws_cloudwatch_event_target'));
    return Object.entries(rules)
      .filter(([, r]) => r.event_bus_name === platform.centralBus)
      .map(([key, r]) => ({
        tenant: t.id,
        bus: r.event_bus_name,
        pattern: JSON.parse(r.event_pattern),
        target: targets.find((x) => x.rule === `\${aws_cloudwatch_event_rule.${key}.name}`)!.arn as string,
      }));
  });
  const event = (account: string, detail: Record<string, unknown>) => ({ source: 'saas.platform', 'detail-type': 'ItemChanged', account, region: 'eu-west-1', detail });
  const destinations = (e: Record<string, unknown>) => routes.filter((r) => matchesPattern(e, r.pattern)).map((r) => r.target);
  const tenantBusArn = (id: string) => `arn:aws:events:${region(id)}:${ACCOUNTS[id]}:event-bus/${tenantNames(lz.settings, id).tenantBus}`;

  test('every tenant has its routes on the central bus', () => {
    expect(new Set(routes.map((r) => r.tenant))).toEqual(new Set(lz.tenants.filter((t) => t.manifest.status !== 'offboarding').map((t) => t.manifest.id)));
  });

  test.each(DEDICATED)('an event from %s, whatever tenant id its detail claims, reaches only its own queue', (X) => {
    for (const claimed of [X, ...lz.tenants.map((t) => t.manifest.id)]) {
      const got = destinations(event(ACCOUNTS[X], { tenantId: claimed }));
      expect([claimed, got]).toEqual([claimed, [`arn:aws:sqs:eu-west-1:${PLATFORM}:${tenantNames(lz.settings, X).eventsQueue}`]]);
      for (const Y of DEDICATED.filter((y) => y !== X)) expect(got).not.toContain(tenantBusArn(Y));
    }
  });

  test.each(DEDICATED)('platform events for %s go to its bus and queue only', (Y) => {
    expect(destinations(event(PLATFORM, { tenantId: Y })).sort()).toEqual([tenantBusArn(Y)]);
  });

  test('platform events for a pooled tenant reach only its queue', () => {
    expect(destinations(event(PLATFORM, { tenantId: 'bluefin-analytics' }))).toEqual([`arn:aws:sqs:eu-west-1:${PLATFORM}:${tenantNames(lz.settings, 'bluefin-analytics').eventsQueue}`]);
  });

  test('an account outside the landing zone matches nothing', () => {
    expect(destinations(event('999999999999', { tenantId: 'harbor-logistics' }))).toEqual([]);
  });
});
