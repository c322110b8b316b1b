import * as fs from 'fs';
import * as path from 'path';
import { ResourceChange } from '../changes';
import { parsePlanDocument, ParsedPlan, PlanJsonError } from '../plan-json';
import { StackError } from '../report';
import { BatchMember, LocatedDiagnostic, locateDiagnostic, moduleNameFor, TerraformDiagnostic, writeBatchRoot, WrittenBatch } from './batch-root';
import { DerivationError, DerivedResource, StackDerivation } from './derive-state';
import { loadProviderSchemas, ProviderSchema } from './provider-schema';
import { chooseProviderVersions, LocalToolchain, ProviderChoice, terraformIn } from './toolchain';
import { makeWorkCopy, requiredProvidersOf, TerraformJson, WorkCopyError } from './work-copy';

/**
 * The local plan: real Terraform and the real provider plan each stack with no credentials and no
 * network, against a prior state derived from the base revision, so that the provider itself
 * decides update versus replace.
 *
 * For a batch of stacks, in one generated root each (see batch-root.ts):
 *  1. Remote state: each `terraform_remote_state` reads a stand-in state file holding the outputs
 *     of the stack whose state key it names, derived from that stack's base configuration (its
 *     head configuration when the stack is new).
 *  2. Prior state: the base configuration of each stack, derived (derive-state.ts) and then
 *     normalized: Terraform plans the base configuration against it (`-refresh=false`) and the
 *     planned values replace the derived ones, so that provider defaults, computed tags and
 *     whatever the derivation could not evaluate come from the provider. This repeats (at most
 *     three plans) until the base configuration plans no change. A new stack starts empty.
 *  3. The head configuration is planned against that state (`plan -refresh=false -out`,
 *     `show -json`), and each stack's part of the plan is read as its own plan.
 * A stack that makes Terraform fail is reported failed with Terraform's diagnostics, and the
 * rest of its batch is planned again without it.
 */
export interface LocalPlanStack {
  readonly name: string;
  /** Base revision's synthesized configuration; undefined for a stack new in the change. */
  readonly base?: TerraformJson;
  readonly head: TerraformJson;
}

/** The stack whose state a remote state data source reads, with the configuration to derive its outputs from. */
export type RemoteStateResolver = (block: Readonly<Record<string, unknown>>) => { readonly stack: string; readonly json: TerraformJson } | undefined;

export interface LocalPlanOptions {
  readonly toolchain: LocalToolchain;
  readonly stacks: ReadonlyArray<LocalPlanStack>;
  readonly remoteState: RemoteStateResolver;
  readonly workDir: string;
  /** Provider schemas are cached here, per provider version. */
  readonly schemaCacheDir: string;
  /** Time limit of one Terraform command, in ms. @default 30 minutes */
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export type LocalStackOutcome =
  | { readonly ok: true; readonly changes: ReadonlyArray<ResourceChange>; readonly unrecognized: ParsedPlan['unrecognized']; readonly notes: ReadonlyArray<string> }
  | { readonly ok: false; readonly error: StackError; readonly notes: ReadonlyArray<string> };

export interface LocalPlanResult {
  readonly terraformVersion: string;
  readonly providers: ReadonlyArray<ProviderChoice>;
  readonly stacks: ReadonlyMap<string, LocalStackOutcome>;
}

const MAX_NORMALIZATION_PLANS = 3;

type Obj = Record<string, unknown>;

interface StateInstance {
  index_key?: number | string;
  schema_version: number;
  attributes: Obj;
  sensitive_attributes: unknown[];
}

interface StateResource {
  module: string;
  mode: 'managed';
  type: string;
  name: string;
  provider: string;
  instances: StateInstance[];
}

interface Member {
  readonly stack: LocalPlanStack;
  /** Instance key (`type.name` or `type.name[key]`) → attributes the derivation could not evaluate. */
  readonly unresolved: Map<string, Set<string>>;
  readonly module: string;
  readonly notes: string[];
  /** Derived prior state (managed resources), normalized in place. */
  readonly state: StateResource[];
  readonly remoteFiles: Map<string, string>;
  baseData?: Map<string, unknown>;
  headData?: Map<string, unknown>;
}

export class LocalPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalPlanError';
  }
}

