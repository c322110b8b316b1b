import { escapeTerraformTemplate } from './template';

/**
 * Terraform JSON-syntax strings are templates: literal text with `${ expression }`
 * interpolations, `$${` and `%%{` escapes and `%{ ... }` directives.
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 *
 * This module splits a template into its parts, reads the one kind of expression that CDKTF
 * writes for references (a traversal such as `aws_kms_key.key_1A2B.arn` or
 * `data.terraform_remote_state.platform-state.outputs.user_pool_id`), and rewrites the roots of
 * such traversals. Anything else (function calls, operators, directives) is reported as not
 * understood, never guessed: callers then leave the value to Terraform.
 */
export type TemplatePart = { readonly literal: string } | { readonly expression: string } | { readonly directive: string };

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** The parts of a template string, literal text unescaped. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if ((c === '$' || c === '%') && next === c && text[i + 2] === '{') {
      literal += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && next === '{') {
      const end = closingBrace(text, i + 2);
      if (literal) parts.push({ literal });
      literal = '';
      const inner = text.slice(i + 2, end).replace(/^~/, '').replace(/~$/, '').trim();
      parts.push(c === '$' ? { expression: inner } : { directive: inner });
      i = end + 1;
      continue;
    }
    literal += c;
    i++;
  }
  if (literal || parts.length === 0) parts.push({ literal });
  return parts;
}

/** Index of the `}` closing an interpolation that starts at `from`, skipping nested braces and quoted strings. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new TemplateSyntaxError(`unterminated interpolation in "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`);
}

/** True when the string holds at least one interpolation or directive (an escape alone is literal). */
export function isTemplate(text: string): boolean {
  return /(^|[^$%])[$%]\{/.test(text);
}

export type TraversalStep = string | number;

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

/**
 * `a.b[0]["k"].c` as steps, or undefined when the expression is anything but a plain traversal.
 * Numeric attribute steps (`list.0`, a legacy form) become indices.
 */
export function parseTraversal(expression: string): TraversalStep[] | undefined {
  const s = expression.trim();
  const root = IDENT.exec(s);
  if (!root) return undefined;
  const steps: TraversalStep[] = [root[0]];
  let i = root[0].length;
  while (i < s.length) {
    if (s[i] === '.') {
      const rest = s.slice(i + 1);
      const num = /^\d+/.exec(rest);
      if (num && !/^[A-Za-z_-]/.test(rest.slice(num[0].length))) {
        steps.push(Number(num[0]));
        i += 1 + num[0].length;
        continue;
      }
      const id = IDENT.exec(rest);
      if (!id) return undefined;
      steps.push(id[0]);
      i += 1 + id[0].length;
      continue;
    }
    if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) return undefined;
      const key = s.slice(i + 1, close).trim();
      if (/^\d+$/.test(key)) steps.push(Number(key));
      else if (/^"[^"\\]*"$/.test(key)) steps.push(key.slice(1, -1));
      else return undefined;
      i = close + 1;
      continue;
    }
    return undefined;
  }
  return steps;
}

/**
 * Rewrites every traversal in the interpolations of a template whose first steps are `prefix`
 * (e.g. `data.aws_organizations_organizational_unit.parent-ou`) so that it starts with
 * `replacement` instead. Literal text, escapes and string literals inside expressions are kept.
 */
export function rewriteTraversalRoots(text: string, prefix: string, replacement: string): string {
  if (!text.includes(prefix)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += text.slice(i, i + 3);
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      out += `${c}{${rewriteExpression(text.slice(i + 2, end), prefix, replacement)}}`;
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function rewriteExpression(expr: string, prefix: string, replacement: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      out += c;
      if (c === '\\') out += expr[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const before = i === 0 ? '' : expr[i - 1];
    const after = expr[i + prefix.length] ?? '';
    if (expr.startsWith(prefix, i) && !/[A-Za-z0-9_.-]/.test(before) && !/[A-Za-z0-9_-]/.test(after)) {
      out += replacement;
      i += prefix.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** Applies `fn` to every string in a JSON value (object keys untouched). */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapStrings(v, fn);
    return out;
  }
  return value;
}

/** A JSON value whose strings all read literally in Terraform JSON (terraform/template.ts escapes). */
export function escapeTemplates(value: unknown): unknown {
  return mapStrings(value, escapeTerraformTemplate);
}
