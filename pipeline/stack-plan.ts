import * as path from 'path';
import { stateLocation, StackSpec } from '../model/inventory';
import { moveSteps } from '../model/migration';
import { LandingZoneSettings } from '../model/schema/settings';
import { accountOu } from './account-placement';
import { StackChange } from './affected';
import { ResourceChange } from './changes';
import { approvalRequirement, checkApprovers, checkDataDestruction, checkUnrecognized, GuardContext, GuardViolation } from './guards';
import { offlineStackPlan } from './offline-plan';
import { parsePlanJson, PlanJsonError } from './plan-json';
import { PipelineReport, StackError, StackReport, stackReport, StackStatus } from './report';
import { loadStackConfig } from './stack-config';
import { stackFile } from './synthesis-index';
import { providerSignature, StackTerraform, StepOutcome, TerraformConfig } from './terraform';
import { Syntheses } from './workspace';

/** The building blocks plan and apply share: one stack's plan, offline or by Terraform. */
export interface SelectedStack {
  readonly spec: StackSpec;
  readonly change: StackChange | 'unchanged';
  /** Why it was selected, when that is more than its change (an apply from the recorded markers). */
  readonly reason?: string;
}

export interface StackPlan {
  readonly changes: ReadonlyArray<ResourceChange>;
  readonly notes: ReadonlyArray<string>;
  readonly violations: ReadonlyArray<GuardViolation>;
}

export interface StackContext {
  readonly syntheses: Syntheses;
  readonly ctx: GuardContext;
  readonly settings: LandingZoneSettings;
}

export function offlinePlanOf(name: string, syntheses: Syntheses): { changes: ReadonlyArray<ResourceChange>; notes: ReadonlyArray<string> } {
  const b = syntheses.base.stacks.get(name);
  const h = syntheses.head.stacks.get(name);
  return offlineStackPlan(b ? loadStackConfig(stackFile(b, syntheses.base)).json : undefined, h ? loadStackConfig(stackFile(h, syntheses.head)).json : undefined);
}

/** Guards that judge a plan: data destruction and unreadable actions. */
export function planViolations(spec: StackSpec, changes: ReadonlyArray<ResourceChange>, unrecognized: Parameters<typeof checkUnrecognized>[1], ctx: GuardContext): GuardViolation[] {
  return [...checkDataDestruction(spec, changes, ctx), ...checkUnrecognized(spec, unrecognized)];
}

/** A stack's report entry; the approval requirement is attached when the stack changes. */
export function reportFor(sel: SelectedStack, sc: StackContext, fields: { status: StackStatus; source: StackReport['source']; sourceNote?: string; plan?: StackPlan; error?: StackError; blockedBy?: ReadonlyArray<string>; extraViolations?: ReadonlyArray<GuardViolation> }): StackReport {
  const { spec } = sel;
  const approval = approvalRequirement(spec, sc.ctx);
  const changed = fields.status !== 'no-changes' && fields.status !== 'removed';
  const violations = [...(fields.plan?.violations ?? []), ...(fields.extraViolations ?? []), ...(changed ? checkApprovers(spec, sc.ctx) : [])];
  const placement = placementChange(spec, sc.syntheses);
  return stackReport({
    stack: spec.name,
    kind: spec.kind,
    ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
    ...(spec.tier ? { tier: spec.tier } : {}),
    wave: spec.wave,
    change: sel.change,
    ...(sel.reason ? { reason: sel.reason } : {}),
    status: fields.status,
    source: fields.source,
    ...(fields.sourceNote ? { sourceNote: fields.sourceNote } : {}),
    changes: fields.plan?.changes ?? [],
    notes: fields.plan?.notes ?? [],
    violations: dedupeViolations(violations),
    ...(approval && changed ? { approval } : {}),
    ...(fields.error ? { error: fields.error } : {}),
    ...(fields.blockedBy ? { blockedBy: fields.blockedBy } : {}),
    state: stateLocation(sc.settings, spec),
    ...placement,
    ...migrationOf(spec, sc, changed),
  });
}

/** A tier move between base and head, and for an account stack the OU its account moves between. */
function placementChange(spec: StackSpec, syntheses: Syntheses): Pick<StackReport, 'previousTier' | 'ouMove'> {
  const base = syntheses.base.stacks.get(spec.name);
  const head = syntheses.head.stacks.get(spec.name);
  if (!base || !head) return {};
  const previousTier = base.spec.tier !== spec.tier ? base.spec.tier : undefined;
  let ouMove: StackReport['ouMove'];
  // Equal fingerprints, equal configuration: no move to look for (and a sparse synthesis did not write it).
  if (spec.kind === 'account' && !(base.fingerprint !== undefined && base.fingerprint === head.fingerprint)) {
    const from = accountOu(loadStackConfig(stackFile(base, syntheses.base)).json);
    const to = accountOu(loadStackConfig(stackFile(head, syntheses.head)).json);
    if (from !== undefined && to !== undefined && from !== to) ouMove = { from, to };
  }
  return { ...(previousTier ? { previousTier } : {}), ...(ouMove ? { ouMove } : {}) };
}

/** The move `lz migrate` works on after this tenant stack is applied: recorded, and its old copy not yet acknowledged for deletion. */
function migrationOf(spec: StackSpec, sc: StackContext, changed: boolean): Pick<StackReport, 'migration'> {
  const move = spec.kind === 'tenant' && spec.tenantId ? sc.ctx.tenants.get(spec.tenantId)?.move : undefined;
  if (!move || move.cleanupAcknowledged || !changed) return {};
  return { migration: { move: move.id, kind: move.kind, steps: moveSteps(move) } };
}

