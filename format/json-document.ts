import { z } from 'zod';
import { jsonDepth } from './stable-json';

/**
 * The door for every JSON document the tool reads from outside (job reports, `lz affected`
 * output, `terraform show -json`, state files): parsed, held to a depth limit and checked
 * against a zod schema, or refused with a DocumentError naming the document, the JSON path of
 * the first problem and what was expected there. Only the schema's output goes on, so no value
 * of the wrong type reaches a renderer.
 */

/**
 * Deepest nesting accepted, counting the document's own containers and those of JSON held in
 * its strings (policies, event patterns). Real Terraform documents stay far below it; the
 * walkers, formatters and renderers downstream are safe well above it.
 */
export const MAX_DOCUMENT_DEPTH = 128;

/** A document that cannot be used: not JSON, too deep, or not of the expected shape. */
export class DocumentError extends Error {
  constructor(
    /** File, S3 URI or other name of the document. */
    readonly document: string,
    /** JSON path of the problem (`$` for the document as a whole). */
    readonly jsonPath: string,
    /** What is wrong and what was expected. */
    readonly problem: string,
  ) {
    super(`${document}: ${jsonPath === '$' ? '' : `at ${jsonPath}: `}${problem}`);
    this.name = 'DocumentError';
  }
}

export interface DocumentKind<T> {
  /** What the document should be, for messages: "an lz plan or apply report (lz plan --report-json)". */
  readonly expected: string;
  readonly schema: z.ZodType<T>;
}

/** Parses `text` as the document `kind` describes. */
export function parseDocument<T>(text: string, name: string, kind: DocumentKind<T>): T {
  return checkDocument(parseJson(text, name, kind.expected), name, kind);
}

/** JSON.parse (iterative in V8, so depth cannot overflow it) with a located, worded error. */
export function parseJson(text: string, name: string, expected: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DocumentError(name, '$', `empty; expected ${expected}`);
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new DocumentError(name, '$', `not JSON (${(e as Error).message}); truncated? Expected ${expected}`);
  }
}

/** Checks an already parsed value: depth first (so the schema never walks a deep value), then the schema. */
export function checkDocument<T>(value: unknown, name: string, kind: DocumentKind<T>): T {
  const deep = deepestPath(value, MAX_DOCUMENT_DEPTH);
  if (deep) throw new DocumentError(name, deep, `nested deeper than ${MAX_DOCUMENT_DEPTH} levels (counting JSON inside strings); expected ${kind.expected}`);
  const parsed = kind.schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DocumentError(name, jsonPath(issue.path), describeIssue(issue));
}

/** `$.stacks[0].status` from a zod path. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$-]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/**
 * The path of the first container nested deeper than `limit` (strings that hold a JSON object
 * or array count with their contents), or undefined. Iterative: any depth is measured safely.
 */
export function deepestPath(value: unknown, limit: number): string | undefined {
  const stack: Array<{ v: unknown; depth: number; path: Array<string | number> }> = [{ v: value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      const inner = embeddedJson(v);
      if (inner !== undefined && depth + jsonDepth(inner, limit - depth) > limit) return `${shortPath(path)} (JSON in the string)`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return shortPath(path);
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i];
      if ((child !== null && typeof child === 'object') || typeof child === 'string') stack.push({ v: child, depth: depth + 1, path: [...path.slice(0, 12), k] });
    }
  }
  return undefined;
}

function shortPath(path: ReadonlyArray<string | number>): string {
  return path.length >= 12 ? `${jsonPath(path.slice(0, 11))}…` : jsonPath(path);
}

/** The object or array a string holds as JSON, if it does (the way policies are kept in state). */
export function embeddedJson(s: string): object | undefined {
  const t = s.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A value as a message shows it: short, never its whole content. */
export function describeJsonValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  literal: 'a fixed value',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const found = `found ${describeJsonValue(input)}`;
  // Messages the schemas write themselves say what is expected; zod's own start like these.
  if (!/^(Invalid|Too (small|big)|Unrecognized key|Expected)/.test(issue.message)) return input === undefined ? `missing; expected ${issue.message}` : `expected ${issue.message}, ${found}`;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `missing; expected ${TYPE_WORDS[issue.expected] ?? issue.expected}` : `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, ${found}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}`}, ${found}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: this reader does not know ${issue.keys.length === 1 ? 'it' : 'them'}, so the document is not used`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'a non-empty string' : `at least ${String(issue.minimum)}`}, ${found}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? `at most ${String(issue.maximum)} item(s)` : issue.origin === 'string' ? `at most ${String(issue.maximum)} characters` : `at most ${String(issue.maximum)}`}, ${found}`;
    case 'invalid_format':
      return `expected text matching ${issue.format === 'regex' ? String((issue as { pattern?: unknown }).pattern) : issue.format}, ${found}`;
    default:
      return `not of an accepted form (${issue.message}), ${found}`;
  }
}
