/**
 * The L2 to L3 move: the app moves into the tenant account with the apply (its own user pool,
 * API and functions; the data stays in the tenant's tables), and the tenant's users follow:
 *
 * - at their first sign-in to the new pool, the user migration trigger checks their password
 *   against the shared pool and creates them with the same password, `custom:tenant_id` and the
 *   id they had (`custom:previous_user_id`); the post-authentication trigger then moves their
 *   profile to their new id. No password reset.
 * - users who do not sign in during the move are created by `lz migrate --bulk-users`
 *   (AdminCreateUser with the same attributes): a password cannot be read out of Cognito, so
 *   these users, and only these, set a new one (Cognito e-mails them a temporary password).
 *
 * Each run lists the tenant's users in the shared pool and their counterparts in the new one,
 * moves the profiles still under an old id, and checks both sides (count and SHA-256 of e-mail,
 * tenant and verification per user; of old id and e-mail per profile). The move is switched
 * once every user and profile is there and the checks match.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'crypto';
import { PREVIOUS_USER_ID_ATTRIBUTE, TENANT_ID_ATTRIBUTE, TENANT_KEY, type DataLocation } from '../functions/shared/contracts';
import { createTenantData } from '../functions/shared/tenant-data';
import { addDays, type CopyCheck } from '../model/migration';
import type { MoveId } from '../model/schema/tenant';
import type { MoveDeps, MoveResult } from './data-move';
import { Digest } from './digest';
import { inParallel } from './paging';
import type { MoveRecord } from './records';
import { tenantScopedClients } from './scoped-clients';

export interface UserPoolRef {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
}

export interface UsersMoveDeps extends MoveDeps {
  /** The shared pool (the tenant's users are read there, never changed) and the tenant's own pool. */
  readonly pools: { readonly source: UserPoolRef; readonly target: UserPoolRef };
}

export interface UsersMoveOptions {
  readonly retentionDays: number;
  /** Create the users who have not signed in yet (they set a new password). @default false */
  readonly bulk?: boolean;
  /** Cognito calls in flight (its admin APIs allow tens per second). @default 4 */
  readonly concurrency?: number;
  readonly runId?: string;
}

export interface PoolUser {
  readonly username: string;
  readonly sub: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name?: string;
  readonly tenantId?: string;
  readonly previousUserId?: string;
}

function toUser(username: string, attributes: ReadonlyArray<AttributeType> | undefined): PoolUser {
  const a = Object.fromEntries((attributes ?? []).map((x) => [x.Name, x.Value]));
  return {
    username,
    sub: a.sub ?? username,
    email: a.email ?? '',
    emailVerified: a.email_verified === 'true',
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a[TENANT_ID_ATTRIBUTE] !== undefined ? { tenantId: a[TENANT_ID_ATTRIBUTE] } : {}),
    ...(a[PREVIOUS_USER_ID_ATTRIBUTE] !== undefined ? { previousUserId: a[PREVIOUS_USER_ID_ATTRIBUTE] } : {}),
  };
}

async function listUsers(pool: UserPoolRef, attributesToGet?: string[]): Promise<PoolUser[]> {
  const out: PoolUser[] = [];
  let token: string | undefined;
  do {
    const page = await pool.client.send(new ListUsersCommand({ UserPoolId: pool.userPoolId, Limit: 60, PaginationToken: token, ...(attributesToGet ? { AttributesToGet: attributesToGet } : {}) }));
    for (const u of page.Users ?? []) out.push(toUser(u.Username!, u.Attributes));
    token = page.PaginationToken;
  } while (token);
  return out;
}

/**
 * The tenant's users in the shared pool. Cognito cannot filter on a custom attribute, so the
 * listing asks for the tenant attribute alone (other tenants' users pass by as an id and a
 * tenant id, nothing more) and reads the tenant's own users in full.
 */
export async function tenantUsers(pool: UserPoolRef, tenantId: string, concurrency = 4): Promise<PoolUser[]> {
  const ours = (await listUsers(pool, [TENANT_ID_ATTRIBUTE])).filter((u) => u.tenantId === tenantId);
  const users = await inParallel(ours, concurrency, async (u) => {
    const full = await pool.client.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: u.username }));
    return toUser(full.Username!, full.UserAttributes);
  });
  return users.filter((u) => u.tenantId === tenantId).sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** The new pool's user for each user of the shared pool (by its old id, else by e-mail). */
function counterparts(source: ReadonlyArray<PoolUser>, target: ReadonlyArray<PoolUser>): Map<string, PoolUser> {
  const byPrevious = new Map(target.filter((u) => u.previousUserId).map((u) => [u.previousUserId!, u]));
  const byEmail = new Map(target.map((u) => [u.email.toLowerCase(), u]));
  const out = new Map<string, PoolUser>();
  for (const u of source) {
    const match = byPrevious.get(u.sub) ?? byEmail.get(u.email.toLowerCase());
    if (match) out.set(u.sub, match);
  }
  return out;
}

