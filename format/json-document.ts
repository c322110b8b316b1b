import { z } from 'zod';

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
  interface Node {
    readonly v: unknown;
    readonly depth: number;
    readonly key?: string | number;
    readonly parent?: Node;
  }
  const pathOf = (n: Node): Array<string | number> => {
    const out: Array<string | number> = [];
    for (let cur: Node | undefined = n; cur?.key !== undefined; cur = cur.parent) out.push(cur.key);
    return out.reverse();
  };
  const stack: Node[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { v, depth } = node;
    if (typeof v === 'string') {
      if (depth + textNesting(v) > limit) return `${shortPath(pathOf(node))} (JSON in the string)`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return shortPath(pathOf(node));
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && (typeof v[i] === 'object' || typeof v[i] === 'string')) stack.push({ v: v[i], depth: depth + 1, key: i, parent: node });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (v as Record<string, unknown>)[keys[i]];
        if (child !== null && (typeof child === 'object' || typeof child === 'string')) stack.push({ v: child, depth: depth + 1, key: keys[i], parent: node });
      }
    }
  }
  return undefined;
}

/**
 * How deep the JSON a string holds would nest, counted by one scan of its brackets outside
 * string literals (no parse, no allocation); 0 for a string that does not start like JSON.
 */
function textNesting(s: string): number {
  const first = s.trimStart()[0];
  if (first !== '{' && first !== '[') return 0;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function shortPath(path: ReadonlyArray<string | number>): string {
  return path.length > 12 ? `${jsonPath(path.slice(0, 11))}…` : jsonPath(path);
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