export async function planLocally(o: LocalPlanOptions): Promise<LocalPlanResult> {
  const providers = chooseProviderVersions(o.toolchain.mirror, requiredProvidersOf(o.stacks.flatMap((s) => [s.base, s.head])));
  const schemas = o.stacks.length > 0 ? await loadProviderSchemas(o.toolchain, providers.values(), o.schemaCacheDir, o.workDir) : new Map<string, ProviderSchema>();
  const outcomes = new Map<string, LocalStackOutcome>();
  const fail = (m: Member | { stack: LocalPlanStack; notes: string[] }, error: StackError) => outcomes.set(m.stack.name, { ok: false, error, notes: m.notes });

  // Outputs of depended-on stacks, derived once each.
  const outputsCache = new Map<string, Record<string, { value: unknown; type: unknown; sensitive: boolean }>>();
  const remoteDir = path.join(o.workDir, 'remote-state');
  fs.rmSync(remoteDir, { recursive: true, force: true });
  fs.mkdirSync(remoteDir, { recursive: true });
  const standInFor = (block: Obj, notes: string[]): { stack: string; file: string; outputs: Record<string, unknown> } => {
    const dep = o.remoteState(block);
    const cfg = (block.config ?? {}) as Obj;
    if (!dep) throw new LocalPlanError(`its remote state ${String(block.backend)} ${String(cfg.key ?? cfg.path ?? '')} is the state of no stack of this landing zone, so nothing can stand in for it`);
    let outputs = outputsCache.get(dep.stack);
    if (!outputs) {
      const d = new StackDerivation({ stack: dep.stack, json: dep.json, schemas, remoteOutputs: (_n, b) => standInFor(b, notes).outputs });
      outputs = d.outputs();
      notes.push(...d.notes.map((n) => `${dep.stack}: ${n}`));
      outputsCache.set(dep.stack, outputs);
      const file = path.join(remoteDir, `${dep.stack}.tfstate`);
      fs.writeFileSync(file, JSON.stringify(stateDocument(o.toolchain.terraformVersion, `remote-${dep.stack}`, [], outputs), null, 1));
    }
    return { stack: dep.stack, file: path.join(remoteDir, `${dep.stack}.tfstate`), outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) };
  };

  const taken = new Set<string>();
  const members: Member[] = [];
  for (const stack of o.stacks) {
    const m: Member = { stack, module: moduleNameFor(stack.name, taken), notes: [], state: [], remoteFiles: new Map(), unresolved: new Map() };
    try {
      const remoteOutputs = (name: string, block: Obj) => {
        const s = standInFor(block, m.notes);
        m.remoteFiles.set(name, s.file);
        return s.outputs;
      };
      if (stack.base) {
        const d = new StackDerivation({ stack: stack.name, json: stack.base, schemas, remoteOutputs });
        for (const r of d.allResources()) {
          m.state.push(stateResource(m.module, r));
          for (const i of r.instances) if (i.unresolved.length > 0) m.unresolved.set(instanceKey(r.type, r.name, i.indexKey), new Set(i.unresolved));
        }
        m.baseData = d.dataStandIns();
        m.notes.push(...d.notes);
      }
      const h = new StackDerivation({ stack: stack.name, json: stack.head, schemas, remoteOutputs });
      m.headData = h.dataStandIns();
      // Remote state data sources the derivation did not touch still need their stand-in files.
      for (const json of [stack.base, stack.head]) {
        for (const [name, block] of Object.entries(((json?.data as Obj | undefined)?.terraform_remote_state ?? {}) as Record<string, Obj>)) remoteOutputs(name, block);
      }
      seedImports(m, h);
      for (const key of m.headData.keys()) m.notes.push(`data.${key}: not read from AWS; stand-in values derived from its arguments`);
      members.push(m);
    } catch (e) {
      if (e instanceof LocalPlanError || e instanceof DerivationError || e instanceof WorkCopyError) fail(m, { phase: 'plan', message: `local plan: ${e.message}` });
      else throw e;
    }
  }

  const relPath = (dir: string, file: string) => path.relative(dir, file).split(path.sep).join('/');
  const workCopy = (m: Member, json: TerraformJson, dir: string, data: Map<string, unknown> | undefined) =>
    makeWorkCopy(json, { mode: 'plan', providers, remoteStatePath: (name) => relPath(dir, m.remoteFiles.get(name)!), dataStandIns: data });

  // Normalize the derived prior states by planning the base configurations against them.
  let withBase = members.filter((m) => m.stack.base && m.state.length > 0);
  const baseDir = path.join(o.workDir, 'base');
  for (let pass = 1; pass <= MAX_NORMALIZATION_PLANS && withBase.length > 0; pass++) {
    o.progress?.(`derive prior state: plan ${withBase.length} base stack${withBase.length === 1 ? '' : 's'} against it (pass ${pass})`);
    const run = await planBatch(o, baseDir, withBase, 'base', (m) => workCopy(m, m.stack.base!, baseDir, m.baseData), providers, fail, 'deriving the prior state from the base revision');
    withBase = withBase.filter((m) => !outcomes.has(m.stack.name));
    if (!run) break;
    const changed = mergePlannedValues(run.document, withBase);
    fs.writeFileSync(path.join(o.workDir, `normalization-${pass}.json`), JSON.stringify({ settled: changed.settled, reasons: changed.reasons }, null, 1));
    if (changed.settled) break;
    if (pass === MAX_NORMALIZATION_PLANS) {
      for (const m of withBase) {
        const open = changed.addresses.get(m.module);
        if (open?.length) m.notes.push(`the prior state derived from the base revision did not settle for ${open.join(', ')}: the plan may show changes there that the base revision already had`);
      }
    }
  }

  const headMembers = members.filter((m) => !outcomes.has(m.stack.name));
  const headDir = path.join(o.workDir, 'head');
  o.progress?.(`plan ${headMembers.length} stack${headMembers.length === 1 ? '' : 's'} against the derived state`);
  const run = headMembers.length > 0 ? await planBatch(o, headDir, headMembers, 'head', (m) => workCopy(m, m.stack.head, headDir, m.headData), providers, fail, 'planning the head revision') : undefined;
  if (run) {
    for (const m of run.members) {
      try {
        const parsed = parsePlanDocument(run.document, { module: `module.${m.module}` });
        outcomes.set(m.stack.name, { ok: true, changes: parsed.changes, unrecognized: parsed.unrecognized, notes: m.notes });
      } catch (e) {
        if (!(e instanceof PlanJsonError)) throw e;
        fail(m, { phase: 'read-plan', message: e.message });
      }
    }
  }
  return { terraformVersion: o.toolchain.terraformVersion, providers: [...providers.values()], stacks: new Map(o.stacks.map((s) => [s.name, outcomes.get(s.name)!])) };
}

