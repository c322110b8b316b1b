import fc from 'fast-check';

/**
 * Generated malformed documents for the readers' property tests: arbitrary JSON, a valid
 * document with one part deleted, replaced or added, deep nesting, and text that is not JSON
 * at all (truncated, a byte order mark, NUL, invalid UTF-8).
 */

/** Cases per property in `npm test`; `npm run test:fuzz` sets FUZZ_RUNS for a long run. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** A fixed seed in `npm test` (reproducible); the long run draws a new one unless FUZZ_SEED is set. */
export const SEED = process.env.FUZZ_RUNS ? (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined) : 17;

export function fcOptions(runs = RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true };
}

type Path = Array<string | number>;

/** Every path in a JSON value (containers and leaves), root first. */
function pathsOf(value: unknown): Path[] {
  const out: Path[] = [];
  const stack: Array<[unknown, Path]> = [[value, []]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, [...p, k]]);
  }
  return out;
}

function edit(doc: unknown, path: Path, change: (parent: any, key: string | number) => void): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  if (path.length === 0) return copy;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  change(parent, path[path.length - 1]);
  return copy;
}

/** Values that break naive readers: wrong types, markup, huge or odd numbers, deep nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, 2 ** 53 + 1, '', ' ', '__proto__', 'constructor', '<img src=x onerror=alert(1)>', '# heading\n- item', '`|`', '\u0000\u001b[31m', 'MANAGED', 'planned| FUZZ | pipe |', [], {}, [[]], JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.integer({ min: 130, max: 3000 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
);

/** A valid document with one change: a part deleted, replaced by a nasty value, or an unknown field added. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  return fc.tuple(fc.constantFrom(...paths), fc.constantFrom('delete', 'replace', 'add'), nastyValue, fc.string({ maxLength: 8 })).map(([path, op, value, key]) => {
    if (path.length === 0) return op === 'replace' ? value : valid;
    return edit(valid, path, (parent, k) => {
      if (op === 'delete') {
        if (Array.isArray(parent)) parent.splice(k as number, 1);
        else delete parent[k];
      } else if (op === 'replace') parent[k] = value;
      else if (parent[k] !== null && typeof parent[k] === 'object' && !Array.isArray(parent[k])) parent[k][key || 'extra'] = value;
      else parent[k] = value;
    });
  });
}

/** The text (or bytes) of a malformed document derived from `valid`. */
export function malformedText(valid: unknown): fc.Arbitrary<string | Buffer> {
  const json = JSON.stringify(valid);
  return fc.oneof(
    { weight: 6, arbitrary: mutated(valid).map((d) => JSON.stringify(d) ?? '') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((d) => JSON.stringify(d)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: json.length }).map((n) => json.slice(0, n)) },
    { weight: 1, arbitrary: fc.constantFrom(`\uFEFF${json}`, `${json}\u0000`, '}', '', 'null', '[]', '"text"', json.replace(/"/, "'")) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from(json.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(bytes)])) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`) },
  );
}
