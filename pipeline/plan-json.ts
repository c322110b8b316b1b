import { z } from 'zod';
import { changedAttributePaths, unknownPaths } from './attribute-diff';
import { classifyActions, formatPath, makeChange, ResourceChange, sortChanges } from './changes';

/**
 * Reads the document `terraform show -json <planfile>` prints (format 1.x; OpenTofu writes the
 * same format) into ResourceChanges. Only what the pipeline needs is checked; unknown fields
 * are kept out of the way, not rejected, because Terraform adds fields within a major format.
 * @see https://developer.hashicorp.com/terraform/internals/json-format
 */
const CHANGE = z.object({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.object({ id: z.string().optional() }).passthrough().nullable().optional(),
});

const RESOURCE_CHANGE = z.object({
  address: z.string(),
  mode: z.string(),
  type: z.string(),
  change: CHANGE,
});

const PLAN = z.object({
  format_version: z.string().regex(/^1\./, { message: 'format_version 1.x' }),
  terraform_version: z.string().optional(),
  errored: z.boolean().optional(),
  resource_changes: z.array(RESOURCE_CHANGE).optional(),
  /** What refresh found changed outside Terraform (drift), same shape as resource_changes. */
  resource_drift: z.array(RESOURCE_CHANGE).optional(),
});

export interface ParsedPlan {
  readonly terraformVersion?: string;
  /** Every managed resource that changes (no-ops and reads left out), destructive first. */
  readonly changes: ReadonlyArray<ResourceChange>;
  /** Resources whose action list this code does not know: the plan cannot be judged for them. */
  readonly unrecognized: ReadonlyArray<{ readonly address: string; readonly type: string; readonly actions: ReadonlyArray<string> }>;
  /** Managed resources refresh found changed (updated or deleted) outside Terraform. */
  readonly drift: ReadonlyArray<ResourceChange>;
}

export class PlanJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanJsonError';
  }
}

export function parsePlanJson(text: string): ParsedPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PlanJsonError(`plan JSON is not JSON: ${(e as Error).message}`);
  }
  const parsed = PLAN.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanJsonError(`not a Terraform plan document (terraform show -json): ${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  const plan = parsed.data;
  if (plan.errored) throw new PlanJsonError('Terraform marked the plan as errored ("errored": true); it is incomplete');
  const unrecognized: Array<{ address: string; type: string; actions: string[] }> = [];
  const changes = toChanges(plan.resource_changes ?? [], unrecognized);
  const drift = toChanges(plan.resource_drift ?? [], unrecognized);
  return { terraformVersion: plan.terraform_version, changes: sortChanges(changes), unrecognized, drift: sortChanges(drift) };
}

function toChanges(entries: ReadonlyArray<z.output<typeof RESOURCE_CHANGE>>, unrecognized: Array<{ address: string; type: string; actions: string[] }>): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const rc of entries) {
    if (rc.mode !== 'managed') continue;
    const importing = rc.change.importing !== undefined && rc.change.importing !== null;
    const action = classifyActions(rc.change.actions, importing);
    if (action === undefined) {
      unrecognized.push({ address: rc.address, type: rc.type, actions: rc.change.actions });
      continue;
    }
    if (action === null) continue;
    const changedAttributes =
      action === 'update' || action === 'replace'
        ? [...new Set([...changedAttributePaths(rc.change.before, rc.change.after), ...unknownPaths(rc.change.after_unknown)])].filter((p) => p !== '').sort()
        : undefined;
    const replacedBecause = rc.change.replace_paths?.map(formatPath).sort();
    changes.push(
      makeChange({
        address: rc.address,
        type: rc.type,
        action,
        actions: rc.change.actions,
        ...(changedAttributes && changedAttributes.length > 0 ? { changedAttributes } : {}),
        ...(replacedBecause && replacedBecause.length > 0 ? { replacedBecause } : {}),
        ...(importing ? { importing: true } : {}),
      }),
    );
  }
  return changes;
}
