/**
 * An L1 tenant with data moves to L2 and then to L3: its items, profiles and files into its own
 * tables and bucket (dynalite, s3rver), then its users into its own user pool (Cognito in
 * memory, behind the real SDK client) through the real user migration and post authentication
 * triggers and the bulk path; everything present and verified afterwards, the evidence
 * written for the audit, the old copies deleted after their retention, and another tenant's
 * users, profiles, items and files untouched.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ITEM_KEY, USER_KEY, type RegistryEntry } from '../../functions/shared/contracts';
import type { TenantDataClientFactory } from '../../functions/shared/tenant-clients';
import { createHandler as createPostConfirmation } from '../../functions/post-confirmation/handler';
import { createHandler as createUserMigration } from '../../functions/user-migration/handler';
import { localDynamoClient, localS3Client, startLocalAws, type LocalAws } from '../../bench/local-aws';
import { cleanupMove } from '../../migration/cleanup';
import { runDataMove } from '../../migration/data-move';
import { directoryEvidenceStore, recordEvidence } from '../../migration/evidence';
import { runUsersMove, type UsersMoveDeps } from '../../migration/users-move';
import { parseMigrationEvidence } from '../../model/migration';
import { FakeCognito } from '../helpers/cognito-pools';
import { recordingLogger } from '../functions/support';
import { createDedicated, createPlatform, dedicated, engineDeps, mockedSts, movingEntry, POOLED, pooledEntry, putRegistry, seedItems, seedObjects, tenantSnapshot } from './support';

const SHARED_POOL = 'eu-west-1_Shared01';
const OWN_POOL = 'eu-west-1_Own00001';
const MIGRATION_CLIENT = 'migration-client';
const OWN_REGISTRY = 'lz-acme-tenant-registry';

let local: LocalAws;
const cognito = new FakeCognito();
const users: Array<{ email: string; password: string; sub: string; signedInBefore: boolean }> = [];

beforeAll(async () => {
  local = await startLocalAws();
  await createPlatform(local);
  await Promise.all([
    seedItems(local, POOLED.itemsTable, ITEM_KEY, 'acme', 500, 11),
    seedObjects(local, POOLED.bucket, 'acme', 50, 12),
    seedItems(local, POOLED.itemsTable, ITEM_KEY, 'globex', 200, 13),
    seedObjects(local, POOLED.bucket, 'globex', 20, 14),
    createDedicated(local, 'acme'),
    local.createTable(OWN_REGISTRY),
  ]);
  cognito.addPool(SHARED_POOL);
  cognito.addPool(OWN_POOL);
  cognito.addClient(SHARED_POOL, MIGRATION_CLIENT, ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  const profiles = DynamoDBDocumentClient.from(local.dynamodb());
  // 24 acme users: 18 signed in before (a profile each), 6 never did (a temporary password, no profile); 5 globex users.
  for (let i = 0; i < 24; i++) {
    const signedInBefore = i < 18;
    const email = `user${i}@acme.example`;
    const password = `Pass-${i}-acme!`;
    const u = cognito.addUser(SHARED_POOL, { email, email_verified: 'true', 'custom:tenant_id': 'acme' }, password, signedInBefore ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD');
    users.push({ email, password, sub: u.username, signedInBefore });
    if (signedInBefore) await profiles.send(new PutCommand({ TableName: POOLED.usersTable, Item: { tenantId: 'acme', userId: u.username, email, tier: 'L1', createdAt: '2029-01-01T00:00:00.000Z', locale: `l${i}` } }));
  }
  for (let i = 0; i < 5; i++) {
    const u = cognito.addUser(SHARED_POOL, { email: `bob${i}@globex.example`, email_verified: 'true', 'custom:tenant_id': 'globex' }, `Globex-${i}!`);
    await profiles.send(new PutCommand({ TableName: POOLED.usersTable, Item: { tenantId: 'globex', userId: u.username, email: `bob${i}@globex.example`, tier: 'L1', createdAt: '2029-01-01T00:00:00.000Z' } }));
  }
  await putRegistry(local, pooledEntry('globex'));
}, 120_000);

afterAll(() => local.stop());

test('L1 to L2 to L3: every item, file, user and profile arrives, verified; the old copies go only after their retention; globex is untouched', async () => {
  const globexBefore = { data: await tenantSnapshot(local, POOLED, 'globex'), users: JSON.stringify(cognito.users(SHARED_POOL).filter((u) => u.attributes['custom:tenant_id'] === 'globex')) };
  const acmeBefore = await tenantSnapshot(local, POOLED, 'acme');
  const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-evidence-'));
  const evidence = directoryEvidenceStore(evidenceDir);

  // L1 to L2: the data move.
  await putRegistry(local, movingEntry('acme'));
  const dataMove = await runDataMove('acme', 'L1-L2', engineDeps(local, mockedSts().client), { freezeGraceMs: 30, retentionDays: 30 });
  expect(dataMove.status).toBe('switched');
  expect(await tenantSnapshot(local, dedicated('acme'), 'acme')).toEqual(acmeBefore);

  // L2 to L3: the apply gives acme its own app; the platform registry keeps it, marked as served elsewhere.
  const l3: RegistryEntry = { ...pooledEntry('acme'), tier: 'L3', servedBy: 'tenant', data: dedicated('acme') };
  await putRegistry(local, { ...l3, usersMovingOut: true });
  await DynamoDBDocumentClient.from(local.dynamodb()).send(new PutCommand({ TableName: OWN_REGISTRY, Item: { ...l3 } }));
  const sts = mockedSts();
  const factory: TenantDataClientFactory = (credentials) => ({ db: DynamoDBDocumentClient.from(localDynamoClient(local.dynamodbEndpoint, credentials)), s3: localS3Client(local.s3Endpoint, credentials) });
  const quiet = recordingLogger();
  const triggers = {
    userMigration: createUserMigration({ sts: sts.client, cognitoFactory: () => cognito.client(), env: { tenantId: 'acme', sourceUserPoolId: SHARED_POOL, sourceClientId: MIGRATION_CLIENT, sourceRoleArn: 'arn:aws:iam::111111111111:role/lz-acme-user-migration-source' }, logger: quiet }),
    postAuthentication: createPostConfirmation({ registryClient: DynamoDBDocumentClient.from(local.dynamodb()), sts: sts.client, eventBridge: { send: async () => ({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] }) } as never, tenantClientFactory: factory, env: { registryTable: OWN_REGISTRY, eventBusName: 'acme-bus', appHost: 'tenant' }, logger: quiet }),
  };

  // Ten users sign in to the new app with their old password; globex's Bob cannot get in; a wrong password neither.
  for (const u of users.slice(0, 10)) await expect(cognito.signIn(OWN_POOL, u.email, u.password, triggers)).resolves.toMatchObject({ status: 'CONFIRMED', attributes: { 'custom:previous_user_id': u.sub } });
  await expect(cognito.signIn(OWN_POOL, 'bob0@globex.example', 'Globex-0!', triggers)).rejects.toThrow(/migrating user/);
  await expect(cognito.signIn(OWN_POOL, users[12].email, 'not-it', triggers)).rejects.toThrow(/migrating user/);

  const pools: UsersMoveDeps['pools'] = { source: { client: cognito.client(), userPoolId: SHARED_POOL }, target: { client: cognito.client(), userPoolId: OWN_POOL } };
  const usersDeps = (now?: () => number): UsersMoveDeps => ({ ...engineDeps(local, mockedSts().client, undefined, now ? { now } : {}), pools });
  const waiting = await runUsersMove('acme', 'L2-L3', usersDeps(), { retentionDays: 30 });
  expect(waiting).toMatchObject({ status: 'moving', message: '14 of 24 users have not signed in yet: they move at their first sign-in, or with --bulk-users' });

  // Two more sign in; then the bulk path creates the twelve who did not (and only they get an invitation to set a password).
  for (const u of users.slice(10, 12)) await cognito.signIn(OWN_POOL, u.email, u.password, triggers);
  const moved = await runUsersMove('acme', 'L2-L3', usersDeps(), { retentionDays: 30, bulk: true });
  expect(moved).toMatchObject({ status: 'switched', record: { figures: { users: 24, migrated: 24, pending: 0, bulkCreated: 12, migratedAtSignIn: 12 } } });
  expect(moved.record!.checks!.map((c) => [c.name, c.source.count, c.target.count, c.match])).toEqual([
    ['users', 24, 24, true],
    ['profiles', 18, 18, true],
  ]);
  expect(cognito.invitations(OWN_POOL).sort()).toEqual(users.slice(12).map((u) => u.email).sort());

  // Every user is in the new pool with its tenant; every profile is under its new id, with everything it had.
  const own = cognito.users(OWN_POOL);
  expect(own.map((u) => [u.attributes.email, u.attributes['custom:tenant_id']]).sort()).toEqual(users.map((u) => [u.email, 'acme']).sort());
  const db = DynamoDBDocumentClient.from(local.dynamodb());
  for (const [i, u] of users.entries()) {
    const now = own.find((o) => o.attributes.email === u.email)!;
    const profile = (await db.send(new GetCommand({ TableName: dedicated('acme').usersTable, Key: { tenantId: 'acme', [USER_KEY]: now.username } }))).Item;
    if (u.signedInBefore) expect(profile).toMatchObject({ email: u.email, previousUserId: u.sub, locale: `l${i}`, tier: 'L3', createdAt: '2029-01-01T00:00:00.000Z' });
    else expect(profile).toBeUndefined();
    expect((await db.send(new GetCommand({ TableName: dedicated('acme').usersTable, Key: { tenantId: 'acme', [USER_KEY]: u.sub } }))).Item).toBeUndefined();
  }
  // The items and files did not move again, and the sign-ins asked only for acme's sessions.
  expect((await tenantSnapshot(local, dedicated('acme'), 'acme')).items).toEqual(acmeBefore.items);
  expect(new Set(sts.mock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn))).toEqual(new Set(['arn:aws:iam::111111111111:role/lz-acme-user-migration-source', dedicated('acme').dataAccessRoleArn]));

  // The evidence the audit reads.
  const deps = engineDeps(local, mockedSts().client);
  const records = [await deps.records.get('acme', 'L1-L2'), await deps.records.get('acme', 'L2-L3')].filter((r) => r !== undefined);
  await recordEvidence(evidence, 'acme', records, new Date(Date.UTC(2030, 0, 1)));
  const doc = parseMigrationEvidence(fs.readFileSync(path.join(evidenceDir, 'tenants/acme/migration.json'), 'utf8'), 'migration.json', 'acme');
  expect(doc.moves.map((m) => [m.id, m.phase, m.checks.every((c) => c.match)])).toEqual([
    ['L1-L2', 'switched', true],
    ['L2-L3', 'switched', true],
  ]);

  // After the retention, and only as acknowledged, the old copies go: acme's pooled data, acme's shared-pool users.
  const later = () => Date.now() + 31 * 86_400_000;
  await expect(cleanupMove('acme', 'L1-L2', { ...usersDeps(later) }, { acknowledged: true })).resolves.toMatchObject({ status: 'cleaned' });
  await expect(cleanupMove('acme', 'L2-L3', usersDeps(later), { acknowledged: true })).resolves.toMatchObject({ status: 'cleaned', message: 'old copy deleted (users 24)' });
  expect(await tenantSnapshot(local, POOLED, 'acme')).toEqual({ items: [], users: [], files: [] });
  expect(cognito.users(SHARED_POOL).filter((u) => u.attributes['custom:tenant_id'] === 'acme')).toEqual([]);

  expect(await tenantSnapshot(local, POOLED, 'globex')).toEqual(globexBefore.data);
  expect(JSON.stringify(cognito.users(SHARED_POOL).filter((u) => u.attributes['custom:tenant_id'] === 'globex'))).toBe(globexBefore.users);
  fs.rmSync(evidenceDir, { recursive: true, force: true });
}, 180_000);
