import { z } from 'zod';
import { checkDocument, DocumentError, parseJson } from '../format/json-document';
import { attributeChanges, changedAttributePaths, unknownPaths, VALUE_CHANGES_PER_RESOURCE } from './attribute-diff';
import { classifyActions, formatPath, makeChange, ResourceChange, sortChanges } from './changes';

/**
 * Reads the document `terraform show -json <planfile>` prints (format 1.x, Terraform 1.1 and
 * later; OpenTofu writes the same format) into ResourceChanges. Fields the pipeline reads are
 * checked at the door (format/json-document.ts); fields Terraform adds within a major format
 * are left out of the way. What the reader reads but does not understand fails closed: a
 * resource change whose `mode` is neither `managed` nor `data`, or whose action list is unknown,
 * is returned in `unrecognized`, which the `unrecognized-plan` guard turns into a violation.
 * @see https://developer.hashicorp.com/terraform/internals/json-format
 */
const CHANGE = z.object({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.object({ id: z.string().optional() }).loose().nullable().optional(),
});

const RESOURCE_CHANGE = z.object({
  address: z.string().min(1),
  module_address: z.string().optional(),
  mode: z.string(),
  type: z.string().min(1),
  change: CHANGE,
});

/** The plan format the reader knows (major version 1). */
const PLAN = z.object({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  errored: z.boolean().optional(),
  resource_changes: z.array(RESOURCE_CHANGE).optional(),
  /** What refresh found changed outside Terraform (drift), same shape as resource_changes. */
  resource_drift: z.array(RESOURCE_CHANGE).optional(),
});

export interface UnrecognizedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: ReadonlyArray<string>;
  /** Why the reader cannot judge it. */
  readonly reason: string;
}

export interface ParsedPlan {
  readonly terraformVersion?: string;
  /** Every managed resource that changes (no-ops and reads left out), destructive first. */
  readonly changes: ReadonlyArray<ResourceChange>;
  /** Resource changes this code cannot judge (unknown mode or action list): the plan fails for them. */
  readonly unrecognized: ReadonlyArray<UnrecognizedChange>;
  /** Managed resources refresh found changed (updated or deleted) outside Terraform. */
  readonly drift: ReadonlyArray<ResourceChange>;
}

export class PlanJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanJsonError';
  }
}

const EXPECTED = 'a Terraform plan document (terraform show -json <planfile>, format 1.x)';

/**
 * Checks a plan's `format_version` explicitly: 1.x is read; older formats (Terraform before
 * 1.1 wrote 0.x) and newer major versions are refused, naming the version found.
 */
export function checkPlanFormat(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m) return `format_version ${JSON.stringify(version)} is not a version number (major.minor); expected 1.x`;
  if (m[1] === '1') return undefined;
  if (Number(m[1]) < 1) return `format_version ${version} is older than 1.0: it was written by Terraform before 1.1; plan with Terraform 1.1 or later (or OpenTofu), which writes format 1.x`;
  return `format_version ${version} is newer than this reader, which knows 1.x; update the landing zone's plan reader (pipeline/plan-json.ts)`;
}

/** Parses `text`; `name` says where it came from in messages (e.g. the stack's show -json). */
export function parsePlanJson(text: string, name = 'plan JSON'): ParsedPlan {
  let raw: unknown;
  try {
    raw = parseJson(text, name, EXPECTED);
  } catch (e) {
    if (e instanceof DocumentError) throw new PlanJsonError(`not a usable Terraform plan document: ${e.message}`);
    throw e;
  }
  return parsePlanDocument(raw, { name });
}

export interface PlanReadOptions {
  /** Where the document came from, for messages. @default 'plan JSON' */
  readonly name?: string;
  /**
   * Only the resources of this module call (e.g. `module.tenant-acme`), with addresses relative to
   * it: the plan of a generated root that holds several stacks as child modules, read per stack.
   */
  readonly module?: string;
}

/** parsePlanJson for a document already parsed (a multi-stack plan is parsed once, read per module). */
export function parsePlanDocument(document: unknown, options: PlanReadOptions = {}): ParsedPlan {
  const name = options.name ?? 'plan JSON';
  let plan: z.infer<typeof PLAN>;
  try {
    plan = checkDocument(document, name, { expected: EXPECTED, schema: PLAN });
  } catch (e) {
    if (e instanceof DocumentError) throw new PlanJsonError(`not a usable Terraform plan document: ${e.message}`);
    throw e;
  }
  const version = checkPlanFormat(plan.format_version);
  if (version) throw new PlanJsonError(`${name}: at $.format_version: ${version}`);
  if (plan.errored) throw new PlanJsonError(`${name}: Terraform marked the plan as errored ("errored": true); it is incomplete`);
  const unrecognized: UnrecognizedChange[] = [];
  const changes = toChanges(plan.resource_changes ?? [], 'resource_changes', options.module, unrecognized);
  // Refresh found these changed outside Terraform (drift); read with the same rules.
  const drift = toChanges(plan.resource_drift ?? [], 'resource_drift', options.module, unrecognized);
  return { terraformVersion: plan.terraform_version, changes: sortChanges(changes), unrecognized, drift: sortChanges(drift) };
}

/** The changes of one list of a plan (`resource_changes` or `resource_drift`), of one module call when `mod` is given. */
function toChanges(entries: ReadonlyArray<z.output<typeof RESOURCE_CHANGE>>, list: string, mod: string | undefined, unrecognized: UnrecognizedChange[]): ResourceChange[] {
  const inModule = (rc: { module_address?: string }) => mod === undefined || (rc.module_address !== undefined && (rc.module_address === mod || rc.module_address.startsWith(`${mod}.`)));
  const changes: ResourceChange[] = [];
  entries.forEach((rc, i) => {
    if (!inModule(rc)) return;
    const { type, change } = rc;
    const address = mod === undefined ? rc.address : rc.address.slice(mod.length + 1);
    if (rc.mode === 'data') return;
    if (rc.mode !== 'managed') {
      unrecognized.push({ address, type, actions: change.actions, reason: `at $.${list}[${i}].mode: ${JSON.stringify(rc.mode.slice(0, 40))} is neither "managed" nor "data"` });
      return;
    }
    const importing = change.importing !== undefined && change.importing !== null;
    const action = classifyActions(change.actions, importing);
    if (action === undefined) {
      unrecognized.push({ address, type, actions: change.actions, reason: `at $.${list}[${i}].change.actions: unknown action list` });
      return;
    }
    if (action === null) return;
    const updates = action === 'update' || action === 'replace';
    const changedAttributes = updates ? [...new Set([...changedAttributePaths(change.before, change.after), ...unknownPaths(change.after_unknown)])].filter((p) => p !== '').sort() : undefined;
    const valueChanges = updates ? attributeChanges(change.before, change.after, { beforeSensitive: change.before_sensitive, afterSensitive: change.after_sensitive, afterUnknown: change.after_unknown }).slice(0, VALUE_CHANGES_PER_RESOURCE) : undefined;
    const replacedBecause = change.replace_paths?.map(formatPath).sort();
    changes.push(
      makeChange({
        address,
        type,
        action,
        actions: change.actions,
        ...(changedAttributes && changedAttributes.length > 0 ? { changedAttributes } : {}),
        ...(valueChanges && valueChanges.length > 0 ? { valueChanges } : {}),
        ...(replacedBecause && replacedBecause.length > 0 ? { replacedBecause } : {}),
        ...(importing ? { importing: true } : {}),
      }),
    );
  });
  return changes;
}

