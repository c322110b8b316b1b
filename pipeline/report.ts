import { StackKind } from '../model/inventory';
import { addCounts, ChangeCounts, compareStrings, countChanges, emptyCounts, ResourceChange } from './changes';
import { StackChange } from './affected';
import { ApprovalRequirement, GuardViolation } from './guards';

/**
 * The report of `lz plan` and `lz apply`: one JSON document (this shape) from which the
 * Markdown PR comment and the terminal text are rendered. Matrix jobs each write one; `lz
 * report` merges them.
 */
export type StackStatus =
  /** plan: changes planned */
  | 'planned'
  /** plan or apply: nothing to change */
  | 'no-changes'
  /** apply: applied */
  | 'applied'
  /** Terraform failed (init, plan, show, apply) or its plan could not be read */
  | 'failed'
  /** killed at the per-stack time limit */
  | 'timed-out'
  /** apply: a guard refused the plan, nothing applied */
  | 'refused'
  /** apply: an L3 stack outside its approval environment */
  | 'not-approved'
  /** apply --without-approval: left to the tenant's approval job */
  | 'deferred'
  /** apply: not run because a dependency did not succeed */
  | 'blocked'
  /** the stack left the configuration: never planned or applied, its state and resources stay */
  | 'removed'
  /** drift: what is deployed differs from the configuration (Terraform's plan has changes) */
  | 'drifted';

export const FAILING_STATUSES: ReadonlyArray<StackStatus> = ['failed', 'timed-out', 'refused', 'not-approved', 'blocked'];

export interface StackError {
  readonly phase: 'init' | 'plan' | 'show' | 'apply' | 'read-plan' | 'report';
  readonly message: string;
  readonly exitCode?: number;
  /** The end of Terraform's output (stderr first). */
  readonly output?: string;
}

export interface StackReport {
  readonly stack: string;
  readonly kind: StackKind;
  readonly tenantId?: string;
  readonly tier?: string;
  /** Deployment order class (0 bootstrap ... 3 tenants): reports sort by it, then by name. */
  readonly wave: number;
  readonly change: StackChange | 'unchanged';
  /** Why the stack was selected, when more than its change (apply from the recorded markers). */
  readonly reason?: string;
  readonly status: StackStatus;
  /**
   * Where the resource changes come from: Terraform with the cloud's state (`terraform`), Terraform
   * and the real provider offline against a state derived from the base revision
   * (`terraform-local`), the desired-state diff (`offline`), or nothing (`none`).
   */
  readonly source: 'terraform' | 'terraform-local' | 'offline' | 'none';
  /** Why this stack's plan is offline when the run is not. */
  readonly sourceNote?: string;
  readonly counts: ChangeCounts;
  readonly changes: ReadonlyArray<ResourceChange>;
  /** Drift runs: the resources refresh found changed or deleted outside Terraform. */
  readonly drift?: ReadonlyArray<ResourceChange>;
  /** Changes outside resources (offline plan), e.g. provider default tags. */
  readonly notes: ReadonlyArray<string>;
  readonly violations: ReadonlyArray<GuardViolation>;
  readonly approval?: ApprovalRequirement;
  readonly error?: StackError;
  /** The dependencies that did not succeed (blocked, deferred). */
  readonly blockedBy?: ReadonlyArray<string>;
  readonly state: string;
  /** The tenant's tier at the base revision, when this change moves it to another tier. */
  readonly previousTier?: string;
  /** An account stack whose account moves to another organizational unit: the OU names. */
  readonly ouMove?: { readonly from: string; readonly to: string };
  /** A tenant stack whose change comes with a move up a tier: what `lz migrate` does after the apply. */
  readonly migration?: StackMigration;
}

export interface StackMigration {
  /** `L1-L2` or `L2-L3`. */
  readonly move: string;
  readonly kind: 'data' | 'users';
  readonly steps: ReadonlyArray<string>;
}

/** A job report `lz report` could not use: the run fails, and its stacks count as without a report. */
export interface UnreadableReport {
  /** The file as given. */
  readonly input: string;
  /** What is wrong with it (JSON path and what was expected). */
  readonly problem: string;
}

export type RunMode = 'terraform' | 'terraform-local' | 'offline' | 'mixed';

/** A provider a Terraform run used, and what the stacks require when that differs (local runs from a mirror). */
export interface ProviderVersion {
  /** e.g. `hashicorp/aws`. */
  readonly source: string;
  readonly version: string;
  /** The stacks' constraints, when the version used does not meet them. */
  readonly required?: ReadonlyArray<string>;
}

