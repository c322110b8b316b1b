/**
 * `lz migrate` as a use case: for each selected tenant, the move its manifest records (or the
 * cleanup, or lifting a freeze), then its evidence document next to its state. One tenant's
 * failure never stops the others; the run report says what happened to each.
 */
import { MoveEvidence, PlannedMove } from '../model/migration';
import { tenantProfile } from '../model/profile';
import { LandingZoneSettings } from '../model/schema/settings';
import { MoveId, TenantManifest } from '../model/schema/tenant';
import { cleanupMove } from './cleanup';
import { abortDataMove, DataMoveOptions, MoveDeps, MoveResult, runDataMove } from './data-move';
import { EvidenceStore, moveEvidence, recordEvidence } from './evidence';
import { runUsersMove, UsersMoveDeps } from './users-move';

export type MigrateAction = 'move' | 'cleanup' | 'abort';

export interface MigrationServices {
  /** The registry (entries and migration records) and tenant-scoped sessions, through the migration role. */
  readonly deps: MoveDeps;
  /** The shared pool and the tenant's own pool, for a users move. */
  pools(tenant: TenantManifest): Promise<UsersMoveDeps['pools']>;
  readonly evidence: EvidenceStore;
}

export interface MigrateOptions {
  readonly action: MigrateAction;
  /** Create the users of a users move who have not signed in (they set a new password). @default false */
  readonly bulkUsers?: boolean;
  /** Why a freeze is lifted (abort). */
  readonly reason?: string;
  /** Tuning of data moves (tests shorten the freeze grace). */
  readonly dataMove?: Partial<DataMoveOptions>;
}

export interface TenantMigration {
  readonly tenantId: string;
  readonly move: MoveId;
  readonly status: MoveResult['status'] | 'error';
  readonly message: string;
  readonly evidence?: MoveEvidence;
  /** Where the tenant's evidence document was written. */
  readonly evidenceAt?: string;
}

/** The evidence document of a run (`--evidence-out`): what the workflow keeps. */
export interface MigrationRunReport {
  readonly formatVersion: 1;
  readonly action: MigrateAction;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly tenants: ReadonlyArray<TenantMigration>;
}

/** A run fails when a move failed or could not run; moving and waiting are not failures. */
export function migrationRunPassed(report: MigrationRunReport): boolean {
  return report.tenants.every((t) => t.status !== 'failed' && t.status !== 'error');
}

/** The moves to work on: for a cleanup, every move the manifest acknowledges; otherwise the move it records. */
export function movesOf(tenant: TenantManifest, action: MigrateAction, settings: LandingZoneSettings): MoveId[] {
  if (action === 'cleanup') return (tenant.acknowledgements?.migrationCleanup ?? []).map((a) => a.move);
  const move = tenantProfile(settings, tenant).move;
  return move ? [move.id] : [];
}

/**
 * Which tenants a run after an apply may work on: a tenant whose tenant stack the apply report
 * lists with any other status than applied or no-changes (failed, blocked, deferred to its
 * approval job) is left for later.
 */
export function appliedTenants(
  tenants: ReadonlyArray<TenantManifest>,
  reports: ReadonlyArray<{ stacks: ReadonlyArray<{ tenantId?: string; kind: string; status: string }> }>,
): { ready: TenantManifest[]; held: Array<{ tenantId: string; status: string }> } {
  const status = new Map<string, string>();
  for (const r of reports) for (const s of r.stacks) if (s.kind === 'tenant' && s.tenantId) status.set(s.tenantId, s.status);
  const ready: TenantManifest[] = [];
  const held: Array<{ tenantId: string; status: string }> = [];
  for (const t of tenants) {
    const s = status.get(t.id);
    if (s === undefined || s === 'applied' || s === 'no-changes') ready.push(t);
    else held.push({ tenantId: t.id, status: s });
  }
  return { ready, held };
}

export async function migrateTenants(tenants: ReadonlyArray<TenantManifest>, services: MigrationServices, opts: MigrateOptions, settings: LandingZoneSettings): Promise<MigrationRunReport> {
  const now = services.deps.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const out: TenantMigration[] = [];
  for (const tenant of tenants) {
    for (const id of movesOf(tenant, opts.action, settings)) {
      const planned = tenantProfile(settings, tenant).move;
      let result: MoveResult;
      try {
        result = await one(tenant, id, planned?.id === id ? planned : undefined, services, opts);
      } catch (e) {
        out.push({ tenantId: tenant.id, move: id, status: 'error', message: (e as Error).message });
        continue;
      }
      const entry: TenantMigration = { tenantId: tenant.id, move: id, status: result.status, message: result.message, ...(result.record ? { evidence: moveEvidence(result.record) } : {}) };
      if (result.record) {
        await recordEvidence(services.evidence, tenant.id, [result.record], new Date(now()));
        out.push({ ...entry, evidenceAt: services.evidence.where(tenant.id) });
      } else out.push(entry);
    }
  }
  return { formatVersion: 1, action: opts.action, startedAt, finishedAt: new Date(now()).toISOString(), tenants: out };
}

async function one(tenant: TenantManifest, id: MoveId, planned: PlannedMove | undefined, services: MigrationServices, opts: MigrateOptions): Promise<MoveResult> {
  const { deps } = services;
  if (opts.action === 'abort') return abortDataMove(tenant.id, id, deps, opts.reason ?? 'lifted by lz migrate --abort');
  if (opts.action === 'cleanup') {
    const acknowledged = (tenant.acknowledgements?.migrationCleanup ?? []).some((a) => a.move === id);
    const record = await deps.records.get(tenant.id, id);
    return cleanupMove(tenant.id, id, record?.kind === 'users' ? { ...deps, pools: await services.pools(tenant) } : deps, { acknowledged });
  }
  if (!planned) return { tenantId: tenant.id, moveId: id, status: 'nothing-to-do', message: 'the manifest records no move' };
  if (planned.waitingFor) return { tenantId: tenant.id, moveId: id, status: 'waiting', message: `waits for ${planned.waitingFor}` };
  if (planned.kind === 'data') return runDataMove(tenant.id, id, deps, { retentionDays: planned.retentionDays, ...opts.dataMove });
  return runUsersMove(tenant.id, id, { ...deps, pools: await services.pools(tenant) }, { retentionDays: planned.retentionDays, bulk: opts.bulkUsers });
}

