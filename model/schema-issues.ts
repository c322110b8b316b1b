import { z } from 'zod';
import { Diagnostic } from './diagnostics';
import { HIDDEN_CHARACTER_CODE, revealHidden, synthesizerTokenMarker } from './text-safety';
import { locatedError, YamlSource } from './yaml-source';

/**
 * Turns zod issues into located diagnostics: each one says what is wrong with the value that
 * was found and what would be valid, and points at the line and column of that value (or of
 * the key, for unknown fields; or of the enclosing mapping, for missing ones).
 */

type AnySchema = z.core.$ZodType;

/** The object keys a schema accepts at a path, for "unknown field" hints. */
export function knownKeysAt(schema: AnySchema, path: ReadonlyArray<PropertyKey>): string[] {
  let s: AnySchema | undefined = schema;
  for (let i = 0; i <= path.length && s; i++) {
    s = unwrap(s);
    if (i === path.length) break;
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'object') s = (def.shape as Record<string, AnySchema>)[String(path[i])];
    else if (def.type === 'array') s = def.element as AnySchema;
    else if (def.type === 'record') s = def.valueType as AnySchema;
    else return [];
  }
  if (!s) return [];
  const def = s._zod.def as unknown as Record<string, unknown>;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as unknown as Record<string, unknown>;
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch'].includes(def.type as string)) cur = def.innerType as AnySchema;
    else if (def.type === 'pipe') cur = def.in as AnySchema;
    else return cur;
  }
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

export function closestMatch(word: string, candidates: ReadonlyArray<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return revealHidden(JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v));
  return String(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a decimal number';
  return `a ${typeof v}`;
}

const EXPECTED_TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
};

/** Default zod messages start like this; anything else was written by us and reads as "expected ...". */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized key|Expected|Number must|String must)/.test(message);
}

function sizeBound(issue: { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }, which: 'min' | 'max'): string {
  const n = Number(which === 'min' ? issue.minimum : issue.maximum);
  const bound = issue.inclusive === false ? (which === 'min' ? n + 1 : n - 1) : n;
  const word = which === 'min' ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `${word} ${bound} character${bound === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      return `${word} ${bound} item${bound === 1 ? '' : 's'}`;
    default:
      return `${word} ${bound}`;
  }
}

export function issueToDiagnostics(source: YamlSource, schema: AnySchema, issue: z.core.$ZodIssue): Diagnostic[] {
  const path = issue.path as PropertyKey[];
  const input = (issue as { input?: unknown }).input;
  const own = isDefaultMessage(issue.message) ? undefined : issue.message;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => {
        const hint = closestMatch(key, known);
        return locatedError(
          source,
          [...path, key],
          'unknown-field',
          `unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          known.length ? `one of: ${known.join(', ')}` : undefined,
          { key: true },
        );
      });
    }
    case 'invalid_type': {
      const expected = own ?? EXPECTED_TYPES[issue.expected] ?? `a ${issue.expected}`;
      if (input === undefined) return [locatedError(source, path, 'missing-field', 'required field is missing', expected)];
      const quoteHint = issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ' (YAML read it as a non-string: put it in quotes)' : '';
      return [locatedError(source, path, 'schema', `${describeValue(input)} is ${typeName(input)}, not ${EXPECTED_TYPES[issue.expected] ?? issue.expected}${quoteHint}`, expected)];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [locatedError(source, path, 'schema', `${describeValue(input)} is not allowed`, own ?? (issue.values.length === 1 ? values : `one of ${values}`))];
    }
    case 'too_small':
    case 'too_big': {
      const which = issue.code === 'too_small' ? 'min' : 'max';
      const what = issue.origin === 'string' || issue.origin === 'array' ? `${describeValue(input)} is too ${which === 'min' ? 'short' : 'long'}` : `${describeValue(input)} is too ${which === 'min' ? 'small' : 'large'}`;
      return [locatedError(source, path, 'schema', what, own ?? sizeBound(issue as never, which))];
    }
    case 'invalid_format':
      return [locatedError(source, path, 'schema', `${describeValue(input)} is not valid`, own ?? `a valid ${issue.format}`)];
    case 'invalid_key': {
      const key = path[path.length - 1];
      const inner = issue.issues[0];
      const expected = inner && !isDefaultMessage(inner.message) ? inner.message : 'a valid key';
      return [locatedError(source, path, 'schema', `key ${describeValue(key)} is not valid`, expected, { key: true })];
    }
    case 'custom': {
      const params = (issue as { params?: { expected?: string; code?: string } }).params;
      if (params?.expected) return [locatedError(source, path, params.code ?? 'schema', issue.message, params.expected)];
      return [locatedError(source, path, 'schema', `${describeValue(input)} is not valid`, issue.message)];
    }
    default:
      return [locatedError(source, path, 'schema', input === undefined ? issue.message : `${describeValue(input)}: ${issue.message}`, own)];
  }
}

/**
 * Keys that a plain JavaScript object cannot hold as data: assigning `__proto__` sets the
 * prototype instead, so a schema would silently drop it (under `tags`, say). They are reported
 * as unknown fields and removed before the schema runs. Strings anywhere in the document that
 * hold a synthesizer reference marker are reported too (model/text-safety.ts).
 */
const PROTOTYPE_KEYS = new Set(['__proto__']);

function screenRawDocument(source: YamlSource, schema: AnySchema, data: unknown, path: PropertyKey[], out: Diagnostic[]): unknown {
  if (Array.isArray(data)) return data.map((v, i) => screenRawDocument(source, schema, v, [...path, i], out));
  if (typeof data === 'string') {
    const marker = synthesizerTokenMarker(data);
    if (marker) out.push(locatedError(source, path, 'reserved-sequence', `text contains ${JSON.stringify(marker)}, which the synthesizer would read as a reference`, `text without ${JSON.stringify(marker)}`));
    return data;
  }
  if (data === null || typeof data !== 'object') return data;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(data)) {
    const value = (data as Record<string, unknown>)[key];
    const marker = synthesizerTokenMarker(key);
    if (marker) out.push(locatedError(source, [...path, key], 'reserved-sequence', `key contains ${JSON.stringify(marker)}, which the synthesizer would read as a reference`, `a key without ${JSON.stringify(marker)}`, { key: true }));
    if (PROTOTYPE_KEYS.has(key)) {
      const known = knownKeysAt(schema, path);
      out.push(locatedError(source, [...path, key], 'unknown-field', `unknown field "${key}"`, known.length ? `one of: ${known.join(', ')}` : 'a key other than __proto__ (never a valid key)', { key: true }));
      continue;
    }
    copy[key] = screenRawDocument(source, schema, value, [...path, key], out);
  }
  return copy;
}

/** Validates `data` against `schema`; returns the parsed value (or undefined) and every located problem. */
export function parseWithSchema<S extends AnySchema>(source: YamlSource, schema: S, data: unknown): { value?: z.output<S>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const clean = screenRawDocument(source, schema, data, [], diagnostics);
  const result = z.safeParse(schema, clean, { reportInput: true });
  if (result.success && diagnostics.length === 0) return { value: result.data as z.output<S>, diagnostics };
  if (!result.success) {
    const found = result.error.issues.flatMap((i) => issueToDiagnostics(source, schema, i as z.core.$ZodIssue));
    // A hidden character explains why a pattern failed too; the precise finding is enough.
    const hidden = new Set(found.filter((d) => d.code === HIDDEN_CHARACTER_CODE).map((d) => d.field));
    diagnostics.push(...found.filter((d) => d.code === HIDDEN_CHARACTER_CODE || !hidden.has(d.field)));
  }
  return { diagnostics };
}
