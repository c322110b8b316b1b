/**
 * Deleting the old copy a move left behind: the explicit, acknowledged step. It runs only for a
 * move that was verified and switched, once its retention has passed, and only when the
 * manifest's acknowledgements.migrationCleanup names the move. A data move's old copy is the
 * tenant's partition of each pooled table and its prefix in the pooled bucket, deleted through
 * its tenant-scoped session (so nothing else can go); a users move's is the tenant's users in
 * the shared pool, each deleted only once it is verified to be in the new pool.
 */
import { ITEM_KEY, USER_KEY } from '../functions/shared/contracts';
import type { MoveId } from '../model/schema/tenant';
import type { MoveDeps, MoveResult } from './data-move';
import { countPrefix, deletePrefix } from './object-copy';
import { tenantScopedClients } from './scoped-clients';
import { countPartition, deletePartition } from './table-copy';
import { deleteMovedUsers, type UsersMoveDeps } from './users-move';

export interface CleanupOptions {
  /** acknowledgements.migrationCleanup names this move. */
  readonly acknowledged: boolean;
  readonly runId?: string;
}

export async function cleanupMove(tenantId: string, moveId: MoveId, deps: MoveDeps & Partial<Pick<UsersMoveDeps, 'pools'>>, opts: CleanupOptions): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const record = await deps.records.get(tenantId, moveId);
  if (!record) return { tenantId, moveId, status: 'nothing-to-do', message: `no record of the move ${moveId}` };
  if (record.phase === 'cleaned') return { tenantId, moveId, status: 'cleaned', message: `the old copy was deleted at ${record.cleanedAt}`, record };
  if (record.phase !== 'switched') return { tenantId, moveId, status: 'waiting', message: `the move is ${record.phase}: the old copy is what serves or backs the tenant`, record };
  if (!opts.acknowledged) return { tenantId, moveId, status: 'waiting', message: `kept: acknowledgements.migrationCleanup does not name ${moveId}`, record };
  if (now() < Date.parse(record.retainUntil!)) return { tenantId, moveId, status: 'waiting', message: `kept until ${record.retainUntil} (retention of ${record.retentionDays} days)`, record };

  const runId = opts.runId ?? `cleanup-${now()}`;
  await deps.records.update(tenantId, moveId, record.runId, { runId }, now());
  let figures: Record<string, number>;
  if (record.kind === 'data') {
    const source = record.source!;
    const clients = tenantScopedClients(deps.access, tenantId, source);
    try {
      const tables = [
        { table: source.itemsTable, sortKey: ITEM_KEY },
        { table: source.usersTable, sortKey: USER_KEY },
      ].map((t) => ({ db: clients.db, tenantId, ...t }));
      const bucket = { s3: clients.s3, bucket: source.bucket, prefix: `${tenantId}/` };
      const [items, users, files] = await Promise.all([deletePartition(tables[0]), deletePartition(tables[1]), deletePrefix(bucket)]);
      const left = (await Promise.all([countPartition(tables[0]), countPartition(tables[1]), countPrefix(bucket)])).reduce((a, b) => a + b, 0);
      if (left > 0) throw new Error(`${left} entries of the old copy are still there`);
      figures = { ...(record.figures ?? {}), itemsDeleted: items, profilesDeleted: users, filesDeleted: files };
    } finally {
      clients.destroy?.();
    }
  } else {
    if (!deps.pools) throw new Error('deleting moved users needs the shared and the new user pool');
    const { deleted, left } = await deleteMovedUsers(tenantId, deps.pools);
    if (left > 0) throw new Error(`${left} users of ${tenantId} are still in the shared pool without a verified counterpart`);
    figures = { ...(record.figures ?? {}), usersDeleted: deleted };
  }
  const cleanedAt = new Date(now()).toISOString();
  await deps.records.update(tenantId, moveId, runId, { phase: 'cleaned', cleanedAt, figures }, now());
  return { tenantId, moveId, status: 'cleaned', message: `old copy deleted (${Object.entries(figures).filter(([k]) => k.endsWith('Deleted')).map(([k, v]) => `${k.replace('Deleted', '')} ${v}`).join(', ')})`, record: await deps.records.get(tenantId, moveId) };
}
