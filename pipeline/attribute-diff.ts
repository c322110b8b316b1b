import diff from 'microdiff';
import { formatPath } from './changes';

/**
 * The attribute paths in which two resource configurations (or two plan values) differ,
 * sorted and without duplicates, e.g. `["tags.Owner", "ttl[0].enabled"]`. Values are never
 * returned: reports show what changes, not secrets.
 */
export function changedAttributePaths(before: unknown, after: unknown): string[] {
  const b = asContainer(before);
  const a = asContainer(after);
  if (b === undefined || a === undefined) return before === after ? [] : [''];
  return [...new Set(diff(b, a).map((d) => formatPath(d.path)))].sort();
}

function asContainer(v: unknown): Record<string, unknown> | unknown[] | undefined {
  if (v === null || v === undefined) return {};
  return typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** Paths whose value is `true` in Terraform's `after_unknown` ("known after apply"). */
export function unknownPaths(afterUnknown: unknown, prefix: Array<string | number> = []): string[] {
  if (afterUnknown === true) return [formatPath(prefix)];
  if (Array.isArray(afterUnknown)) return afterUnknown.flatMap((v, i) => unknownPaths(v, [...prefix, i]));
  if (afterUnknown !== null && typeof afterUnknown === 'object') {
    return Object.entries(afterUnknown as Record<string, unknown>).flatMap(([k, v]) => unknownPaths(v, [...prefix, k]));
  }
  return [];
}
