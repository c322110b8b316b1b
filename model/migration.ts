import { MoveId, TenantManifest } from './schema/tenant';
import { Tier } from './tiers';

/**
 * Moves up a tier, as the landing zone knows them without asking AWS: what a manifest's
 * migration record asks for (`plannedMove`), and the evidence document `lz migrate` writes and
 * the audit reads (`MigrationEvidence`). Plain data, no SDK: stacks, pipeline, migration and
 * audit all read this one description.
 *
 * | move  | what moves                                              | old copy                       |
 * |-------|---------------------------------------------------------|--------------------------------|
 * | L1-L2 | items and profiles (by partition key), files (by prefix) | pooled tables and bucket prefix |
 * | L2-L3 | users, to the tenant's own user pool; profiles re-keyed  | the tenant's users in the shared pool |
 */
export type MoveKind = 'data' | 'users';

export interface PlannedMove {
  readonly tenantId: string;
  readonly id: MoveId;
  readonly fromTier: Tier;
  readonly toTier: Tier;
  readonly kind: MoveKind;
  readonly retentionDays: number;
  /** acknowledgements.migrationCleanup names this move. */
  readonly cleanupAcknowledged: boolean;
  /** Why the move cannot run yet (an L3 tenant whose BYOK key material has not arrived runs the shared app). */
  readonly waitingFor?: string;
}

export function moveId(from: Tier, to: Tier): MoveId {
  return `${from}-${to}` as MoveId;
}

/**
 * The move the manifest records, if any. `ownAppRuns` is the profile's decision (model/profile.ts
 * `app.host`): an L3 tenant whose BYOK is pending still runs on the shared app, so its users wait.
 * Read it from `TenantProfile.move`; this is how the profile decides it.
 */
export function plannedMove(tenant: Pick<TenantManifest, 'id' | 'tier' | 'migration' | 'acknowledgements'>, ownAppRuns: boolean): PlannedMove | undefined {
  const m = tenant.migration;
  if (!m) return undefined;
  const id = moveId(m.from, tenant.tier);
  const kind: MoveKind = tenant.tier === 'L2' ? 'data' : 'users';
  const waitingFor =
    kind === 'users' && !ownAppRuns ? 'the BYOK key material: until it is imported the tenant runs on the shared app and its users stay in the shared pool' : undefined;
  return {
    tenantId: tenant.id,
    id,
    fromTier: m.from,
    toTier: tenant.tier,
    kind,
    retentionDays: m.retentionDays,
    cleanupAcknowledged: cleanupAcknowledged(tenant, id),
    ...(waitingFor ? { waitingFor } : {}),
  };
}

export function cleanupAcknowledged(tenant: Pick<TenantManifest, 'acknowledgements'>, id: MoveId): boolean {
  return (tenant.acknowledgements?.migrationCleanup ?? []).some((a) => a.move === id);
}

/** What the move does, step by step, for the pull-request comment and `lz migrate`. */
export function moveSteps(move: PlannedMove): string[] {
  if (move.waitingFor) return [`waits for ${move.waitingFor}`];
  const keep = `the old copy is kept ${move.retentionDays} days after the switch and deleted only once acknowledgements.migrationCleanup names ${move.id}${move.cleanupAcknowledged ? ' (acknowledged)' : ''}`;
  if (move.kind === 'data') {
    return [
      'writes freeze (the API answers 503 with Retry-After; reads go on from the pooled tables)',
      "items and profiles are copied by partition key, files under the tenant's prefix, into the tenant account through tenant-scoped sessions",
      'counts and SHA-256 checksums are compared per table and bucket; the registry switches to the tenant account only when they match, and writes resume there',
      keep,
    ];
  }
  return [
    "users move to the tenant's own user pool at their first sign-in (user migration trigger, no password reset) and their profiles with them",
    '`lz migrate --bulk-users` creates those who never signed in (they set a new password), then verifies every user and profile',
    keep,
  ];
}

/** Where the evidence document of a tenant lives in the state bucket (next to its state). */
export function migrationEvidenceKey(tenantId: string): string {
  return `tenants/${tenantId}/migration.json`;
}

export const MIGRATION_EVIDENCE_FORMAT = 1;

export type MovePhase =
  /** data move: writes frozen, copy and verification under way */
  | 'frozen'
  /** users move: the own pool migrates users at sign-in; not all of them are there yet */
  | 'moving'
  /** the copy was verified and the registry (or the app) serves the new location */
  | 'switched'
  /** the copy failed or did not verify: the tenant works where it was */
  | 'failed'
  /** the old copy was deleted after its retention, as acknowledged */
  | 'cleaned';