/** Import targets that the prior state lacks: Terraform would import them from AWS, so they are put into the state as derived from the head configuration. */
function seedImports(m: Member, head: StackDerivation): void {
  const imports = Array.isArray(m.stack.head.import) ? (m.stack.head.import as Obj[]) : [];
  for (const imp of imports) {
    const to = String(imp.to);
    const [type, name] = to.split('.');
    if (m.state.some((r) => r.type === type && r.name === name)) continue;
    const r = head.resource(type, name);
    if (!r) continue;
    m.state.push(stateResource(m.module, r));
    m.notes.push(`${to}: its import of ${JSON.stringify(imp.id)} is not run locally (it reads AWS); planned as if imported as configured`);
  }
}

function instanceKey(type: string, name: string, index: number | string | undefined): string {
  return index === undefined ? `${type}.${name}` : `${type}.${name}[${JSON.stringify(index)}]`;
}

function stateResource(module: string, r: DerivedResource): StateResource {
  return {
    module: `module.${module}`,
    mode: 'managed',
    type: r.type,
    name: r.name,
    provider: `module.${module}.${r.provider}`,
    instances: r.instances.map((i) => ({ ...(i.indexKey === undefined ? {} : { index_key: i.indexKey }), schema_version: r.schemaVersion, attributes: i.attributes, sensitive_attributes: i.sensitivePaths })),
  };
}

function stateDocument(terraformVersion: string, lineage: string, resources: ReadonlyArray<StateResource>, outputs: Record<string, { value: unknown; type: unknown; sensitive: boolean }> = {}): Obj {
  return {
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage,
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v.value, type: v.type, ...(v.sensitive ? { sensitive: true } : {}) }])),
    resources,
    check_results: null,
  };
}

