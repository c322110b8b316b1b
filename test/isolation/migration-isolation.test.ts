/**
 * Tier moves, on the synthesized configuration and the IAM simulator: `lz migrate` reaches a
 * tenant's data only through sessions tagged with that tenant (its own role reads nothing);
 * a dedicated role trusts the migration role only while that tenant's move is under way; an
 * L3 tenant's user migration trigger alone may check passwords against the shared pool; and
 * the registry keeps the old location serving until the move is verified.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { platformNames, tenantNames } from '../../model/names';
import { decide, Doc, inlinePolicyOfRole, trustPolicyOfRole } from '../helpers/iam';
import { l2, l3, makeFixture } from '../helpers/fixture';
import { resources, stackJson, synthTo, TfJson } from '../helpers/synth';

const MOVERS = { id: 'movers', account: '333333333333' };
const USERS = { id: 'users-move', account: '444444444444' };
const DONE = { id: 'users-done', account: '555555555555' };
const STEADY = { id: 'steady', account: '666666666666' };
const cleanup = { migrationCleanup: [{ move: 'L2-L3', reason: 'retention passed, customer confirmed', approvedBy: ['@platform/leads'] }] };
const fixture = makeFixture({
  tenants: {
    'movers.yaml': l2(MOVERS.id, { account: { email: 'aws+movers@saas.example', id: MOVERS.account }, migration: { from: 'L1' } }),
    'users-move.yaml': l3(USERS.id, { account: { email: 'aws+users@saas.example', id: USERS.account }, migration: { from: 'L2' } }),
    'users-done.yaml': l3(DONE.id, { account: { email: 'aws+done@saas.example', id: DONE.account }, migration: { from: 'L2' }, acknowledgements: cleanup }),
    'steady.yaml': l2(STEADY.id, { account: { email: 'aws+steady@saas.example', id: STEADY.account } }),
  },
});
const validation = fixture.validate();
if (!validation.landingZone) throw new Error(JSON.stringify(validation.diagnostics));
const lz = validation.landingZone;
const result = synthTo(lz);
afterAll(() => fixture.cleanup());

const PLATFORM = lz.settings.organization.platformAccountId;
const MANAGEMENT = lz.settings.organization.managementAccountId;
const ORG = lz.settings.organization.id;
const shared = platformNames(lz.settings);
const POOL_ARN = `arn:aws:cognito-idp:eu-west-1:${PLATFORM}:userpool/eu-west-1_Shared01`;
const MIGRATION_ROLE = `arn:aws:iam::${PLATFORM}:role/${shared.migrationRole}`;
const allowAll: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const openTrust: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] } as Doc;
/** Remote-state references, resolved as they will be after apply. */
const resolve = (json: TfJson): TfJson => JSON.parse(JSON.stringify(json).split('${data.terraform_remote_state.platform-state.outputs.user_pool_arn}').join(POOL_ARN));
const platform = resolve(stackJson(result, 'platform'));
const tenant = (id: string) => resolve(stackJson(result, `tenant-${id}`));