export interface PipelineReport {
  readonly formatVersion: 1;
  readonly command: 'plan' | 'apply' | 'drift';
  readonly mode: RunMode;
  /** Why the run is offline (no binary, no credentials, --offline). */
  readonly modeReason?: string;
  readonly terraformVersion?: string;
  /** Providers of a local Terraform run (`terraform-local`). */
  readonly providers?: ReadonlyArray<ProviderVersion>;
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly commit?: string; readonly dirty: boolean };
  readonly stacks: ReadonlyArray<StackReport>;
  /** `lz report`: job reports that could not be read (the merged report fails). */
  readonly unreadable?: ReadonlyArray<UnreadableReport>;
}

/** `, hashicorp/aws 5.100.0 (stacks require 6.25.0)`: the providers of a local run, for report headers. */
export function providerText(report: Pick<PipelineReport, 'providers'>): string {
  return (report.providers ?? []).map((p) => `, ${p.source} ${p.version}${p.required ? ` (stacks require ${p.required.join(', ')})` : ''}`).join('');
}

export interface ReportTotals {
  readonly stacks: number;
  readonly counts: ChangeCounts;
  readonly violations: number;
  readonly failed: number;
  readonly byStatus: Readonly<Record<StackStatus, number>>;
  readonly byChange: Readonly<Record<StackReport['change'], number>>;
  readonly byKind: Readonly<Record<StackKind, number>>;
  /** Stacks of tenants, by the tenant's tier. */
  readonly byTier: Readonly<Record<string, number>>;
  /** Distinct tenants with stacks in the report. */
  readonly tenants: number;
  /** Stacks with changes that need an approval, and their tenants. */
  readonly needsApproval: number;
  readonly approvalTenants: number;
}

export function stackReport(fields: Omit<StackReport, 'counts'>): StackReport {
  return { ...fields, counts: countChanges(fields.changes) };
}

export function compareStackReports(a: Pick<StackReport, 'wave' | 'stack'>, b: Pick<StackReport, 'wave' | 'stack'>): number {
  return a.wave - b.wave || compareStrings(a.stack, b.stack);
}

/** A stack that did not get through: failed, timed out, refused, not approved or blocked. */
export function isHeldBack(s: StackReport): boolean {
  return FAILING_STATUSES.includes(s.status);
}

/** A stack with nothing to say: no changes, no violations (summaries count it without listing it). */
export function isQuiet(s: StackReport): boolean {
  return s.status === 'no-changes' && s.violations.length === 0;
}

export function needsApproval(s: StackReport): boolean {
  return s.approval !== undefined && s.status !== 'removed' && s.status !== 'no-changes' && s.status !== 'applied';
}

/** Every stack status, in the order summaries list them. */
export const STACK_STATUSES: ReadonlyArray<StackStatus> = ['planned', 'no-changes', 'applied', 'failed', 'timed-out', 'refused', 'not-approved', 'deferred', 'blocked', 'removed', 'drifted'];

export function totals(report: PipelineReport): ReportTotals {
  const byStatus = Object.fromEntries(STACK_STATUSES.map((s) => [s, 0])) as Record<StackStatus, number>;
  const byChange: Record<StackReport['change'], number> = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  const byKind: Record<StackKind, number> = { bootstrap: 0, organization: 0, platform: 0, account: 0, tenant: 0 };
  const byTier: Record<string, number> = {};
  const tenants = new Set<string>();
  let counts = emptyCounts();
  let violations = 0;
  const approvalTenants = new Set<string>();
  let approval = 0;
  for (const s of report.stacks) {
    byStatus[s.status]++;
    byChange[s.change]++;
    byKind[s.kind]++;
    if (s.tier) byTier[s.tier] = (byTier[s.tier] ?? 0) + 1;
    if (s.tenantId) tenants.add(s.tenantId);
    counts = addCounts(counts, s.counts);
    violations += s.violations.length;
    if (needsApproval(s)) {
      approval++;
      approvalTenants.add(s.approval!.environment);
    }
  }
  const failed = FAILING_STATUSES.reduce((n, st) => n + byStatus[st], 0);
  return { stacks: report.stacks.length, counts, violations, failed, byStatus, byChange, byKind, byTier, tenants: tenants.size, needsApproval: approval, approvalTenants: approvalTenants.size };
}