function dedupeViolations(list: GuardViolation[]): GuardViolation[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const k = `${v.rule}|${v.address ?? ''}|${v.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function removedReport(sel: SelectedStack, sc: StackContext): StackReport {
  return reportFor(sel, sc, { status: 'removed', source: 'none' });
}

export function runnerFor(cfg: TerraformConfig, sc: StackContext, name: string): StackTerraform {
  const h = sc.syntheses.head.stacks.get(name);
  if (!h) throw new Error(`stack ${name} is not in the head synthesis`);
  return new StackTerraform(cfg, path.dirname(stackFile(h, sc.syntheses.head)), path.join(sc.syntheses.workDir, 'terraform', name));
}

export function stepError(outcome: StepOutcome, cfg: TerraformConfig): { status: 'failed' | 'timed-out'; error: StackError } {
  const r = outcome.result;
  const bin = path.basename(cfg.binary);
  if (r.timedOut) {
    return {
      status: 'timed-out',
      error: { phase: outcome.step, message: `the stack's time limit of ${Math.round(cfg.timeoutMs / 1000)} s was reached during ${bin} ${outcome.step}; it was interrupted (SIGINT, then SIGKILL after ${Math.round(cfg.killGraceMs / 1000)} s)`, output: r.output },
    };
  }
  if (r.startError) return { status: 'failed', error: { phase: outcome.step, message: `could not start ${cfg.binary}: ${r.startError}` } };
  return { status: 'failed', error: { phase: outcome.step, message: `${bin} ${outcome.step} exited with ${r.code ?? 'a signal'}`, ...(r.code !== null ? { exitCode: r.code } : {}), output: r.output } };
}

export type TerraformPlanOutcome =
  | {
      readonly ok: true;
      readonly changes: ReadonlyArray<ResourceChange>;
      readonly unrecognized: ReturnType<typeof parsePlanJson>['unrecognized'];
      /** Resources refresh found changed outside Terraform. */
      readonly drift: ReadonlyArray<ResourceChange>;
      /** With `detailedExitcode`: Terraform said the plan has changes (exit 2). */
      readonly differs?: boolean;
    }
  | { readonly ok: false; readonly status: 'failed' | 'timed-out'; readonly error: StackError };

/** init (unless done), plan -out (with `-detailed-exitcode` if asked), show -json, parse. */
export async function terraformPlan(tf: StackTerraform, cfg: TerraformConfig, init: StepOutcome | undefined, opts: { readonly detailedExitcode?: boolean } = {}): Promise<TerraformPlanOutcome> {
  const initOutcome = init ?? (await tf.init());
  if (!initOutcome.ok) return { ok: false, ...stepError(initOutcome, cfg) };
  const plan = await tf.plan(opts);
  if (!plan.ok) return { ok: false, ...stepError(plan, cfg) };
  const show = await tf.show();
  if (!show.ok) return { ok: false, ...stepError(show, cfg) };
  const read = readPlan(show.result.stdout, path.basename(tf.stackDir));
  return read.ok && plan.changes !== undefined ? { ...read, differs: plan.changes } : read;
}

/**
 * The plan document of one stack, read fail-closed: whatever goes wrong reading it (a document
 * the reader refuses, or a defect of the reader) fails this stack, never the run.
 */
export function readPlan(text: string, stack: string): TerraformPlanOutcome {
  try {
    const parsed = parsePlanJson(text, `terraform show -json of stack ${stack}`);
    return { ok: true, changes: parsed.changes, unrecognized: parsed.unrecognized, drift: parsed.drift };
  } catch (e) {
    const message = e instanceof PlanJsonError ? e.message : `could not read the plan of stack ${stack}: ${(e as Error)?.message ?? String(e)}`;
    return { ok: false, status: 'failed', error: { phase: 'read-plan', message } };
  }
}

/**
 * Initializes one stack per distinct set of provider requirements, one after the other, before
 * anything runs in parallel: the first init of a provider downloads it into the shared plugin
 * cache, and concurrent downloads into one cache race. The others then only read the cache.
 * A failing init passes the turn to the next stack of its group. Returns the init outcome of
 * every stack that was tried.
 */
export async function warmPluginCache(names: ReadonlyArray<string>, sc: StackContext, runners: ReadonlyMap<string, StackTerraform>, progress?: (line: string) => void): Promise<Map<string, StepOutcome>> {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const sig = providerSignature(stackFile(sc.syntheses.head.stacks.get(name)!, sc.syntheses.head));
    groups.set(sig, [...(groups.get(sig) ?? []), name]);
  }
  const outcomes = new Map<string, StepOutcome>();
  for (const group of groups.values()) {
    for (const name of group) {
      progress?.(`init ${name} (fills the plugin cache)`);
      const o = await runners.get(name)!.init();
      outcomes.set(name, o);
      if (o.ok) break;
    }
  }
  return outcomes;
}

/** A run's report around its stacks: the command, how it planned, the revisions it compared. */
export function runReport(sc: StackContext, fields: Pick<PipelineReport, 'command' | 'mode' | 'modeReason' | 'terraformVersion' | 'stacks'>): PipelineReport {
  const { baseRevision, headRevision } = sc.syntheses;
  return {
    formatVersion: 1,
    command: fields.command,
    mode: fields.mode,
    ...(fields.modeReason ? { modeReason: fields.modeReason } : {}),
    ...(fields.terraformVersion ? { terraformVersion: fields.terraformVersion } : {}),
    base: { ref: baseRevision.ref, commit: baseRevision.commit },
    head: { ...(headRevision.commit ? { commit: headRevision.commit } : {}), dirty: headRevision.dirty },
    stacks: fields.stacks,
  };
}
