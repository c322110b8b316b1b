import { PGraph, PGraphError } from 'p-graph';
import { checkApprovalGate } from './guards';
import { PipelineReport, StackReport, StackStatus } from './report';
import { planViolations, removedReport, reportFor, runnerFor, runReport, SelectedStack, StackContext, stepError, terraformPlan, warmPluginCache } from './stack-plan';
import { StackTerraform, TerraformConfig } from './terraform';

/**
 * `lz apply`: the selected stacks in dependency order (organization, platform and account
 * stacks, then tenant stacks), independent stacks in parallel. Each stack is planned again
 * (state may have moved since the pull request), judged by the guards and applied from its
 * saved plan. A stack that fails, is refused by a guard or waits for approval stops every
 * stack that depends on it; the report says what was and was not applied.
 */
export interface ApplyRunOptions extends StackContext {
  /** In dependency order. */
  readonly selection: ReadonlyArray<SelectedStack>;
  readonly config: TerraformConfig;
  readonly terraformVersion?: string;
  /** @default 4 */
  readonly parallelism?: number;
  /** The deployment environment this run proves it is in (guards.DEPLOYMENT_ENVIRONMENT_VARIABLE). */
  readonly runEnvironment?: string;
  /** Leave stacks that need approval to their environment's job ('deferred'). @default false */
  readonly withoutApproval?: boolean;
  /** Reports of earlier apply jobs of the same run (`--after`). */
  readonly previous?: ReadonlyArray<PipelineReport>;
  /** Every stack the change affects, selected or not: an affected dependency outside the selection must have been applied by an earlier job. */
  readonly affected: ReadonlySet<string>;
  /** Why an affected stack still needs applying (from its applied marker), for the blocked message. */
  readonly pendingReasons?: ReadonlyMap<string, string>;
  readonly progress?: (line: string) => void;
  /**
   * Called as soon as a stack's plan found nothing to do, or its apply ended (`applyStarted`):
   * the moment to record what was applied. A rejection is reported through `recordErrors`.
   */
  readonly onOutcome?: (sel: SelectedStack, report: StackReport, applyStarted: boolean) => Promise<void>;
}

/** The report, and what the outcome hook could not do (e.g. a marker it could not write). */
export interface ApplyRun {
  readonly report: PipelineReport;
  readonly recordErrors: ReadonlyArray<string>;
}

const SUCCESS: ReadonlyArray<StackStatus> = ['applied', 'no-changes'];

class HeldBack extends Error {}

export async function runApply(o: ApplyRunOptions): Promise<PipelineReport> {
  return (await runApplyRecorded(o)).report;
}

