import { PGraph } from 'p-graph';
import { PipelineReport, StackReport } from './report';
import { reportFor, runnerFor, runReport, SelectedStack, StackContext, terraformPlan, warmPluginCache } from './stack-plan';
import { StackTerraform, TerraformConfig } from './terraform';

/**
 * `lz drift`: every selected stack planned by Terraform as the read-only plan role with
 * `-detailed-exitcode` (0: what is deployed matches the configuration; 2: it does not; 1: the
 * plan failed), reported per stack with what the plan would change to restore the configuration
 * and the resources refresh found changed or deleted outside Terraform. Nothing is applied;
 * the plans take the stacks' state locks (with the lock timeout) like any plan.
 */
export interface DriftRunOptions extends StackContext {
  /** In dependency order. */
  readonly selection: ReadonlyArray<SelectedStack>;
  /** Terraform, with `identityRole` the read-only plan role. */
  readonly config: TerraformConfig;
  readonly terraformVersion?: string;
  /** @default 4 */
  readonly parallelism?: number;
  readonly progress?: (line: string) => void;
}

export async function runDrift(o: DriftRunOptions): Promise<PipelineReport> {
  const reports = new Map<string, StackReport>();
  const runners = new Map<string, StackTerraform>(o.selection.map((s) => [s.spec.name, runnerFor(o.config, o, s.spec.name)]));
  const inits = await warmPluginCache(
    o.selection.map((s) => s.spec.name),
    o,
    runners,
    o.progress,
  );
  const byName = new Map(o.selection.map((s) => [s.spec.name, s]));
  await new PGraph(Object.fromEntries(o.selection.map((s, i) => [s.spec.name, { priority: o.selection.length - i }])), []).run({
    concurrency: o.parallelism ?? 4,
    run: async (name) => {
      const sel = byName.get(name)!;
      o.progress?.(`plan ${name} (drift)`);
      const r = await terraformPlan(runners.get(name)!, o.config, inits.get(name), { detailedExitcode: true });
      if (!r.ok) return void reports.set(name, reportFor(sel, o, { status: r.status, source: 'terraform', error: r.error }));
      const report = reportFor(sel, o, { status: r.differs ? 'drifted' : 'no-changes', source: 'terraform', plan: { changes: r.changes, notes: [], violations: [] } });
      reports.set(name, r.drift.length > 0 ? { ...report, drift: r.drift } : report);
    },
  });
  return runReport(o, { command: 'drift', mode: 'terraform', terraformVersion: o.terraformVersion, stacks: o.selection.map((s) => reports.get(s.spec.name)!) });
}