describe('the migration role: tenant sessions, migration records and shared-pool users, no data of its own', () => {
  const policy = inlinePolicyOfRole(platform, shared.migrationRole);
  // Another account's role is judged by this identity policy with a trust policy that lets everyone in.
  const act = (action: string, resource: string, context: Record<string, string | string[]> = {}, account = PLATFORM) =>
    decide({ principal: MIGRATION_ROLE, action, resource, resourceAccount: account, context: { 'aws:ResourceOrgID': ORG, ...context } }, { identity: [policy], ...(account === PLATFORM ? {} : { resource: openTrust }) });
  const pooledRole = `arn:aws:iam::${PLATFORM}:role/${shared.dataAccessRole}`;
  const registry = `arn:aws:dynamodb:eu-west-1:${PLATFORM}:table/${shared.registryTable}`;

  test('only the pipeline role may act as it', async () => {
    const trust = trustPolicyOfRole(platform, shared.migrationRole);
    const assume = (principal: string) => decide({ principal, action: 'sts:AssumeRole', resource: MIGRATION_ROLE, resourceAccount: PLATFORM }, { resource: trust, identity: [allowAll] });
    expect(await assume(`arn:aws:iam::${MANAGEMENT}:role/${lz.settings.roles.pipeline}`)).toBe('Allowed');
    expect(await assume(`arn:aws:iam::${PLATFORM}:role/${shared.appRole('tenant-api')}`)).toBe('ImplicitlyDenied');
  });

  test('vends sessions of data-access roles with exactly the TenantId tag, in the organization', async () => {
    const tagged = { 'aws:TagKeys': ['TenantId'], 'aws:RequestTag/TenantId': 'acme' };
    expect(await act('sts:TagSession', pooledRole, tagged)).toBe('Allowed');
    expect(await act('sts:AssumeRole', pooledRole, tagged)).toBe('Allowed');
    expect(await act('sts:AssumeRole', `arn:aws:iam::${MOVERS.account}:role/${tenantNames(lz.settings, MOVERS.id).dataAccessRole}`, tagged, MOVERS.account)).toBe('Allowed');
    expect(await act('sts:AssumeRole', pooledRole, {})).toBe('ImplicitlyDenied');
    expect(await act('sts:TagSession', pooledRole, { 'aws:TagKeys': ['TenantId', 'Admin'], 'aws:RequestTag/TenantId': 'acme' })).toBe('ImplicitlyDenied');
    expect(await act('sts:AssumeRole', `arn:aws:iam::${MOVERS.account}:role/${tenantNames(lz.settings, MOVERS.id).dataAccessRole}`, { ...tagged, 'aws:ResourceOrgID': 'o-elsewhere' }, MOVERS.account)).toBe('ImplicitlyDenied');
    expect(await act('sts:AssumeRole', `arn:aws:iam::${MOVERS.account}:role/${lz.settings.roles.deployment}`, tagged, MOVERS.account)).toBe('ImplicitlyDenied');
  });

  test('reads no tenant data itself', async () => {
    expect(await act('dynamodb:Query', `arn:aws:dynamodb:eu-west-1:${PLATFORM}:table/${shared.itemsTable}`, { 'dynamodb:LeadingKeys': ['acme'] })).toBe('ImplicitlyDenied');
    expect(await act('s3:GetObject', `arn:aws:s3:::${shared.pooledBucket(PLATFORM, 'eu-west-1')}/acme/files/a`)).toBe('ImplicitlyDenied');
  });

  test('reads registry entries, writes migration records only', async () => {
    expect(await act('dynamodb:GetItem', registry, { 'dynamodb:LeadingKeys': ['acme'] })).toBe('Allowed');
    expect(await act('dynamodb:UpdateItem', registry, { 'dynamodb:LeadingKeys': ['acme#migration#L1-L2'] })).toBe('Allowed');
    expect(await act('dynamodb:PutItem', registry, { 'dynamodb:LeadingKeys': ['acme'] })).toBe('ImplicitlyDenied');
    expect(await act('dynamodb:DeleteItem', registry, { 'dynamodb:LeadingKeys': ['acme#migration#L1-L2'] })).toBe('ImplicitlyDenied');
  });

  test("reads and deletes shared-pool users, creates none", async () => {
    const pool = `${platform.output.user_pool_arn.value}`.includes('aws_cognito_user_pool') ? `arn:aws:cognito-idp:eu-west-1:${PLATFORM}:userpool/eu-west-1_Shared01` : POOL_ARN;
    const poolPolicy = JSON.parse(JSON.stringify(policy).split(/"\$\{aws_cognito_user_pool\.[^}]+\.arn\}"/).join(JSON.stringify(pool)));
    const cognito = (action: string) => decide({ principal: MIGRATION_ROLE, action, resource: pool, resourceAccount: PLATFORM }, { identity: [poolPolicy] });
    expect(await cognito('cognito-idp:ListUsers')).toBe('Allowed');
    expect(await cognito('cognito-idp:AdminDeleteUser')).toBe('Allowed');
    expect(await cognito('cognito-idp:AdminCreateUser')).toBe('ImplicitlyDenied');
    expect(await cognito('cognito-idp:AdminSetUserPassword')).toBe('ImplicitlyDenied');
  });
});