async function profiles(location: DataLocation, deps: MoveDeps, tenantId: string): Promise<Array<Record<string, unknown>>> {
  const clients = tenantScopedClients(deps.access, tenantId, location);
  try {
    const out: Array<Record<string, unknown>> = [];
    let key: Record<string, unknown> | undefined;
    do {
      const page = await clients.db.send(new QueryCommand({ TableName: location.usersTable, KeyConditionExpression: '#t = :t', ExpressionAttributeNames: { '#t': TENANT_KEY }, ExpressionAttributeValues: { ':t': tenantId }, ConsistentRead: true, ExclusiveStartKey: key }));
      out.push(...(page.Items ?? []));
      key = page.LastEvaluatedKey;
    } while (key);
    return out;
  } finally {
    clients.destroy?.();
  }
}

export async function runUsersMove(tenantId: string, moveId: MoveId, deps: UsersMoveDeps, opts: UsersMoveOptions): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const say = deps.progress ?? (() => undefined);
  const runId = opts.runId ?? randomUUID();
  const { source, target } = deps.pools;

  const entry = await deps.registry.getEntry(tenantId);
  if (entry.servedBy !== 'tenant') return { tenantId, moveId, status: 'waiting', message: "the tenant's own app is not running yet (apply its stacks; with BYOK imported, the key material must be there)" };
  let record = await deps.records.get(tenantId, moveId);
  if (record && (record.phase === 'switched' || record.phase === 'cleaned')) {
    return { tenantId, moveId, status: 'already-switched', message: `every user moved by ${record.switchedAt}; nothing to do`, record };
  }
  if (!record) {
    const started: MoveRecord = {
      migrationId: moveId,
      kind: 'users',
      phase: 'moving',
      runId,
      heartbeatAt: now(),
      attempts: 1,
      retentionDays: opts.retentionDays,
      startedAt: iso(),
      from: `user pool ${source.userPoolId} (shared)`,
      to: `user pool ${target.userPoolId} (the tenant's own)`,
      sourcePool: source.userPoolId,
      targetPool: target.userPoolId,
    };
    await deps.records.put(tenantId, started, undefined);
    record = started;
  } else {
    await deps.records.update(tenantId, moveId, record.runId, { runId, phase: 'moving' }, now());
  }
  const update = (fields: Record<string, unknown>) => deps.records.update(tenantId, moveId, runId, fields, now());

  const concurrency = opts.concurrency ?? 4;
  const sourceUsers = await tenantUsers(source, tenantId, concurrency);
  let targetUsers = await listUsers(target);
  const before = counterparts(sourceUsers, targetUsers);
  let bulkCreated = 0;
  if (opts.bulk) {
    const pending = sourceUsers.filter((u) => !before.has(u.sub));
    await inParallel(pending, concurrency, async (u) => {
      try {
        await target.client.send(
          new AdminCreateUserCommand({
            UserPoolId: target.userPoolId,
            Username: u.email,
            UserAttributes: [
              { Name: 'email', Value: u.email },
              { Name: 'email_verified', Value: String(u.emailVerified) },
              ...(u.name !== undefined ? [{ Name: 'name', Value: u.name }] : []),
              { Name: TENANT_ID_ATTRIBUTE, Value: tenantId },
              { Name: PREVIOUS_USER_ID_ATTRIBUTE, Value: u.sub },
            ],
            // Cognito e-mails a temporary password: these users set a new one at their next sign-in.
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        bulkCreated += 1;
      } catch (error) {
        // Signed in (and so migrated) since the listing.
        if (!(error instanceof Error && error.name === 'UsernameExistsException')) throw error;
      }
    });
    targetUsers = await listUsers(target);
    say(`${tenantId}: ${bulkCreated} users who never signed in created in the new pool (they set a new password)`);
  }
  const pairs = counterparts(sourceUsers, targetUsers);

  // Profiles still under an old id move to the new one (the sign-in trigger does it too; this covers the rest).
  const location = entry.data;
  const initialProfiles = await profiles(location, deps, tenantId);
  const bySourceId = new Map(initialProfiles.map((p) => [String(p.userId), p]));
  const clients = tenantScopedClients(deps.access, tenantId, location);
  let profilesMoved = 0;
  try {
    const data = createTenantData({ clients, location, now });
    await inParallel(sourceUsers, concurrency, async (u) => {
      const to = pairs.get(u.sub);
      if (!to || !bySourceId.has(u.sub)) return;
      await data.moveUserProfile(tenantId, u.sub, to.sub, to.email, entry.tier);
      profilesMoved += 1;
    });
  } finally {
    clients.destroy?.();
  }

  const checks = verifyUsers(sourceUsers, pairs, initialProfiles, await profiles(location, deps, tenantId), targetUsers, { source: source.userPoolId, target: target.userPoolId, table: location.usersTable });
  const pending = sourceUsers.length - pairs.size;
  const figures = { users: sourceUsers.length, migrated: pairs.size, pending, bulkCreated, migratedAtSignIn: before.size, profilesMoved };
  if (pending === 0 && checks.every((c) => c.match)) {
    const switchedAt = iso();
    await update({ phase: 'switched', switchedAt, retainUntil: addDays(switchedAt, record.retentionDays), checks, figures });
    return { tenantId, moveId, status: 'switched', message: `all ${sourceUsers.length} users and their profiles are in the new pool, verified`, record: await deps.records.get(tenantId, moveId) };
  }
  await update({ checks, figures });
  return {
    tenantId,
    moveId,
    status: 'moving',
    message: pending > 0 ? `${pending} of ${sourceUsers.length} users have not signed in yet: they move at their first sign-in, or with --bulk-users` : `checks differ: ${checks.filter((c) => !c.match).map((c) => c.name).join(', ')}`,
    record: await deps.records.get(tenantId, moveId),
  };
}

/**
 * Users: e-mail, tenant and verification of each user of the shared pool against its
 * counterpart. Profiles: every user that had a profile (under its old id, or already moved) has
 * it under its new id, carrying the old id; none is left under an old id.
 */
function verifyUsers(
  sourceUsers: ReadonlyArray<PoolUser>,
  pairs: ReadonlyMap<string, PoolUser>,
  initialProfiles: ReadonlyArray<Record<string, unknown>>,
  finalProfiles: ReadonlyArray<Record<string, unknown>>,
  targetUsers: ReadonlyArray<PoolUser>,
  where: { source: string; target: string; table: string },
): CopyCheck[] {
  const userLine = (u: PoolUser, tenant: string | undefined) => `${u.email.toLowerCase()}\t${tenant}\t${u.emailVerified}`;
  const srcUsers = new Digest(where.source);
  const dstUsers = new Digest(where.target);
  const sorted = [...sourceUsers].sort((a, b) => (a.sub < b.sub ? -1 : 1));
  for (const u of sorted) {
    srcUsers.add(userLine(u, u.tenantId));
    const to = pairs.get(u.sub);
    if (to) dstUsers.add(userLine(to, to.tenantId));
  }
  const oldIds = new Set(sourceUsers.map((u) => u.sub));
  const newIds = new Set(targetUsers.map((u) => u.sub));
  const hadProfile = new Set(initialProfiles.map((p) => (oldIds.has(String(p.userId)) ? String(p.userId) : String(p.previousUserId ?? ''))).filter((id) => oldIds.has(id)));
  const srcProfiles = new Digest(`${where.table} (old ids)`);
  const dstProfiles = new Digest(`${where.table} (new ids)`);
  for (const u of sorted) if (hadProfile.has(u.sub)) srcProfiles.add(`${u.sub}\t${u.email.toLowerCase()}`);
  const moved = finalProfiles
    .filter((p) => newIds.has(String(p.userId)) && oldIds.has(String(p.previousUserId ?? '')))
    .sort((a, b) => (String(a.previousUserId) < String(b.previousUserId) ? -1 : 1));
  for (const p of moved) dstProfiles.add(`${p.previousUserId}\t${String(p.email).toLowerCase()}`);
  const check = (name: string, a: Digest, b: Digest): CopyCheck => {
    const source = a.result();
    const targetDigest = b.result();
    return { name, source, target: targetDigest, match: source.count === targetDigest.count && source.sha256 === targetDigest.sha256 };
  };
  return [check('users', srcUsers, dstUsers), check('profiles', srcProfiles, dstProfiles)];
}

/** Deletes the tenant's users from the shared pool: only those verified to be in the new pool. */
export async function deleteMovedUsers(tenantId: string, pools: UsersMoveDeps['pools'], concurrency = 4): Promise<{ deleted: number; left: number }> {
  const sourceUsers = await tenantUsers(pools.source, tenantId, concurrency);
  const pairs = counterparts(sourceUsers, await listUsers(pools.target));
  const moved = sourceUsers.filter((u) => pairs.has(u.sub));
  await inParallel(moved, concurrency, (u) => pools.source.client.send(new AdminDeleteUserCommand({ UserPoolId: pools.source.userPoolId, Username: u.username })));
  return { deleted: moved.length, left: (await tenantUsers(pools.source, tenantId, concurrency)).length };
}

