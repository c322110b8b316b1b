import { AuditReport } from '../model';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';

/**
 * The audit report renderers: pure functions from an AuditReport to the text of one file. The
 * same report always gives the same bytes; nothing is re-sorted (the model fixes the order of
 * tenants and rules).
 */
export const AUDIT_FORMATS = ['md', 'json', 'junit', 'html', 'sarif'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** How much a report shows. */
export interface RenderOptions {
  /** The Markdown lists passing tenants and results too (the other formats always carry everything). @default false */
  readonly verbose?: boolean;
}

const RENDERERS: Record<AuditFormat, (report: AuditReport, opts: RenderOptions) => string> = {
  md: renderMarkdown,
  json: renderJson,
  junit: renderJunit,
  html: renderHtml,
  sarif: renderSarif,
};

const FILE_NAMES: Record<AuditFormat, string> = {
  md: 'audit.md',
  json: 'audit.json',
  junit: 'audit.junit.xml',
  html: 'audit.html',
  sarif: 'audit.sarif',
};

export function isAuditFormat(value: string): value is AuditFormat {
  return (AUDIT_FORMATS as ReadonlyArray<string>).includes(value);
}

export function renderAudit(report: AuditReport, format: AuditFormat, opts: RenderOptions = {}): string {
  if (!isAuditFormat(format)) throw new Error(`unknown audit format ${JSON.stringify(format)}: expected one of ${AUDIT_FORMATS.join(', ')}`);
  return RENDERERS[format](report, opts);
}

/** The file a format is written to. */
export function auditFileName(format: AuditFormat): string {
  if (!isAuditFormat(format)) throw new Error(`unknown audit format ${JSON.stringify(format)}: expected one of ${AUDIT_FORMATS.join(', ')}`);
  return FILE_NAMES[format];
}
