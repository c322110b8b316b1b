import { addCounts, CHANGE_ACTIONS, ChangeAction, ChangeCounts, compareStrings, emptyCounts } from './changes';
import { isHeldBack, needsApproval, PipelineReport, StackReport } from './report';

/**
 * What a plan or apply does to each tenant, from its stacks in the report: the line a reviewer
 * reads first. Shared stacks (organization, platform, bootstrap) are summarized as one entry.
 */
export interface TenantOutcome {
  /** Tenant id, or undefined for the shared stacks. */
  readonly tenantId?: string;
  readonly tier?: string;
  readonly previousTier?: string;
  /** onboarded: every stack is new; removed: every stack left the configuration. */
  readonly lifecycle: 'onboarded' | 'removed' | 'changed';
  readonly ouMove?: { readonly from: string; readonly to: string };
  readonly counts: ChangeCounts;
  readonly notes: number;
  readonly violations: number;
  /** Stacks that failed or were held back, with their status. */
  readonly failed: ReadonlyArray<{ readonly stack: string; readonly status: string }>;
  readonly approvers?: ReadonlyArray<string>;
  readonly stacks: ReadonlyArray<string>;
}

export function tenantOutcomes(report: PipelineReport): TenantOutcome[] {
  const groups = new Map<string, StackReport[]>();
  for (const s of report.stacks) {
    const key = s.tenantId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const out: TenantOutcome[] = [];
  for (const [key, stacks] of groups) {
    const tier = stacks.find((s) => s.tier)?.tier;
    const previousTier = stacks.find((s) => s.previousTier)?.previousTier;
    const ouMove = stacks.find((s) => s.ouMove)?.ouMove;
    const approval = stacks.find((s) => needsApproval(s))?.approval;
    out.push({
      ...(key ? { tenantId: key } : {}),
      ...(tier ? { tier } : {}),
      ...(previousTier && previousTier !== tier ? { previousTier } : {}),
      lifecycle: stacks.every((s) => s.change === 'added') ? 'onboarded' : stacks.every((s) => s.change === 'removed') ? 'removed' : 'changed',
      ...(ouMove ? { ouMove } : {}),
      counts: stacks.reduce((c, s) => addCounts(c, s.counts), emptyCounts()),
      notes: stacks.reduce((n, s) => n + s.notes.length, 0),
      violations: stacks.reduce((n, s) => n + s.violations.length, 0),
      failed: stacks.filter(isHeldBack).map((s) => ({ stack: s.stack, status: s.status })),
      ...(approval ? { approvers: approval.approvers } : {}),
      stacks: stacks.map((s) => s.stack),
    });
  }
  // Tenants needing attention first, then by id; the shared stacks lead.
  const rank = (t: TenantOutcome) => (t.tenantId === undefined ? 0 : t.violations > 0 || t.failed.length > 0 ? 1 : 2);
  return out.sort((a, b) => rank(a) - rank(b) || compareStrings(a.tenantId ?? '', b.tenantId ?? ''));
}

/** `+3 ~1 −1` for the actions that occur; `no resource changes` otherwise. */
export function countsText(c: ChangeCounts, symbols: Readonly<Record<ChangeAction, string>>): string {
  const parts = [...CHANGE_ACTIONS].reverse().filter((a) => c[a] > 0).map((a) => `${symbols[a]}${c[a]}`);
  return parts.length > 0 ? parts.join(' ') : 'no resource changes';
}

/** One line of plain text (renderers escape it for their format) saying what happens to the tenant. */
export function outcomeText(t: TenantOutcome, symbols: Readonly<Record<ChangeAction, string>>): string {
  const what: string[] = [];
  if (t.lifecycle === 'onboarded') what.push(`onboarded${t.tier ? ` as ${t.tier}` : ''}`);
  else if (t.lifecycle === 'removed') what.push('removed from the configuration: its stacks are not destroyed, their state and resources stay');
  if (t.previousTier) what.push(`tier ${t.previousTier} → ${t.tier ?? '?'}`);
  if (t.ouMove) what.push(`account moves from OU ${t.ouMove.from} to OU ${t.ouMove.to}`);
  if (t.lifecycle !== 'removed') what.push(countsText(t.counts, symbols) + (t.notes ? `, ${t.notes} configuration note${t.notes === 1 ? '' : 's'}` : ''));
  if (t.violations) what.push(`${t.violations} guard violation${t.violations === 1 ? '' : 's'}`);
  for (const f of t.failed) what.push(`${f.stack} ${f.status}`);
  if (t.approvers) what.push(`needs approval by ${t.approvers.join(', ') || 'nobody listed'}`);
  return what.join('; ');
}
