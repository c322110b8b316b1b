import { isProtectedResourceType } from '../terraform/protected-resources';

/**
 * What a plan would do to one resource, whether it comes from Terraform's plan JSON or from
 * the offline diff of the desired configuration. Everything downstream (guards, reports)
 * reads only this shape.
 */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'import' | 'forget';

/** Order in reports: the destructive actions first. */
export const CHANGE_ACTIONS: ReadonlyArray<ChangeAction> = ['delete', 'replace', 'update', 'create', 'import', 'forget'];

export interface ResourceChange {
  /** Resource address, e.g. `aws_dynamodb_table.items_table_DFBE72E0` or `module.x.aws_s3_bucket.b[0]`. */
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** Terraform's action list (e.g. `["delete","create"]`); the offline plan derives the same. */
  readonly actions: ReadonlyArray<string>;
  /** Whether the type is in PROTECTED_RESOURCE_TYPES (model/data-bearing.ts). */
  readonly dataBearing: boolean;
  /** Attribute paths that change (updates and replacements), sorted, e.g. `tags.Owner`, `rule[0].id`. */
  readonly changedAttributes?: ReadonlyArray<string>;
  /**
   * Old and new values of the changed attributes (updates and replacements; the first
   * VALUE_CHANGES_PER_RESOURCE paths), as short text, sensitive values masked.
   */
  readonly valueChanges?: ReadonlyArray<AttributeChange>;
  /** The attributes that force a replacement, when known. */
  readonly replacedBecause?: ReadonlyArray<string>;
  /** The resource is imported into state (adopted), not created. */
  readonly importing?: boolean;
}

/** One changed attribute as reports show it: `before` and `after` are display text, never raw values. */
export interface AttributeChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export type ChangeCounts = Record<ChangeAction, number>;

export function emptyCounts(): ChangeCounts {
  return { create: 0, update: 0, replace: 0, delete: 0, import: 0, forget: 0 };
}

export function countChanges(changes: ReadonlyArray<ResourceChange>): ChangeCounts {
  const counts = emptyCounts();
  for (const c of changes) counts[c.action]++;
  return counts;
}

export function addCounts(a: ChangeCounts, b: ChangeCounts): ChangeCounts {
  const out = emptyCounts();
  for (const k of CHANGE_ACTIONS) out[k] = a[k] + b[k];
  return out;
}

export function isDestructive(change: Pick<ResourceChange, 'action'>): boolean {
  return change.action === 'delete' || change.action === 'replace';
}

/**
 * Maps Terraform's action list to one action. `undefined` for an action list this code does
 * not know: callers report it as a plan they could not evaluate, never as a no-op.
 * `no-op` and `read` return `null` (nothing to report).
 * @see https://developer.hashicorp.com/terraform/internals/json-format#change-representation
 */
export function classifyActions(actions: ReadonlyArray<string>, importing: boolean): ChangeAction | null | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
      return importing ? 'import' : null;
    case 'read':
      return null;
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'delete':
      return 'delete';
    case 'forget':
      return 'forget';
    default:
      return undefined;
  }
}

export function makeChange(fields: Omit<ResourceChange, 'dataBearing'>): ResourceChange {
  const out: ResourceChange = { ...fields, dataBearing: isProtectedResourceType(fields.type) };
  return out;
}

/** Deterministic order: destructive first, then by address. */
export function sortChanges(changes: ReadonlyArray<ResourceChange>): ResourceChange[] {
  const rank = (a: ChangeAction) => CHANGE_ACTIONS.indexOf(a);
  return [...changes].sort((a, b) => rank(a.action) - rank(b.action) || compareStrings(a.address, b.address));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a.b[0].c` from a microdiff-style path. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
