/**
 * JSON text for data of any origin, without recursion on the data's depth: the keys are sorted
 * (or the depth measured) by an explicit stack, and the text is written by JSON.stringify only
 * once the depth is known to be at most MAX_JSON_DEPTH. Deeper data is refused with a
 * JsonDepthError: it would overflow the native writer's stack, and its indented text grows with
 * the square of the depth. Documents read from outside are held to a much smaller depth at the
 * door (format/json-document.ts), so a report never meets this limit in practice.
 */
export const MAX_JSON_DEPTH = 1000;

export class JsonDepthError extends Error {
  constructor(readonly limit: number) {
    super(`the value is nested deeper than ${limit} levels and cannot be written as JSON`);
    this.name = 'JsonDepthError';
  }
}

/** JSON with object keys sorted at every level and two-space indentation: byte-stable output. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortedCopy(value), null, 2);
}

/** Compact JSON (one line) with object keys sorted at every level. */
export function compactStableJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value));
}

/** JSON.stringify(value, null, indent) for data that may be deep: keys in their own order. */
export function orderedJson(value: unknown, indent = 2): string {
  checkDepth(value);
  return JSON.stringify(value, null, indent);
}

/** Containers (objects and arrays) nested in `value`: 0 for a scalar. Iterative. */
export function jsonDepth(value: unknown, stopAbove = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return max;
}

function checkDepth(value: unknown): void {
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new JsonDepthError(MAX_JSON_DEPTH);
}

/**
 * A copy whose objects have their keys in sorted order (arrays keep theirs), built with an
 * explicit stack. Scalars, `undefined` and functions are kept as they are for JSON.stringify to
 * judge. Deeper than MAX_JSON_DEPTH, or circular: JsonDepthError.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const root = Array.isArray(value) ? new Array<unknown>(value.length) : ({} as Record<string, unknown>);
  const stack: Array<{ from: object; to: Record<string, unknown> | unknown[]; depth: number }> = [{ from: value, to: root, depth: 1 }];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) throw new JsonDepthError(MAX_JSON_DEPTH);
    const keys = Array.isArray(from) ? undefined : Object.keys(from).sort();
    const n = keys ? keys.length : (from as unknown[]).length;
    for (let i = 0; i < n; i++) {
      const key = keys ? keys[i] : i;
      const v = (from as Record<string | number, unknown>)[key];
      if (v !== null && typeof v === 'object') {
        const child = Array.isArray(v) ? new Array<unknown>(v.length) : ({} as Record<string, unknown>);
        define(to, key, child);
        stack.push({ from: v, to: child, depth: depth + 1 });
      } else define(to, key, v);
    }
  }
  return root;
}

/** An own data property even for the key `__proto__` (plain assignment would set the prototype). */
function define(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string | number, unknown>)[key] = value;
}