describe('data-access roles trust the migration role for tagged sessions only, and a dedicated one only while its move is under way', () => {
  const ctx = (tenantId: string, extra: Record<string, string | string[]> = {}) => ({ 'aws:PrincipalOrgID': ORG, 'aws:TagKeys': ['TenantId'], 'aws:RequestTag/TenantId': tenantId, 'sts:ExternalId': tenantId, ...extra });
  const assume = (json: TfJson, roleName: string, account: string, context: Record<string, string | string[]>) =>
    decide({ principal: MIGRATION_ROLE, action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/${roleName}`, resourceAccount: account, context }, { resource: trustPolicyOfRole(json, roleName), identity: [allowAll] });

  test('the pooled role: with a TenantId tag, never without', async () => {
    expect(await assume(platform, shared.dataAccessRole, PLATFORM, { 'aws:TagKeys': ['TenantId'], 'aws:RequestTag/TenantId': 'acme' })).toBe('Allowed');
    expect(await assume(platform, shared.dataAccessRole, PLATFORM, {})).toBe('ImplicitlyDenied');
  });

  test("a moving tenant's role: for that tenant only", async () => {
    const role = tenantNames(lz.settings, MOVERS.id).dataAccessRole;
    expect(await assume(tenant(MOVERS.id), role, MOVERS.account, ctx(MOVERS.id))).toBe('Allowed');
    expect(await assume(tenant(MOVERS.id), role, MOVERS.account, ctx(MOVERS.id, { 'aws:RequestTag/TenantId': STEADY.id }))).toBe('ImplicitlyDenied');
    expect(await assume(tenant(USERS.id), tenantNames(lz.settings, USERS.id).dataAccessRole, USERS.account, ctx(USERS.id))).toBe('Allowed');
  });

  test('a tenant without a move, or whose move is acknowledged done: not at all', async () => {
    expect(await assume(tenant(STEADY.id), tenantNames(lz.settings, STEADY.id).dataAccessRole, STEADY.account, ctx(STEADY.id))).toBe('ImplicitlyDenied');
    expect(await assume(tenant(DONE.id), tenantNames(lz.settings, DONE.id).dataAccessRole, DONE.account, ctx(DONE.id))).toBe('ImplicitlyDenied');
  });
});

describe("an L3 tenant's user migration trigger checks passwords against the shared pool, and nothing else can", () => {
  const own = tenantNames(lz.settings, USERS.id);
  const json = tenant(USERS.id);
  // Made by the tenant's account stack: the L3 tenant stack's footprint role may not create roles.
  const account = stackJson(result, `account-${USERS.id}`);
  const sourceRole = `arn:aws:iam::${PLATFORM}:role/${own.userMigrationSourceRole}`;
  const trigger = `arn:aws:iam::${USERS.account}:role/${own.appRole('user-migration')}`;

  test('the source role trusts that tenant’s trigger, from the organization', async () => {
    expect(Object.values(resources(json, 'aws_iam_role')).map((r) => r.name)).not.toContain(own.userMigrationSourceRole);
    const trust = trustPolicyOfRole(account, own.userMigrationSourceRole);
    const assume = (principal: string, org = ORG) => decide({ principal, action: 'sts:AssumeRole', resource: sourceRole, resourceAccount: PLATFORM, context: { 'aws:PrincipalOrgID': org, 'aws:PrincipalArn': principal } }, { resource: trust, identity: [allowAll] });
    expect(await assume(trigger)).toBe('Allowed');
    expect(await assume(trigger, 'o-elsewhere')).toBe('ImplicitlyDenied');
    expect(await assume(`arn:aws:iam::${DONE.account}:role/${tenantNames(lz.settings, DONE.id).appRole('user-migration')}`)).toBe('ImplicitlyDenied');
    expect(await assume(`arn:aws:iam::${USERS.account}:role/${own.appRole('tenant-api')}`)).toBe('ImplicitlyDenied');
  });

  test('and may check a password and read a user of the shared pool, nothing more', async () => {
    const policy = inlinePolicyOfRole(account, own.userMigrationSourceRole);
    const act = (action: string, resource = POOL_ARN) => decide({ principal: sourceRole, action, resource, resourceAccount: PLATFORM }, { identity: [policy] });
    expect(await act('cognito-idp:AdminInitiateAuth')).toBe('Allowed');
    expect(await act('cognito-idp:AdminGetUser')).toBe('Allowed');
    expect(await act('cognito-idp:ListUsers')).toBe('ImplicitlyDenied');
    expect(await act('cognito-idp:AdminSetUserPassword')).toBe('ImplicitlyDenied');
    expect(await act('cognito-idp:AdminInitiateAuth', `arn:aws:cognito-idp:eu-west-1:${USERS.account}:userpool/eu-west-1_Other`)).toBe('ImplicitlyDenied');
  });

  test('the trigger may only assume that role', async () => {
    const policy = inlinePolicyOfRole(json, own.appRole('user-migration'));
    // Besides writing its own logs and traces.
    expect(policy.Statement.filter((st) => ![st.Action].flat().every((a) => /^(logs|xray):/.test(String(a))))).toEqual([{ Sid: 'CheckPasswordsInTheSharedPool', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: sourceRole }]);
  });
});

describe('what the stacks say about a move', () => {
  const entries = (json: TfJson) => Object.values(resources(json, 'aws_dynamodb_table_item')).map((i) => ({ table: i.table_name, entry: unmarshall(JSON.parse(i.item)) }));
  const pool = (json: TfJson) => Object.values(resources(json, 'aws_cognito_user_pool'))[0];
  const users = (json: TfJson) => Object.values(resources(json, 'aws_cognito_user'));

  test('L1 to L2: the registry entry names the new home and keeps the pooled one serving until the move is verified', () => {
    const [{ entry }] = entries(tenant(MOVERS.id));
    expect(entry.data).toMatchObject({ mode: 'dedicated', accountId: MOVERS.account, externalId: MOVERS.id });
    expect(entry.migration).toEqual({
      id: 'L1-L2',
      from: { mode: 'pooled', accountId: PLATFORM, region: 'eu-west-1', itemsTable: shared.itemsTable, usersTable: shared.usersTable, bucket: shared.pooledBucket(PLATFORM, 'eu-west-1'), dataAccessRoleArn: `arn:aws:iam::${PLATFORM}:role/${shared.dataAccessRole}` },
    });
    expect(entries(tenant(STEADY.id))[0].entry.migration).toBeUndefined();
  });

  test('L2 to L3: the own pool gets the trigger and the old-id attribute; the admin moves like everyone; the shared pool keeps it until the cleanup', () => {
    const json = tenant(USERS.id);
    expect(pool(json).lambda_config.user_migration).toMatch(/^\$\{aws_lambda_function\..*user-migration.*\.arn\}$/);
    expect(pool(json).schema.find((a: TfJson) => a.name === 'previous_user_id')).toMatchObject({ mutable: false, attribute_data_type: 'String' });
    const platformEntry = entries(json).find((e) => e.table === shared.registryTable)!.entry;
    // Served by its own app; its users may sign in to the shared pool only for the password check.
    expect(platformEntry).toMatchObject({ servedBy: 'tenant', usersMovingOut: true });
    expect(platformEntry.apiKeyId).toBeUndefined();
    expect(users(json).map((u) => u.user_pool_id)).toEqual(['${data.terraform_remote_state.platform-state.outputs.user_pool_id}']);
    expect(json.output.own_user_pool_id.value).toMatch(/aws_cognito_user_pool\./);
  });

  test('after the cleanup is acknowledged: no trigger, no source role, no shared-pool admin; the attribute stays (Cognito cannot remove one)', () => {
    const json = tenant(DONE.id);
    expect(pool(json).lambda_config.user_migration).toBeUndefined();
    expect(pool(json).schema.map((a: TfJson) => a.name)).toContain('previous_user_id');
    expect(Object.values(resources(stackJson(result, `account-${DONE.id}`), 'aws_iam_role')).map((r) => r.name)).not.toContain(tenantNames(lz.settings, DONE.id).userMigrationSourceRole);
    expect(users(json)).toEqual([]);
    const platformEntry = entries(json).find((e) => e.table === shared.registryTable)!.entry;
    expect(platformEntry).toMatchObject({ servedBy: 'tenant' });
    expect(platformEntry.usersMovingOut).toBeUndefined();
  });
});
