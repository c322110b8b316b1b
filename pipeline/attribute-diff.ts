import diff from 'microdiff';
import { embeddedJson } from '../format/json-document';
import { compactStableJson } from '../format/stable-json';
import { AttributeChange, formatPath } from './changes';

/**
 * The attribute paths in which two resource configurations (or two plan values) differ,
 * sorted and without duplicates, e.g. `["tags.Owner", "ttl[0].enabled"]`. The values are
 * bounded in depth at the door (format/json-document.ts), which keeps microdiff's recursion safe.
 */
export function changedAttributePaths(before: unknown, after: unknown): string[] {
  return [...new Set(differences(before, after).map((d) => formatPath(d.path)))].sort();
}

type Difference = { path: Array<string | number>; oldValue?: unknown; value?: unknown };

function differences(before: unknown, after: unknown): Difference[] {
  const b = asContainer(before);
  const a = asContainer(after);
  if (b === undefined || a === undefined) return before === after ? [] : [{ path: [], oldValue: before, value: after }];
  return diff(b, a) as Difference[];
}

function asContainer(v: unknown): Record<string, unknown> | unknown[] | undefined {
  if (v === null || v === undefined) return {};
  return typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** Paths whose value is `true` in Terraform's `after_unknown` ("known after apply"). Iterative. */
export function unknownPaths(afterUnknown: unknown): string[] {
  const out: string[] = [];
  const stack: Array<[unknown, Array<string | number>]> = [[afterUnknown, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === true) out.push(formatPath(path));
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return out;
}

/** Attribute names whose values a report never shows, whatever the source says about them. */
const SECRET_NAME = /password|secret|token|private_key|key_material|credential|passphrase/i;

/** Longest value shown for one side of an attribute change, in characters. */
export const VALUE_TEXT_LIMIT = 80;
/** Attribute changes with values kept per resource (the paths are all in changedAttributes). */
export const VALUE_CHANGES_PER_RESOURCE = 12;

export interface ValueMasks {
  /** Terraform's `before_sensitive` / `after_sensitive`: `true` where a value is sensitive. */
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
  /** Terraform's `after_unknown`: `true` where a value is known only after apply. */
  readonly afterUnknown?: unknown;
}

/**
 * What changes in an update, path by path with the old and new value as short text, as
 * Atlantis and Spacelift show it: sensitive values (Terraform's masks, or an attribute whose
 * name says secret) as `(sensitive)`, values known only after apply as `(known after apply)`.
 */
export function attributeChanges(before: unknown, after: unknown, masks: ValueMasks = {}): AttributeChange[] {
  const byPath = new Map<string, AttributeChange>();
  for (const d of differences(before, after)) {
    const path = formatPath(d.path);
    if (path === '') continue;
    const secret = d.path.some((p) => typeof p === 'string' && SECRET_NAME.test(p));
    byPath.set(path, {
      path,
      before: secret || sensitiveAt(masks.beforeSensitive, d.path) ? SENSITIVE : valueText(d.oldValue),
      after: secret || sensitiveAt(masks.afterSensitive, d.path) ? SENSITIVE : unknownAt(masks.afterUnknown, d.path) ? UNKNOWN : valueText(d.value),
    });
  }
  for (const path of unknownPaths(masks.afterUnknown)) {
    if (path === '' || byPath.has(path)) continue;
    const parts = parsePath(path);
    byPath.set(path, { path, before: sensitiveAt(masks.beforeSensitive, parts) ? SENSITIVE : valueText(valueAt(before, parts)), after: UNKNOWN });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
export const ABSENT = '(none)';

function valueText(v: unknown): string {
  if (v === undefined) return ABSENT;
  // A policy kept as a JSON string reads better as the JSON it holds.
  const inner = typeof v === 'string' ? embeddedJson(v) : undefined;
  const text = typeof v === 'string' && inner === undefined ? JSON.stringify(v) : compactStableJson(inner ?? v);
  const chars = Array.from(text);
  return chars.length <= VALUE_TEXT_LIMIT ? text : `${chars.slice(0, VALUE_TEXT_LIMIT - 1).join('')}…`;
}

/** The part of a Terraform mask (`*_sensitive`, `after_unknown`) at `path`; `true` when the path or a parent is marked. */
function maskAt(mask: unknown, path: ReadonlyArray<string | number>): unknown {
  let m = mask;
  for (const p of path) {
    if (m === true) return true;
    if (m === null || typeof m !== 'object') return undefined;
    m = (m as Record<string | number, unknown>)[p];
  }
  return m;
}

/** Whether the mask marks the path, a parent of it, or anything inside it as `true`. */
function sensitiveAt(mask: unknown, path: ReadonlyArray<string | number>): boolean {
  const m = maskAt(mask, path);
  return m === true || (m !== null && typeof m === 'object' && unknownPaths(m).length > 0); // unknownPaths: the paths marked true
}

function unknownAt(mask: unknown, path: ReadonlyArray<string | number>): boolean {
  return maskAt(mask, path) === true;
}

function valueAt(v: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function parsePath(path: string): Array<string | number> {
  return (path.match(/[^.[\]]+|\[\d+\]/g) ?? []).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));
}
