import { orderByDependencies, StackSpec } from '../model/inventory';
import { compareStrings } from './changes';
import { loadStackConfig } from './stack-config';
import { IndexedStack, stackFile, Synthesis } from './synthesis-index';

/**
 * The affected stacks of a change: those whose normalized configuration (stack-config.ts)
 * differs between the base and the head synthesis, plus the stacks only one side has. Stacks
 * with equal input fingerprints are unchanged without being read; the rest are compared by
 * content, so a change to shared code affects exactly the stacks whose output changed.
 */
export type StackChange = 'added' | 'changed' | 'removed';

export interface AffectedStack {
  /** The head spec; for a removed stack, the base spec. */
  readonly spec: StackSpec;
  readonly change: StackChange;
  /** Resources in the head configuration (base for a removed stack). */
  readonly resources: number;
}

export interface AffectedResult {
  /** In dependency order (organization, platform and account stacks, then tenant stacks). */
  readonly stacks: ReadonlyArray<AffectedStack>;
  /** Stacks present on both sides with identical configuration. */
  readonly unchanged: number;
  /** Every stack in the head synthesis. */
  readonly headStacks: number;
}

export function computeAffected(base: Synthesis, head: Synthesis): AffectedResult {
  const affected = new Map<string, AffectedStack>();
  let unchanged = 0;
  for (const [name, h] of head.stacks) {
    const b = base.stacks.get(name);
    if (!b) affected.set(name, { spec: h.spec, change: 'added', resources: resourcesOf(h, head) });
    else if (stackDiffers(b, h, base, head)) affected.set(name, { spec: h.spec, change: 'changed', resources: resourcesOf(h, head) });
    else unchanged++;
  }
  for (const [name, b] of base.stacks) {
    if (!head.stacks.has(name)) affected.set(name, { spec: b.spec, change: 'removed', resources: resourcesOf(b, base) });
  }
  return { stacks: allStacksInOrder(base, head).filter((s) => affected.has(s.name)).map((s) => affected.get(s.name)!), unchanged, headStacks: head.stacks.size };
}

/** Every stack of the head, then the stacks only the base has, in dependency order. */
export function allStacksInOrder(base: Synthesis, head: Synthesis): StackSpec[] {
  const specs = [...[...head.stacks.values()].map((s) => s.spec), ...[...base.stacks.values()].filter((s) => !head.stacks.has(s.spec.name)).map((s) => s.spec)];
  const known = new Set(specs.map((s) => s.name));
  return orderByDependencies(specs.map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => known.has(d)) })));
}

/**
 * Whether a stack's configuration differs between base and head: equal input fingerprints mean
 * equal output (model/fingerprint.ts), so only stacks whose inputs differ are read and compared
 * by content (normalized, stack-config.ts).
 */
export function stackDiffers(base: IndexedStack, head: IndexedStack, baseSynthesis: Synthesis, headSynthesis: Synthesis): boolean {
  if (base.fingerprint !== undefined && base.fingerprint === head.fingerprint) return false;
  return loadStackConfig(stackFile(base, baseSynthesis)).digest !== loadStackConfig(stackFile(head, headSynthesis)).digest;
}

/** A written stack's resource count (throws naming a stack the synthesis did not write). */
export function resourcesOf(stack: IndexedStack, synthesis: Synthesis): number {
  stackFile(stack, synthesis);
  return stack.resources ?? 0;
}

export interface MatrixEntry {
  /** Job key: the stack name, or `stacks-<n>` for a group. */
  readonly id: string;
  /** Space-separated stack names for `lz plan --stack`. */
  readonly stacks: string;
}

/** GitHub allows at most 256 jobs per matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

/**
 * A GitHub Actions matrix with one job per affected stack (removed stacks are not planned), or,
 * when there are more stacks than `maxJobs`, consecutive groups of stacks in dependency order.
 */
export function planMatrix(result: AffectedResult, maxJobs = GITHUB_MATRIX_LIMIT): { include: MatrixEntry[] } {
  if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) throw new RangeError(`maxJobs must be 1-${GITHUB_MATRIX_LIMIT}, got ${maxJobs}`);
  const names = result.stacks.filter((s) => s.change !== 'removed').map((s) => s.spec.name);
  if (names.length <= maxJobs) return { include: names.map((n) => ({ id: n, stacks: n })) };
  const per = Math.ceil(names.length / maxJobs);
  const include: MatrixEntry[] = [];
  for (let i = 0; i < names.length; i += per) include.push({ id: `stacks-${include.length + 1}`, stacks: names.slice(i, i + per).join(' ') });
  return { include };
}

export interface ApprovalEntry {
  readonly tenant: string;
  /** GitHub deployment environment whose reviewers are the tenant's approvers. */
  readonly environment: string;
  readonly stacks: string;
}

/** One entry per tenant whose affected stacks need approval (L3), for the gated apply jobs. */
export function approvalMatrix(result: AffectedResult): { include: ApprovalEntry[] } {
  const byEnv = new Map<string, { tenant: string; stacks: string[] }>();
  for (const s of result.stacks) {
    if (s.change === 'removed' || !s.spec.approvalEnvironment || !s.spec.tenantId) continue;
    const e = byEnv.get(s.spec.approvalEnvironment) ?? { tenant: s.spec.tenantId, stacks: [] };
    e.stacks.push(s.spec.name);
    byEnv.set(s.spec.approvalEnvironment, e);
  }
  return {
    include: [...byEnv.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([environment, e]) => ({ tenant: e.tenant, environment, stacks: e.stacks.join(' ') })),
  };
}
