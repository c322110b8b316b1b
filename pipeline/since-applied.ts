import { stackInventory } from '../model/inventory';
import { LandingZone } from '../model/validate';
import { commonAncestor, gitToplevel } from '../git/git';
import { AffectedResult, AffectedStack, allStacksInOrder } from './affected';
import { AppliedMarker, describePending, pendingStacks, recordedCommits } from './applied';
import { MarkerStore } from './applied-store';
import { loadStackConfig } from './stack-config';
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

/** The markers of every stack of the landing zone (the inventory, before any synthesis) and the base they imply. */
export async function readAppliedRecords(lz: LandingZone, store: MarkerStore, tenantsDir: string): Promise<AppliedRecords> {
  const specs = stackInventory(lz.tenants.map((t) => t.profile));
  const markers = await store.read(specs);
  const top = gitToplevel(tenantsDir);
  const commits = recordedCommits(markers);
  if (!top || commits.length === 0) return { markers, unknownCommits: top ? [] : commits };
  const { commit, unknown } = commonAncestor(top, commits);
  return { markers, ...(commit ? { baseCommit: commit } : {}), unknownCommits: unknown };
}

export interface SinceApplied {
  /** Pending stacks and the removed ones, in dependency order, with how each differs from the base. */
  readonly result: AffectedResult;
  /** Why each selected stack is to be applied. */
  readonly reasons: ReadonlyMap<string, string>;
}

/**
 * The stacks to apply: every head stack whose marker says it is not applied as configured
 * (never applied, changed, or its last apply failed), and the stacks the base had that the
 * head dropped (reported, never destroyed).
 */
export function selectSinceApplied(s: Syntheses, markers: ReadonlyMap<string, AppliedMarker | undefined>): SinceApplied {
  const order = allStacksInOrder(s.base, s.head);
  const head = order.filter((spec) => s.head.stacks.has(spec.name)).map((spec) => ({ spec, configDigest: loadStackConfig(s.head.stacks.get(spec.name)!.file).digest }));
  const pending = new Map(pendingStacks(head, markers).map((p) => [p.spec.name, p]));
  const reasons = new Map<string, string>();
  const stacks: AffectedStack[] = [];
  for (const spec of order) {
    const h = s.head.stacks.get(spec.name);
    const b = s.base.stacks.get(spec.name);
    if (!h) {
      stacks.push({ spec, change: 'removed', resources: b!.resources });
      continue;
    }
    const p = pending.get(spec.name);
    if (!p) continue;
    reasons.set(spec.name, describePending(p));
    // Pending but identical to the base (a retry, or applied later than the base): still a change to apply.
    stacks.push({ spec, change: b ? 'changed' : 'added', resources: h.resources });
  }
  return { result: { stacks, unchanged: head.length - pending.size, headStacks: head.length }, reasons };
}
