import { migrationEvidenceKey, MoveEvidence } from '../../model/migration';
import { Evidence } from '../model';
import { AuditRule, notApplicable, verdict } from '../rule';

/**
 * Where a tenant that moved up a tier has its data (or users) now, from the evidence `lz
 * migrate` recorded: the move the manifest records must be verified and switched, every check
 * matching; and no move's old copy may be kept past its retention.
 */
export const dataMigration: AuditRule = {
  id: 'data-migration',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: [], resourceTypes: [], migrationEvidence: true },
  check(ctx) {
    const planned = ctx.profile.move;
    const doc = ctx.migration();
    const where = migrationEvidenceKey(ctx.tenant.id);
    if (!planned && !doc) return verdict([], 'no tier move recorded: the data is where the tier puts it', [{ stack: where, address: 'manifest', attribute: 'migration', value: null }]);
    if (!doc && ctx.source === 'desired') {
      return notApplicable(`the manifest records the move ${planned!.id}; the synthesized configuration cannot tell where the data is: audit the state (--state-dir or --from-s3), next to which lz migrate keeps its evidence`);
    }
    const moves = doc?.moves ?? [];
    const evidence: Evidence[] = moves.map((m) => ({ stack: where, address: `moves[${m.id}]`, attribute: 'phase', value: { phase: m.phase, servedFrom: m.servedFrom, checks: m.checks, switchedAt: m.switchedAt ?? null, retainUntil: m.retainUntil ?? null, cleanedAt: m.cleanedAt ?? null } }));
    const problems: string[] = [];
    const notes: string[] = [];

    if (planned) {
      const m = moves.find((x) => x.id === planned.id);
      const what = planned.kind === 'data' ? "items, profiles and files" : 'users';
      if (planned.waitingFor) notes.push(`the move ${planned.id} waits for ${planned.waitingFor}`);
      else if (!m) problems.push(`the manifest records the move ${planned.id} but there is no evidence of it (lz migrate has not run): the tenant's ${what} may still be only in ${planned.kind === 'data' ? 'the pooled tables and bucket' : 'the shared user pool'}`);
      else if (m.phase !== 'switched' && m.phase !== 'cleaned') problems.push(`the move ${planned.id} is ${m.phase}${m.failure ? ` (${m.failure})` : ''}: served from ${m.servedFrom}`);
    }
    if (ctx.asOf === undefined && moves.some((m) => m.phase === 'switched')) throw new Error('no audit time to measure retention against');
    for (const m of moves) {
      const bad = m.checks.filter((c) => !c.match);
      if ((m.phase === 'switched' || m.phase === 'cleaned') && (bad.length > 0 || m.checks.length === 0)) problems.push(`the move ${m.id} is ${m.phase} without matching checks (${bad.map((c) => c.name).join(', ') || 'none recorded'})`);
      if (m.phase === 'switched' && m.retainUntil && m.retainUntil < ctx.asOf!) problems.push(`the old copy of the move ${m.id} (${m.from}) is kept past its retention (until ${m.retainUntil}): ${cleanupHint(ctx.tenant.acknowledgements?.migrationCleanup?.some((a) => a.move === m.id) ?? false)}`);
      if (m.phase === 'switched' || m.phase === 'cleaned') notes.push(describe(m));
    }
    return verdict(problems, notes.join('; ') || 'no move has evidence yet', evidence);
  },
};

function cleanupHint(acknowledged: boolean): string {
  return acknowledged ? 'the cleanup is acknowledged; lz migrate --cleanup deletes it' : 'acknowledge it in acknowledgements.migrationCleanup, or extend migration.retentionDays';
}

function describe(m: MoveEvidence): string {
  const checks = m.checks.map((c) => `${c.name} ${c.target.count}`).join(', ');
  const old = m.phase === 'cleaned' ? `old copy deleted ${m.cleanedAt}` : `old copy (${m.from}) kept until ${m.retainUntil}`;
  return `${m.id}: served from ${m.servedFrom} since ${m.switchedAt}, verified (${checks}); ${old}`;
}
