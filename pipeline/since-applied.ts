import { stackInventory, StackSpec } from '../model/inventory';
import { LandingZone } from '../model/validate';
import { commonAncestor, gitToplevel } from '../git/git';
import { AffectedResult, AffectedStack, allStacksInOrder, resourcesOf } from './affected';
import { AppliedMarker, describePending, markerAfter, pendingStacks, recordedCommits } from './applied';
import { MarkerStore } from './applied-store';
import { loadStackConfig } from './stack-config';
import { StackStatus } from './report';
import { stackFile } from './synthesis-index';
import { SelectedStack } from './stack-plan';
import { Syntheses } from './workspace';

/**
 * An apply run that works from what was last applied (pipeline/applied.ts) instead of from the
 * commit before a push: the markers say which stacks still need applying, and the base the
 * change is compared with is the oldest commit they record, so that whatever GitHub cancelled,
 * whatever failed and whatever waited for an approval is covered by the next run.
 */
export interface AppliedRecords {
  readonly markers: ReadonlyMap<string, AppliedMarker | undefined>;
  /** The oldest recorded commit git knows; undefined when nothing was recorded yet. */
  readonly baseCommit?: string;
  /** Recorded commits git does not know (rewritten history): their stacks are compared by digest only. */
  readonly unknownCommits: ReadonlyArray<string>;
}

/**
 * The markers of the stacks in scope (the inventory, before any synthesis) and the base they
 * imply. Scoped to tenants, only their stacks and what those depend on directly are read: an
 * L3 tenant's apply role may read nothing else.
 */
export async function readAppliedRecords(lz: LandingZone, store: MarkerStore, tenantsDir: string, scope: AppliedScope = {}): Promise<AppliedRecords> {
  const specs = appliedScope(stackInventory(lz.tenants.map((t) => t.profile)), scope);
  const markers = await store.read(specs);
  const top = gitToplevel(tenantsDir);
  const commits = recordedCommits(markers);
  if (!top || commits.length === 0) return { markers, unknownCommits: top ? [] : commits };
  const { commit, unknown } = commonAncestor(top, commits);
  return { markers, ...(commit ? { baseCommit: commit } : {}), unknownCommits: unknown };
}

export interface AppliedScope {
  /** Only these tenants' stacks. */
  readonly tenantIds?: ReadonlyArray<string>;
  /** Only the stacks this deployment environment gates (a job inside it applies nothing else). */
  readonly environment?: string;
}

/**
 * The stacks whose markers a run reads: all of them, or the stacks it may apply (the tenants'
 * own; inside an environment, the ones it gates) and what those depend on directly.
 */
export function appliedScope(inventory: ReadonlyArray<StackSpec>, scope: AppliedScope): StackSpec[] {
  if (!scope.tenantIds && !scope.environment) return [...inventory];
  const own = inventory.filter((s) => (!scope.tenantIds || (s.tenantId !== undefined && scope.tenantIds.includes(s.tenantId))) && (!scope.environment || s.approvalEnvironment === scope.environment));
  const wanted = new Set([...own.map((s) => s.name), ...own.flatMap((s) => s.dependsOn)]);
  return inventory.filter((s) => wanted.has(s.name));
}

export interface SinceApplied {
  /** Pending stacks and the removed ones, in dependency order, with how each differs from the base. */
  readonly result: AffectedResult;
  /** Why each selected stack is to be applied. */
  readonly reasons: ReadonlyMap<string, string>;
}

/**
 * The stacks to apply: every head stack in scope (its marker was read) whose marker says it is
 * not applied as configured (never applied, changed, or its last apply failed), and the stacks
 * the base had that the head dropped (reported, never destroyed; of the given tenants only, when
 * scoped).
 */
export function selectSinceApplied(s: Syntheses, markers: ReadonlyMap<string, AppliedMarker | undefined>, scope: AppliedScope = {}): SinceApplied {
  const removedInScope = (spec: StackSpec) => (!scope.tenantIds || (spec.tenantId !== undefined && scope.tenantIds.includes(spec.tenantId))) && !scope.environment;
  const order = allStacksInOrder(s.base, s.head).filter((spec) => (s.head.stacks.has(spec.name) ? markers.has(spec.name) : removedInScope(spec)));
  const head = order.filter((spec) => s.head.stacks.has(spec.name)).map((spec) => ({ spec, configDigest: loadStackConfig(stackFile(s.head.stacks.get(spec.name)!, s.head)).digest }));
  const pending = new Map(pendingStacks(head, markers).map((p) => [p.spec.name, p]));
  const reasons = new Map<string, string>();
  const stacks: AffectedStack[] = [];
  for (const spec of order) {
    const h = s.head.stacks.get(spec.name);
    const b = s.base.stacks.get(spec.name);
    if (!h) {
      stacks.push({ spec, change: 'removed', resources: resourcesOf(b!, s.base) });
      continue;
    }
    const p = pending.get(spec.name);
    if (!p) continue;
    reasons.set(spec.name, describePending(p));
    // Pending but identical to the base (a retry, or applied later than the base): still a change to apply.
    stacks.push({ spec, change: b ? 'changed' : 'added', resources: resourcesOf(h, s.head) });
  }
  return { result: { stacks, unchanged: head.length - pending.size, headStacks: head.length }, reasons };
}

/** The selection of an apply: the pending stacks of these tenants (all without), each with why. */
export function selectionSinceApplied(applied: SinceApplied, tenantIds?: ReadonlyArray<string>): SelectedStack[] {
  return applied.result.stacks
    .filter((a) => !tenantIds || (a.spec.tenantId !== undefined && tenantIds.includes(a.spec.tenantId)))
    .map((a) => ({ spec: a.spec, change: a.change, ...(applied.reasons.get(a.spec.name) ? { reason: applied.reasons.get(a.spec.name) } : {}) }));
}

/**
 * Records a stack's outcome in its marker as soon as it is known (pipeline/applied.ts decides
 * what to write): the configuration applied is the head synthesis's, the commit HEAD's.
 */
export function markerRecorder(store: MarkerStore, syntheses: Syntheses, opts: { readonly run?: string; readonly clock?: () => Date } = {}) {
  const commit = syntheses.headRevision.commit;
  if (!commit || syntheses.headRevision.dirty) throw new Error('applied markers record a commit: the head synthesis must be of a clean checkout');
  const clock = opts.clock ?? (() => new Date());
  return async (sel: SelectedStack, report: { readonly status: StackStatus }, applyStarted: boolean): Promise<void> => {
    const previous = (await store.read([sel.spec])).get(sel.spec.name);
    const configDigest = loadStackConfig(stackFile(syntheses.head.stacks.get(sel.spec.name)!, syntheses.head)).digest;
    const marker = markerAfter(previous, report.status, applyStarted, { stack: sel.spec.name, commit, configDigest, at: clock().toISOString(), ...(opts.run ? { run: opts.run } : {}) });
    if (marker) await store.write(sel.spec, marker);
  };
}