/** A report passes when no guard was violated, no stack failed, timed out or was held back, and every job report was read. */
export function reportPassed(report: PipelineReport): boolean {
  const t = totals(report);
  return t.violations === 0 && t.failed === 0 && (report.unreadable?.length ?? 0) === 0;
}

export class ReportMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportMergeError';
  }
}

/** What a merged report says about the run when no job report does (all were lost or none ran). */
export interface MergeContext {
  readonly command: PipelineReport['command'];
  readonly base: PipelineReport['base'];
  readonly head: PipelineReport['head'];
}

/**
 * One report from the reports of several jobs of the same run (same command and base). A stack
 * in several reports keeps its last entry in argument order, except that `deferred` (left to
 * another job) never replaces what that other job reported; `expected` stacks that no report
 * covers become failed entries, so a crashed job cannot make the summary pass.
 */
export function mergeReports(reports: ReadonlyArray<PipelineReport>, expected: ReadonlyArray<ExpectedStack> = [], context?: MergeContext): PipelineReport {
  if (reports.length === 0 && !context) throw new ReportMergeError('no reports to merge');
  const first = reports[0];
  for (const r of reports) {
    if (r.formatVersion !== 1) throw new ReportMergeError(`unsupported report formatVersion ${String(r.formatVersion)} (this lz reads 1)`);
    if (first && (r.command !== first.command || r.base.commit !== first.base.commit)) {
      throw new ReportMergeError(`reports of different runs: ${first.command} against ${first.base.commit.slice(0, 12)} and ${r.command} against ${r.base.commit.slice(0, 12)}`);
    }
  }
  const byStack = new Map<string, StackReport>();
  const unreadable = reports.flatMap((r) => r.unreadable ?? []);
  for (const r of reports) {
    for (const s of r.stacks) {
      if (s.status === 'deferred' && byStack.has(s.stack)) continue;
      byStack.set(s.stack, s);
    }
  }
  for (const e of expected) {
    if (byStack.has(e.stack)) continue;
    // Removed stacks are never planned; any other stack without a report is a failure.
    const missing = e.change === 'removed' ? { status: 'removed' as const } : { status: 'failed' as const, error: { phase: 'report' as const, message: 'no report for this stack: its job failed or was cancelled before it wrote one' } };
    byStack.set(e.stack, stackReport({ ...e, source: 'none', changes: [], notes: [], violations: [], ...missing }));
  }
  const modes = new Set(reports.map((r) => r.mode));
  const command = first?.command ?? context!.command;
  const mode: RunMode = modes.size === 1 ? [...modes][0] : modes.size === 0 ? 'offline' : 'mixed';
  return {
    formatVersion: 1,
    command,
    mode,
    ...(reports.find((r) => r.modeReason) ? { modeReason: reports.find((r) => r.modeReason)!.modeReason } : {}),
    ...(reports.find((r) => r.terraformVersion) ? { terraformVersion: reports.find((r) => r.terraformVersion)!.terraformVersion } : {}),
    ...(reports.find((r) => r.providers) ? { providers: reports.find((r) => r.providers)!.providers } : {}),
    base: first?.base ?? context!.base,
    head: first?.head ?? context!.head,
    stacks: [...byStack.values()].sort(compareStackReports),
    ...(unreadable.length > 0 ? { unreadable } : {}),
  };
}

/** A stack a merged report must cover (from `lz affected --format json`). */
export interface ExpectedStack {
  readonly stack: string;
  readonly kind: StackKind;
  readonly tenantId?: string;
  readonly tier?: string;
  readonly wave: number;
  readonly change: StackChange;
  readonly state: string;
}

/** Drift runs: per tenant (shared stacks under `shared`), the stacks that drifted, in report order. */
export function driftByTenant(report: PipelineReport): Array<{ readonly tenant: string; readonly stacks: ReadonlyArray<StackReport> }> {
  const groups = new Map<string, StackReport[]>();
  for (const s of [...report.stacks].sort(compareStackReports)) {
    if (s.status !== 'drifted') continue;
    const key = s.tenantId ?? SHARED_GROUP;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === SHARED_GROUP ? -1 : b === SHARED_GROUP ? 1 : compareStrings(a, b))).map(([tenant, stacks]) => ({ tenant, stacks }));
}

/** How drift reports name the stacks that belong to no tenant. */
export const SHARED_GROUP = 'shared';
