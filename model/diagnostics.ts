/**
 * Located validation findings. Every problem found in a manifest or the settings file becomes
 * one Diagnostic; validation gathers all of them before anything is synthesized.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** Path of the file, relative to the working directory where possible. */
  readonly file: string;
  /** 1-based line; 0 when the problem concerns the whole file (or a file that does not exist). */
  readonly line: number;
  /** 1-based column; 0 when unknown. */
  readonly column: number;
  /** Dotted field path, e.g. `backup.retentionDays` or `contacts[1].email`; empty for the document. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
  /** What would be valid. */
  readonly expected?: string;
  /** Stable code of the rule that found it, e.g. `schema`, `duplicate-id`, `tier-downgrade`. */
  readonly code: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.field ? `${d.field}: ` : '';
  const expected = d.expected ? `\n    expected: ${d.expected}` : '';
  return `${where}: ${d.severity} [${d.code}] ${field}${d.message}${expected}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.field.localeCompare(b.field) ||
    a.message.localeCompare(b.message)
  );
}

export function hasErrors(diagnostics: ReadonlyArray<Diagnostic>): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown when input is invalid; carries every diagnostic found. */
export class ValidationFailed extends Error {
  constructor(readonly diagnostics: ReadonlyArray<Diagnostic>) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super(`${errors} validation error${errors === 1 ? '' : 's'}`);
    this.name = 'ValidationFailed';
  }
}
