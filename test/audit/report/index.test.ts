import { AUDIT_FORMATS, AuditFormat, auditFileName, isAuditFormat, renderAudit } from '../../../audit/report/index';
import { renderHtml } from '../../../audit/report/html';
import { renderJson } from '../../../audit/report/json';
import { renderJunit } from '../../../audit/report/junit';
import { renderMarkdown } from '../../../audit/report/markdown';
import { renderSarif } from '../../../audit/report/sarif';
import { auditReport, EMPTY_REPORT } from './fixture';

describe('audit report formats', () => {
  test('the formats and their file names', () => {
    expect(AUDIT_FORMATS).toEqual(['md', 'json', 'junit', 'html', 'sarif']);
    expect(AUDIT_FORMATS.map(auditFileName)).toEqual(['audit.md', 'audit.json', 'audit.junit.xml', 'audit.html', 'audit.sarif']);
  });

  test('renderAudit uses the renderer of each format', () => {
    const report = auditReport();
    const expected: Record<AuditFormat, string> = {
      md: renderMarkdown(report),
      json: renderJson(report),
      junit: renderJunit(report),
      html: renderHtml(report),
      sarif: renderSarif(report),
    };
    for (const format of AUDIT_FORMATS) expect(renderAudit(report, format)).toBe(expected[format]);
  });

  test.each(AUDIT_FORMATS)('%s: the same report always gives the same bytes, ending with a newline', (format) => {
    const first = renderAudit(auditReport(), format);
    const copy = JSON.parse(JSON.stringify(auditReport())) as ReturnType<typeof auditReport>;
    expect(renderAudit(copy, format)).toBe(first);
    expect(first.endsWith('\n')).toBe(true);
    expect(renderAudit(EMPTY_REPORT, format).length).toBeGreaterThan(0);
  });

  test('renderers do not change the report', () => {
    const report = auditReport();
    const before = JSON.stringify(report);
    for (const format of AUDIT_FORMATS) renderAudit(report, format);
    expect(JSON.stringify(report)).toBe(before);
  });

  test('an unknown format is refused with the list of known ones', () => {
    expect(isAuditFormat('xml')).toBe(false);
    expect(isAuditFormat('sarif')).toBe(true);
    expect(() => renderAudit(auditReport(), 'xml' as AuditFormat)).toThrow('unknown audit format "xml": expected one of md, json, junit, html, sarif');
    expect(() => auditFileName('pdf' as AuditFormat)).toThrow('unknown audit format "pdf"');
  });
});
