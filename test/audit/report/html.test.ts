import { createHash } from 'node:crypto';
import { AuditReport } from '../../../audit/model';
import { contentSecurityPolicy, renderHtml } from '../../../audit/report/html';
import { htmlText, scriptJson } from '../../../format/html';
import { HTML_REPORT_SCRIPT } from '../../../audit/report/html-script';
import { HTML_REPORT_STYLE } from '../../../audit/report/html-style';
import { auditReport, EMPTY_REPORT } from './fixture';

/** Content of the `<script>` elements, in document order. */
function scripts(html: string): Array<{ attributes: string; content: string }> {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attributes: m[1], content: m[2] }));
}

function embeddedReport(html: string): AuditReport {
  const data = scripts(html).find((s) => s.attributes.includes('id="audit-data"'));
  if (!data) throw new Error('no audit-data element');
  return JSON.parse(data.content) as AuditReport;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

describe('HTML report (document)', () => {
  const report = auditReport();
  const html = renderHtml(report);

  test('is one HTML document with exactly two scripts: the JSON data, then the inline renderer', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.endsWith('</html>\n')).toBe(true);
    const found = scripts(html);
    expect(found.map((s) => s.attributes)).toEqual([' id="audit-data" type="application/json"', '']);
    expect(found[1].content).toBe(HTML_REPORT_SCRIPT);
  });

  test('embeds the whole report as JSON: every tenant, result, status and evidence field reads back', () => {
    expect(embeddedReport(html)).toEqual(report);
  });

  test('the embedded JSON cannot end its script element or open a comment, whatever the data holds', () => {
    const data = scripts(html)[0].content;
    expect(JSON.stringify(report)).toContain('</script><!--');
    expect(data).not.toMatch(/<\/script|<!--|</i);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(scriptJson('{"a":"</script><!--\u2028"}')).toBe('{"a":"\\u003c/script>\\u003c!--\\u2028"}');
  });

  test('is self-contained: no external URL, no src or href, nothing to fetch', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
  });

  test('a Content Security Policy allows only this inline script and stylesheet, by hash', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toBe(`default-src 'none'; script-src '${sha256(HTML_REPORT_SCRIPT)}'; style-src '${sha256(HTML_REPORT_STYLE)}'; base-uri 'none'`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${htmlText(csp)}">`);
    expect(html).toContain(`<style>${HTML_REPORT_STYLE}</style>`);
  });

  test('the inline script is safe to embed and reads no clock', () => {
    expect(HTML_REPORT_SCRIPT).not.toMatch(/<\/script|<!--/i);
    expect(HTML_REPORT_SCRIPT).not.toMatch(/Date|performance\.now|Math\.random/);
    expect(HTML_REPORT_STYLE).not.toMatch(/<\/style/i);
  });

  test('escapes report text in the static markup (title, heading)', () => {
    expect(html).toContain('<title>Compliance audit: lz&lt;&amp;&gt;</title>');
    expect(html).toContain('<h1>Compliance audit: lz&lt;&amp;&gt;</h1>');
    expect(html).toContain('Generated 2026-11-23T10:00:00.000Z from state evidence: 4 rules, 3 tenants.');
  });

  test('is deterministic: the same report gives the same bytes, and the only time in it is generatedAt', () => {
    expect(renderHtml(auditReport())).toBe(html);
    const timestamps = html.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g) ?? [];
    expect(new Set(timestamps)).toEqual(new Set(['2026-11-23T10:00']));
  });

  test('renders an audit of no tenants', () => {
    const empty = renderHtml(EMPTY_REPORT);
    expect(embeddedReport(empty)).toEqual(EMPTY_REPORT);
    expect(empty).toContain('evidence: 4 rules, 0 tenants.');
  });

  test('htmlText escapes the five markup characters', () => {
    expect(htmlText(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
