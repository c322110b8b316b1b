import * as fs from 'fs';
import { DocumentError, parseDocument } from '../format/json-document';
import { ExpectedStack, PipelineReport } from './report';
import { AFFECTED_DOCUMENT, PIPELINE_REPORT } from './report-schema';

/** A job document that cannot be used: missing, unreadable, not JSON, or not of the expected shape. */
export class ReportFileError extends Error {}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportFileError(code === 'ENOENT' ? `${what} ${file} does not exist` : code === 'EISDIR' ? `${what} ${file} is a directory, not a file` : `${what} ${file} cannot be read: ${(e as Error).message}`);
  }
}

function parse<T>(file: string, what: string, kind: Parameters<typeof parseDocument<T>>[2]): T {
  const text = readText(file, what);
  try {
    return parseDocument(text, `${what} ${file}`, kind);
  } catch (e) {
    if (e instanceof DocumentError) throw new ReportFileError(e.message);
    throw e;
  }
}

/** Reads a JSON report written by `lz plan` or `lz apply` (`--report-json`), checked against its schema. */
export function readReport(file: string): PipelineReport {
  return parse(file, 'report', PIPELINE_REPORT);
}

/** The stacks a merged report must cover, and the run they belong to, from `lz affected --format json`. */
export function readAffected(file: string): { expected: ExpectedStack[]; base: PipelineReport['base']; head: PipelineReport['head'] } {
  const doc = parse(file, '--expect', AFFECTED_DOCUMENT);
  const expected = doc.stacks.map((s) => ({
    stack: s.name,
    kind: s.kind,
    ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
    ...(s.tier !== undefined ? { tier: s.tier } : {}),
    wave: s.wave,
    change: s.change,
    state: s.state,
  }));
  return { expected, base: doc.base, head: doc.head };
}