export const MOVE_PHASES: ReadonlyArray<MovePhase> = ['frozen', 'moving', 'switched', 'failed', 'cleaned'];

/** Count and content checksum of one side of a copy, computed the same way on both sides. */
export interface SideDigest {
  /** Table name, `bucket/prefix`, or user pool id. */
  readonly location: string;
  readonly count: number;
  /** Hex SHA-256 over the canonical form of every entry in key order. */
  readonly sha256: string;
  /** Objects only: total bytes. */
  readonly bytes?: number;
}

export interface CopyCheck {
  /** items, users (profiles), files, users-pool. */
  readonly name: string;
  readonly source: SideDigest;
  readonly target: SideDigest;
  readonly match: boolean;
}

export interface MoveEvidence {
  readonly id: MoveId;
  readonly kind: MoveKind;
  readonly phase: MovePhase;
  /** Where the tenant's data (or users) are served from now. */
  readonly servedFrom: string;
  readonly from: string;
  readonly to: string;
  readonly startedAt: string;
  readonly switchedAt?: string;
  /** End of the retention of the old copy (switchedAt + retentionDays). */
  readonly retainUntil?: string;
  readonly cleanedAt?: string;
  readonly attempts: number;
  readonly checks: ReadonlyArray<CopyCheck>;
  /** Copy figures: entries written, and durations of the write freeze and the whole run. */
  readonly figures?: Readonly<Record<string, number>>;
  readonly failure?: string;
}

export interface MigrationEvidence {
  readonly formatVersion: typeof MIGRATION_EVIDENCE_FORMAT;
  readonly tenantId: string;
  readonly updatedAt: string;
  readonly moves: ReadonlyArray<MoveEvidence>;
}

export class MigrationEvidenceError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'MigrationEvidenceError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Reads an evidence document; every problem is reported at once with its JSON path. */
export function parseMigrationEvidence(text: string, file: string, tenantId: string): MigrationEvidence {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MigrationEvidenceError(file, `not JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const rec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!rec(doc)) throw new MigrationEvidenceError(file, 'not a JSON object');
  if (doc.formatVersion !== MIGRATION_EVIDENCE_FORMAT) problems.push(`formatVersion is ${JSON.stringify(doc.formatVersion)}, this lz reads ${MIGRATION_EVIDENCE_FORMAT}`);
  if (doc.tenantId !== tenantId) problems.push(`tenantId is ${JSON.stringify(doc.tenantId)}, expected ${JSON.stringify(tenantId)}`);
  if (!Array.isArray(doc.moves)) problems.push('moves must be a list');
  (Array.isArray(doc.moves) ? doc.moves : []).forEach((m: unknown, i: number) => {
    const at = `moves[${i}]`;
    if (!rec(m)) {
      problems.push(`${at} must be an object`);
      return;
    }
    if (m.id !== 'L1-L2' && m.id !== 'L2-L3') problems.push(`${at}.id must be L1-L2 or L2-L3`);
    if (m.kind !== 'data' && m.kind !== 'users') problems.push(`${at}.kind must be data or users`);
    if (!MOVE_PHASES.includes(m.phase as MovePhase)) problems.push(`${at}.phase must be one of ${MOVE_PHASES.join(', ')}`);
    for (const f of ['servedFrom', 'from', 'to']) if (typeof m[f] !== 'string') problems.push(`${at}.${f} must be a string`);
    for (const f of ['startedAt', 'switchedAt', 'retainUntil', 'cleanedAt']) {
      if ((f === 'startedAt' || m[f] !== undefined) && !(typeof m[f] === 'string' && ISO.test(m[f] as string))) problems.push(`${at}.${f} must be an ISO time (UTC)`);
    }
    if (!Number.isInteger(m.attempts)) problems.push(`${at}.attempts must be an integer`);
    if (!Array.isArray(m.checks)) problems.push(`${at}.checks must be a list`);
    (Array.isArray(m.checks) ? m.checks : []).forEach((c: unknown, j: number) => {
      const cat = `${at}.checks[${j}]`;
      if (!rec(c) || typeof c.name !== 'string' || typeof c.match !== 'boolean') {
        problems.push(`${cat} needs name and match`);
        return;
      }
      for (const side of ['source', 'target']) {
        const d = c[side];
        if (!rec(d) || typeof d.location !== 'string' || !Number.isInteger(d.count) || typeof d.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(d.sha256)) {
          problems.push(`${cat}.${side} needs location, count and a hex sha256`);
        }
      }
    });
  });
  if (problems.length > 0) throw new MigrationEvidenceError(file, problems.join('; '));
  return doc as unknown as MigrationEvidence;
}

/** Adds days to an ISO time. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}
