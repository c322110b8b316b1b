import { stackFile } from './synthesis-index';
import * as fs from 'fs';
import * as path from 'path';
import { PGraph } from 'p-graph';
import { planLocally } from './local/local-plan';
import { LocalToolchain, shortSource } from './local/toolchain';
import { TerraformJson } from './local/work-copy';
import { PipelineReport, ProviderVersion, RunMode, StackReport } from './report';
import { loadStackConfig } from './stack-config';
import { runReport, SelectedStack, offlinePlanOf, planViolations, removedReport, reportFor, runnerFor, StackContext, terraformPlan, warmPluginCache } from './stack-plan';
import { StackTerraform, TerraformConfig } from './terraform';

/**
 * `lz plan`: the plan of every selected stack, by Terraform (bounded parallelism, one state
 * and one data directory per stack, shared plugin cache, a time limit per stack) or offline
 * (desired-state diff between base and head), judged by the guards.
 */
export type PlanMode =
  | { readonly kind: 'offline'; readonly reason: string }
  | { readonly kind: 'terraform'; readonly config: TerraformConfig; readonly version?: string }
  | { readonly kind: 'terraform-local'; readonly local: LocalPlanSetup };

/** `lz plan --local`: Terraform and the provider from a mirror, no credentials, no network. */
export interface LocalPlanSetup {
  readonly toolchain: LocalToolchain;
  /** Provider schemas are cached here, per version. */
  readonly schemaCacheDir: string;
  /** Time limit of one Terraform command, in ms. */
  readonly timeoutMs: number;
}

export interface PlanRunOptions extends StackContext {
  readonly selection: ReadonlyArray<SelectedStack>;
  readonly mode: PlanMode;
  /** Stacks planned at the same time. @default 4 */
  readonly parallelism?: number;
  readonly progress?: (line: string) => void;
}

export async function runPlan(o: PlanRunOptions): Promise<PipelineReport> {
  if (o.mode.kind === 'terraform-local') return runLocalPlan(o, o.mode.local);
  const reports = new Map<string, StackReport>();
  const viaTerraform: SelectedStack[] = [];
  for (const sel of o.selection) {
    if (sel.change === 'removed') {
      reports.set(sel.spec.name, removedReport(sel, o));
      continue;
    }
    // Terraform cannot plan against a stack that this change creates (e.g. a new tenant
    // account that its tenant stack's provider must assume a role in), nor, as the plan role,
    // a stack that creates that role in its account: plan those offline.
    const newDeps = sel.spec.dependsOn.filter((d) => o.syntheses.head.stacks.has(d) && !o.syntheses.base.stacks.has(d));
    const noPlanRoleYet = o.mode.kind === 'terraform' && o.mode.config.identityRole !== undefined && createsItsPlanRole(sel, o.syntheses, o.mode.config.identityRole);
    if (o.mode.kind === 'terraform' && newDeps.length === 0 && !noPlanRoleYet) {
      viaTerraform.push(sel);
      continue;
    }
    const sourceNote =
      o.mode.kind !== 'terraform'
        ? undefined
        : newDeps.length > 0
          ? `depends on ${newDeps.join(', ')}, new in this change: Terraform can plan it once ${newDeps.length === 1 ? 'that is' : 'those are'} applied`
          : `creates the read-only plan role of its account: Terraform can plan it as ${o.mode.config.identityRole} once it is applied`;
    const plan = offlinePlanOf(sel.spec.name, o.syntheses);
    const violations = planViolations(sel.spec, plan.changes, [], o.ctx);
    const status = plan.changes.length > 0 || plan.notes.length > 0 ? 'planned' : 'no-changes';
    reports.set(sel.spec.name, reportFor(sel, o, { status, source: 'offline', ...(sourceNote ? { sourceNote } : {}), plan: { ...plan, violations } }));
  }

  if (o.mode.kind === 'terraform' && viaTerraform.length > 0) {
    const cfg = o.mode.config;
    const runners = new Map<string, StackTerraform>(viaTerraform.map((s) => [s.spec.name, runnerFor(cfg, o, s.spec.name)]));
    const inits = await warmPluginCache(
      viaTerraform.map((s) => s.spec.name),
      o,
      runners,
      o.progress,
    );
    const byName = new Map(viaTerraform.map((s) => [s.spec.name, s]));
    // Priorities make the pool start stacks in dependency order.
    await new PGraph(Object.fromEntries(viaTerraform.map((s, i) => [s.spec.name, { priority: viaTerraform.length - i }])), []).run({
      concurrency: o.parallelism ?? 4,
      run: async (name) => {
        const sel = byName.get(name)!;
        o.progress?.(`plan ${name}`);
        const r = await terraformPlan(runners.get(name)!, cfg, inits.get(name));
        if (!r.ok) {
          reports.set(name, reportFor(sel, o, { status: r.status, source: 'terraform', error: r.error }));
          return;
        }
        const violations = planViolations(sel.spec, r.changes, r.unrecognized, o.ctx);
        reports.set(name, reportFor(sel, o, { status: r.changes.length > 0 || r.unrecognized.length > 0 ? 'planned' : 'no-changes', source: 'terraform', plan: { changes: r.changes, notes: [], violations } }));
      },
    });
  }

  const stacks = o.selection.map((s) => reports.get(s.spec.name)!);
  return runReport(o, {
    command: 'plan',
    mode: runMode(o.mode.kind as 'offline' | 'terraform', stacks),
    ...(o.mode.kind === 'offline' ? { modeReason: o.mode.reason } : {}),
    ...(o.mode.kind === 'terraform' && o.mode.version ? { terraformVersion: o.mode.version } : {}),
    stacks,
  });
}

