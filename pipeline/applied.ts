import { z } from 'zod';
import { StackSpec } from '../model/inventory';
import { StackStatus } from './report';

/**
 * What the pipeline records after applying a stack, beside its state
 * (`tenants/<id>/tenant.applied.json`): the commit and the configuration digest it last
 * applied successfully, and whether an apply since then stopped part-way. An apply run works
 * from these records, not from the commit before a push: a stack needs applying when its
 * configuration at HEAD differs from the one last applied, when it was never applied, or when
 * its last apply failed (it may be half-applied, even if the configuration is back to what was
 * last applied). So a run that GitHub cancelled, or one that failed, loses nothing: the next
 * run of the same group finds the same stacks still to do.
 *
 * | last outcome of the stack | its record afterwards |
 * |---|---|
 * | applied, no changes | `{commit: HEAD, configDigest: HEAD's}`, no `failed` |
 * | apply failed or timed out (changes may be half-made) | previous success kept, `failed: {commit, status}` |
 * | plan failed, refused by a guard, blocked, waiting for approval, removed | unchanged (nothing was changed) |
 */
export const MARKER_FORMAT_VERSION = 1;

const MARKER = z.strictObject({
  formatVersion: z.literal(MARKER_FORMAT_VERSION),
  stack: z.string().min(1),
  /** The commit whose configuration of the stack was last applied successfully. */
  commit: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  /** Digest of that configuration (pipeline/stack-config.ts). */
  configDigest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  appliedAt: z.string().optional(),
  /** An apply after that one did not complete: the stack may be half-applied. */
  failed: z.strictObject({ commit: z.string().regex(/^[0-9a-f]{40}$/), status: z.string(), at: z.string() }).optional(),
  /** The CI run that wrote the record (e.g. GitHub's run URL). */
  run: z.string().optional(),
});

export type AppliedMarker = z.output<typeof MARKER>;

export class MarkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkerError';
  }
}

export function parseMarker(text: string, where: string): AppliedMarker {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MarkerError(`${where}: not JSON (${(e as Error).message}); delete it to apply the stack again`);
  }
  const parsed = MARKER.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MarkerError(`${where}: not an applied marker of format ${MARKER_FORMAT_VERSION}: ${issue.path.join('.') || 'document'}: ${issue.message}; delete it to apply the stack again`);
  }
  return parsed.data;
}

/** Why a stack is to be applied. */
export type PendingReason =
  /** No record of a successful apply. */
  | 'never-applied'
  /** Its configuration differs from the one last applied. */
  | 'changed'
  /** Its last apply stopped part-way. */
  | 'retry';

export interface PendingStack {
  readonly spec: StackSpec;
  readonly reason: PendingReason;
  readonly marker?: AppliedMarker;
}

/** A stack of the head synthesis: its spec and the digest of its normalized configuration. */
export interface HeadStack {
  readonly spec: StackSpec;
  readonly configDigest: string;
}

export function pendingReason(head: HeadStack, marker: AppliedMarker | undefined): PendingReason | undefined {
  if (marker?.failed) return 'retry';
  if (!marker?.configDigest) return 'never-applied';
  return marker.configDigest === head.configDigest ? undefined : 'changed';
}

/** The head stacks that need applying, in the order given (dependency order), with why. */
export function pendingStacks(head: ReadonlyArray<HeadStack>, markers: ReadonlyMap<string, AppliedMarker | undefined>): PendingStack[] {
  const out: PendingStack[] = [];
  for (const h of head) {
    const marker = markers.get(h.spec.name);
    const reason = pendingReason(h, marker);
    if (reason) out.push({ spec: h.spec, reason, ...(marker ? { marker } : {}) });
  }
  return out;
}

export function describePending(p: PendingStack): string {
  if (p.reason === 'never-applied') return 'no successful apply recorded';
  if (p.reason === 'retry') return `its apply at ${p.marker!.failed!.commit.slice(0, 12)} ${p.marker!.failed!.status === 'timed-out' ? 'timed out' : 'failed'}: applying again`;
  return `changed since ${p.marker!.commit?.slice(0, 12) ?? 'its last apply'}`;
}

export interface OutcomeContext {
  readonly stack: string;
  /** HEAD, whose configuration the run applied. */
  readonly commit: string;
  readonly configDigest: string;
  /** When (ISO 8601). */
  readonly at: string;
  readonly run?: string;
}

/**
 * The record after a stack's outcome, or undefined to leave it as it is (nothing was changed).
 * `applyStarted` says whether `terraform apply` ran (a failure before it changed nothing).
 */
export function markerAfter(previous: AppliedMarker | undefined, status: StackStatus, applyStarted: boolean, c: OutcomeContext): AppliedMarker | undefined {
  const run = c.run ? { run: c.run } : {};
  if (status === 'applied' || status === 'no-changes') {
    return { formatVersion: MARKER_FORMAT_VERSION, stack: c.stack, commit: c.commit, configDigest: c.configDigest, appliedAt: c.at, ...run };
  }
  if ((status === 'failed' || status === 'timed-out') && applyStarted) {
    const kept = previous ? { commit: previous.commit, configDigest: previous.configDigest, appliedAt: previous.appliedAt } : {};
    return { formatVersion: MARKER_FORMAT_VERSION, stack: c.stack, ...dropUndefined(kept), failed: { commit: c.commit, status, at: c.at }, ...run };
  }
  return undefined;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The commits a run's base is chosen from: every successfully applied commit recorded for the
 * given stacks (the base is the oldest of them, so that the comparison covers every change
 * since any of them was applied).
 */
export function recordedCommits(markers: ReadonlyMap<string, AppliedMarker | undefined>): string[] {
  return [...new Set([...markers.values()].flatMap((m) => (m?.commit ? [m.commit] : [])))].sort();
}
