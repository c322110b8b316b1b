/** Defensive readers over a manifest that may not have passed the schema. */

export function getIn(raw: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export function stringAt(raw: unknown, path: ReadonlyArray<string | number>): string | undefined {
  const v = getIn(raw, path);
  return typeof v === 'string' ? v : undefined;
}

export function has(raw: unknown, key: string): boolean {
  return raw !== null && typeof raw === 'object' && Object.prototype.hasOwnProperty.call(raw, key);
}