interface BatchRun {
  readonly members: ReadonlyArray<Member>;
  readonly batch: WrittenBatch;
  readonly document: unknown;
}

/**
 * Writes a root with the members, their combined state, plans and shows it. Members that make
 * Terraform fail are reported through `fail` and the plan is run again without them; undefined
 * when nothing is left.
 */
async function planBatch(o: LocalPlanOptions, dir: string, initial: ReadonlyArray<Member>, which: 'base' | 'head', copyOf: (m: Member) => ReturnType<typeof makeWorkCopy>, providers: ReadonlyMap<string, ProviderChoice>, fail: (m: Member, e: StackError) => void, purpose: string): Promise<BatchRun | undefined> {
  let members = [...initial];
  while (members.length > 0) {
    const batchMembers: BatchMember[] = [];
    const ok: Member[] = [];
    for (const m of members) {
      try {
        batchMembers.push({ stack: m.stack.name, module: m.module, source: which === 'base' ? m.stack.base! : m.stack.head, copy: copyOf(m) });
        ok.push(m);
      } catch (e) {
        if (!(e instanceof WorkCopyError)) throw e;
        fail(m, { phase: 'plan', message: `local plan: ${e.message}` });
      }
    }
    members = ok;
    if (members.length === 0) return undefined;
    const batch = writeBatchRoot(dir, batchMembers, { providers, sharedProviders: false });
    fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify(stateDocument(o.toolchain.terraformVersion, 'lz-local-plan', members.flatMap((m) => m.state))));
    const run = terraformIn(o.toolchain, dir, o.timeoutMs);
    const init = await run(['init', '-input=false', '-no-color']);
    if (init.code !== 0) {
      for (const m of members) fail(m, { phase: 'init', message: `terraform init failed while ${purpose}${init.timedOut ? ' (time limit reached)' : ''}`, ...(init.code !== null ? { exitCode: init.code } : {}), output: init.startError ?? init.output });
      return undefined;
    }
    const planFile = path.join(dir, 'plan.tfplan');
    const plan = await run(['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-json', `-out=${planFile}`]);
    if (plan.code !== 0 || plan.timedOut) {
      const located = diagnosticsOf(plan.stdout).filter((d) => d.severity === 'error').map((d) => locateDiagnostic(batch, d));
      const culprits = new Set(located.map((d) => d.stack).filter((s): s is string => s !== undefined));
      const unattributed = located.filter((d) => !d.stack);
      if (culprits.size === 0 || unattributed.length > 0 || plan.timedOut) {
        const why = plan.timedOut ? 'the time limit was reached' : unattributed.length > 0 ? formatDiagnostics(unattributed) : plan.output;
        for (const m of members) fail(m, { phase: 'plan', message: `terraform plan failed while ${purpose}`, ...(plan.code !== null ? { exitCode: plan.code } : {}), output: why });
        return undefined;
      }
      for (const m of members.filter((x) => culprits.has(x.stack.name))) {
        fail(m, { phase: 'plan', message: `terraform plan failed while ${purpose}`, ...(plan.code !== null ? { exitCode: plan.code } : {}), output: formatDiagnostics(located.filter((d) => d.stack === m.stack.name)) });
      }
      members = members.filter((x) => !culprits.has(x.stack.name));
      continue;
    }
    const show = await run(['show', '-json', '-no-color', planFile]);
    let document: unknown;
    try {
      document = JSON.parse(show.stdout);
    } catch {
      for (const m of members) fail(m, { phase: 'show', message: `terraform show -json printed no plan document while ${purpose}`, ...(show.code !== null ? { exitCode: show.code } : {}), output: show.startError ?? show.output });
      return undefined;
    }
    return { members, batch, document };
  }
  return undefined;
}