/**
 * A tenant stack creates the plan role of its tenant account; when its base configuration did
 * not (a new tenant, a move up from L1, the first change after the plan roles were introduced),
 * the role cannot be assumed there before this stack is applied.
 */
function createsItsPlanRole(sel: SelectedStack, syntheses: StackContext['syntheses'], role: string): boolean {
  if (sel.spec.target !== 'tenant') return false;
  const declares = (file: string | undefined) => {
    if (!file) return false;
    const roles = (loadStackConfig(file).json.resource as Record<string, Record<string, { name?: unknown }>> | undefined)?.aws_iam_role ?? {};
    return Object.values(roles).some((r) => r.name === role);
  };
  return declares(syntheses.head.stacks.get(sel.spec.name)?.file) && !declares(syntheses.base.stacks.get(sel.spec.name)?.file);
}

export function runMode(kind: 'offline' | 'terraform', stacks: ReadonlyArray<StackReport>): RunMode {
  if (kind === 'offline') return 'offline';
  return stacks.some((s) => s.source === 'offline') ? 'mixed' : 'terraform';
}

/**
 * The local plan of the selected stacks (pipeline/local/local-plan.ts): every stack that is not
 * removed is planned by Terraform in one batch; reports and guards read its plan as they read a
 * plan made with credentials.
 */
async function runLocalPlan(o: PlanRunOptions, setup: LocalPlanSetup): Promise<PipelineReport> {
  const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson;
  const planned = o.selection.filter((s) => s.change !== 'removed');
  // A remote state data source reads the stack with that state key: as it is at the base
  // revision (what is applied), or as the head has it when the stack is new.
  const byStateKey = new Map<string, string>();
  for (const s of [...o.syntheses.head.stacks.values(), ...o.syntheses.base.stacks.values()]) if (s.file !== undefined) byStateKey.set(s.spec.stateKey, s.file);
  const result = await planLocally({
    toolchain: setup.toolchain,
    stacks: planned.map((s) => {
      const b = o.syntheses.base.stacks.get(s.spec.name);
      return { name: s.spec.name, ...(b ? { base: readJson(stackFile(b, o.syntheses.base)) } : {}), head: readJson(stackFile(o.syntheses.head.stacks.get(s.spec.name)!, o.syntheses.head)) };
    }),
    remoteState: (block) => {
      const key = (block.config as { key?: unknown } | undefined)?.key;
      const file = typeof key === 'string' ? byStateKey.get(key) : undefined;
      if (!file) return undefined;
      const spec = [...o.syntheses.base.stacks.values(), ...o.syntheses.head.stacks.values()].find((x) => x.file === file)!.spec;
      return { stack: spec.name, json: readJson(file) };
    },
    workDir: path.join(o.syntheses.workDir, 'terraform-local-plan'),
    schemaCacheDir: setup.schemaCacheDir,
    timeoutMs: setup.timeoutMs,
    progress: o.progress,
  });
  const stacks = o.selection.map((sel) => {
    if (sel.change === 'removed') return removedReport(sel, o);
    const r = result.stacks.get(sel.spec.name)!;
    if (!r.ok) return reportFor(sel, o, { status: 'failed', source: 'terraform-local', error: r.error, plan: { changes: [], notes: r.notes, violations: [] } });
    const violations = planViolations(sel.spec, r.changes, r.unrecognized, o.ctx);
    return reportFor(sel, o, { status: r.changes.length > 0 || r.unrecognized.length > 0 ? 'planned' : 'no-changes', source: 'terraform-local', plan: { changes: r.changes, notes: r.notes, violations } });
  });
  const providers: ProviderVersion[] = result.providers.map((p) => ({ source: shortSource(p.source), version: p.version, ...(p.relaxed ? { required: p.required } : {}) }));
  return {
    formatVersion: 1,
    command: 'plan',
    mode: 'terraform-local',
    terraformVersion: `terraform ${result.terraformVersion}`,
    providers,
    base: { ref: o.syntheses.baseRevision.ref, commit: o.syntheses.baseRevision.commit },
    head: { ...(o.syntheses.headRevision.commit ? { commit: o.syntheses.headRevision.commit } : {}), dirty: o.syntheses.headRevision.dirty },
    stacks,
  };
}