export async function runApplyRecorded(o: ApplyRunOptions): Promise<ApplyRun> {
  const reports = new Map<string, StackReport>();
  const recordErrors: string[] = [];
  const settle = async (sel: SelectedStack, report: StackReport, applyStarted: boolean) => {
    reports.set(sel.spec.name, report);
    if (!o.onOutcome) return;
    try {
      await o.onOutcome(sel, report, applyStarted);
    } catch (e) {
      recordErrors.push(`${sel.spec.name}: ${(e as Error).message}`);
    }
  };
  const selected = new Set(o.selection.map((s) => s.spec.name));
  const earlier = new Map<string, StackStatus>();
  for (const r of o.previous ?? []) for (const s of r.stacks) earlier.set(s.stack, s.status);

  // Decisions that need no Terraform: removed stacks, the approval gate, earlier jobs.
  const runnable: SelectedStack[] = [];
  for (const sel of o.selection) {
    const { spec } = sel;
    if (sel.change === 'removed') {
      reports.set(spec.name, removedReport(sel, o));
      continue;
    }
    const notApplied = spec.dependsOn.filter((d) => !selected.has(d) && o.affected.has(d) && !SUCCESS.includes(earlier.get(d) ?? 'failed'));
    if (notApplied.length > 0) {
      reports.set(
        spec.name,
        reportFor(sel, o, {
          status: 'blocked',
          source: 'none',
          blockedBy: notApplied,
          error: { phase: 'apply', message: `affected dependenc${notApplied.length === 1 ? 'y' : 'ies'} ${notApplied.map((d) => `${d} (${earlier.get(d) ?? o.pendingReasons?.get(d) ?? 'no report from an earlier job'})`).join(', ')} not applied in this run` },
        }),
      );
      continue;
    }
    if (spec.approvalEnvironment) {
      if (o.withoutApproval) {
        reports.set(spec.name, reportFor(sel, o, { status: 'deferred', source: 'none' }));
        continue;
      }
      const gate = checkApprovalGate(spec, o.ctx, o.runEnvironment);
      if (gate.length > 0) {
        reports.set(spec.name, reportFor(sel, o, { status: 'not-approved', source: 'none', extraViolations: gate }));
        continue;
      }
    }
    runnable.push(sel);
  }

  const runners = new Map<string, StackTerraform>(runnable.map((s) => [s.spec.name, runnerFor(o.config, o, s.spec.name)]));
  // Only stacks whose dependencies are all runnable or outside the selection can start at all.
  const inits = await warmPluginCache(
    runnable.map((s) => s.spec.name),
    o,
    runners,
    o.progress,
  );

  const byName = new Map(o.selection.map((s) => [s.spec.name, s]));
  const nodes = Object.fromEntries(o.selection.filter((s) => s.change !== 'removed').map((s, i, all) => [s.spec.name, { priority: all.length - i }]));
  const edges: Array<[string, string]> = [];
  for (const s of o.selection) for (const d of s.spec.dependsOn) if (nodes[d] && nodes[s.spec.name]) edges.push([d, s.spec.name]);
  try {
    await new PGraph(nodes, edges).run({
      concurrency: o.parallelism ?? 4,
      continue: true,
      run: async (name) => {
        if (reports.has(name)) throw new HeldBack(name); // decided above: held back, so are its dependants
        const sel = byName.get(name)!;
        o.progress?.(`plan ${name}`);
        const r = await terraformPlan(runners.get(name)!, o.config, inits.get(name));
        if (!r.ok) {
          reports.set(name, reportFor(sel, o, { status: r.status, source: 'terraform', error: r.error }));
          throw new HeldBack(name);
        }
        const violations = planViolations(sel.spec, r.changes, r.unrecognized, o.ctx);
        const plan = { changes: r.changes, notes: [], violations };
        if (violations.length > 0) {
          reports.set(name, reportFor(sel, o, { status: 'refused', source: 'terraform', plan }));
          throw new HeldBack(name);
        }
        if (r.changes.length === 0) {
          await settle(sel, reportFor(sel, o, { status: 'no-changes', source: 'terraform', plan }), false);
          return;
        }
        o.progress?.(`apply ${name}`);
        const applied = await runners.get(name)!.apply();
        if (!applied.ok) {
          await settle(sel, reportFor(sel, o, { ...stepError(applied, o.config), source: 'terraform', plan }), true);
          throw new HeldBack(name);
        }
        await settle(sel, reportFor(sel, o, { status: 'applied', source: 'terraform', plan }), true);
      },
    });
  } catch (e) {
    if (!(e instanceof PGraphError)) throw e;
    const unexpected = e.taskErrors.filter((x) => !(x instanceof HeldBack));
    if (unexpected.length > 0) throw unexpected[0];
  }

  // Stacks p-graph skipped: a dependency did not succeed.
  for (const sel of o.selection) {
    if (reports.has(sel.spec.name)) continue;
    const blockedBy = sel.spec.dependsOn.filter((d) => selected.has(d) && !SUCCESS.includes(reports.get(d)?.status ?? 'blocked'));
    reports.set(sel.spec.name, reportFor(sel, o, { status: 'blocked', source: 'none', blockedBy }));
  }

  const stacks = o.selection.map((s) => reports.get(s.spec.name)!);
  const report = runReport(o, { command: 'apply', mode: 'terraform', terraformVersion: o.terraformVersion, stacks });
  return { report, recordErrors };
}