function diagnosticsOf(jsonLines: string): TerraformDiagnostic[] {
  const out: TerraformDiagnostic[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const msg = JSON.parse(line) as { type?: string; diagnostic?: TerraformDiagnostic };
      if (msg.type === 'diagnostic' && msg.diagnostic) out.push(msg.diagnostic);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

export function formatDiagnostics(list: ReadonlyArray<LocatedDiagnostic>): string {
  return list
    .map((d) => `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.address ? `${d.address}${d.constructPath ? ` (construct ${d.constructPath})` : ''}: ` : ''}${d.summary}${d.detail ? `\n  ${d.detail.replace(/\n/g, '\n  ')}` : ''}`)
    .join('\n');
}

/**
 * Puts the values Terraform planned for the base configuration into the derived state. Unknown
 * values ("known after apply") keep the derived stand-ins. `settled` when the plan changed
 * nothing, or changed only known values (the next plan would change nothing).
 */
function mergePlannedValues(document: unknown, members: ReadonlyArray<Member>): { settled: boolean; addresses: Map<string, string[]>; reasons: string[] } {
  const changes = ((document as { resource_changes?: unknown[] }).resource_changes ?? []) as Array<{
    module_address?: string;
    mode: string;
    type: string;
    name: string;
    index?: number | string;
    address: string;
    change: { actions: string[]; after?: unknown; after_unknown?: unknown; replace_paths?: unknown[] };
  }>;
  const byModule = new Map(members.map((m) => [`module.${m.module}`, m]));
  let settled = true;
  const addresses = new Map<string, string[]>();
  const reasons: string[] = [];
  for (const rc of changes) {
    if (rc.mode !== 'managed' || !rc.module_address) continue;
    const actions = rc.change.actions.join(',');
    if (actions === 'no-op' || actions === 'read') continue;
    const m = byModule.get(rc.module_address);
    if (!m) continue;
    const local = rc.address.slice(rc.module_address.length + 1);
    const resource = m.state.find((r) => r.type === rc.type && r.name === rc.name);
    const instance = resource?.instances.find((i) => i.index_key === rc.index);
    if (!instance || (actions !== 'update' && actions !== 'delete,create' && actions !== 'create,delete')) {
      settled = false;
      addresses.set(m.module, [...(addresses.get(m.module) ?? []), local]);
      reasons.push(`${rc.address}: ${actions}${instance ? '' : ' (not in the derived state)'}`);
      continue;
    }
    // Values still unknown are either computed by the cloud (the derived stand-in stays, and a
    // replacement caused by a default the derivation did not know is settled by the merge) or
    // configured values this code could not evaluate: only those need another plan.
    const unresolved = m.unresolved.get(instanceKey(rc.type, rc.name, rc.index)) ?? new Set<string>();
    const unknownTop = Object.entries((rc.change.after_unknown ?? {}) as Obj).filter(([, u]) => hasUnknown(u)).map(([k]) => k);
    const open = unknownTop.filter((k) => unresolved.has(k));
    for (const k of unresolved) if (!unknownTop.includes(k)) unresolved.delete(k);
    if (open.length > 0) {
      settled = false;
      addresses.set(m.module, [...(addresses.get(m.module) ?? []), local]);
      reasons.push(`${rc.address}: ${actions}${rc.change.replace_paths ? ` because of ${JSON.stringify(rc.change.replace_paths)}` : ''}, still unknown: ${open.join(', ')}`);
    }
    instance.attributes = merged(rc.change.after, rc.change.after_unknown, instance.attributes) as Obj;
  }
  return { settled, addresses, reasons };
}

function hasUnknown(u: unknown): boolean {
  if (u === true) return true;
  if (Array.isArray(u)) return u.some(hasUnknown);
  if (u !== null && typeof u === 'object') return Object.values(u as Obj).some(hasUnknown);
  return false;
}

function merged(after: unknown, unknown: unknown, prior: unknown): unknown {
  if (unknown === true) return prior ?? null;
  if (Array.isArray(after)) return after.map((v, i) => merged(v, Array.isArray(unknown) ? unknown[i] : undefined, Array.isArray(prior) ? prior[i] : undefined));
  if (after !== null && typeof after === 'object') {
    const u = (unknown ?? {}) as Obj;
    const p = (prior ?? {}) as Obj;
    const keys = new Set([...Object.keys(after as Obj), ...Object.keys(u).filter((k) => u[k] !== false)]);
    return Object.fromEntries([...keys].map((k) => [k, merged((after as Obj)[k] ?? null, u[k], p[k])]));
  }
  if (after === null && unknown !== undefined && unknown !== false && typeof unknown === 'object') return prior ?? null;
  return after ?? null;
}
