import { createHash } from 'node:crypto';
import { compactStableJson } from '../../format/stable-json';
import { AuditReport, provenanceText } from '../model';
import { htmlText, scriptJson } from '../../format/html';
import { HTML_REPORT_SCRIPT } from './html-script';
import { HTML_REPORT_STYLE } from './html-style';

/**
 * The audit as one self-contained HTML file for auditors: inline stylesheet and script, the
 * report embedded as JSON, no external URL, so it works offline and from file://. A Content
 * Security Policy allows exactly the inline script and stylesheet (by hash) and nothing else:
 * the page cannot load anything even if a value in the report looked like markup.
 *
 * Deterministic: the only time in the page is the report's generatedAt.
 */
export function renderHtml(report: AuditReport): string {
  const title = `Compliance audit: ${report.landingZone}`;
  const lines = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${htmlText(contentSecurityPolicy())}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlText(title)}</title>`,
    `<style>${HTML_REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${htmlText(title)}</h1>`,
    `<p class="meta">Generated ${htmlText(report.generatedAt)} from ${htmlText(report.source)} evidence: ${report.rules.length} rules, ${report.tenants.length} tenants.</p>`,
    `<p class="meta" id="provenance">${htmlText(provenanceText(report.provenance))}</p>`,
    '<dl id="totals" class="totals" aria-label="Totals"></dl>',
    '</header>',
    '<noscript><p>This report is drawn by its inline script; the same data is in audit.json and audit.md.</p></noscript>',
    '<main>',
    '<div id="filters" class="filters" role="search" aria-label="Filters"></div>',
    '<div class="matrix-wrap"><table id="matrix" class="matrix" aria-label="Results by tenant and rule"></table></div>',
    '<ul id="legend" class="legend" aria-label="Legend"></ul>',
    '<section id="evidence" class="evidence-panel" aria-live="polite"><h2>Evidence</h2><p class="muted">Select a cell or a tenant to see its evidence.</p></section>',
    '</main>',
    `<script id="audit-data" type="application/json">${scriptJson(compactStableJson(report))}</script>`,
    `<script>${HTML_REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}


/** Nothing may load; only the inline script and stylesheet (pinned by their hashes) run. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src '${sha256(HTML_REPORT_SCRIPT)}'`,
    `style-src '${sha256(HTML_REPORT_STYLE)}'`,
    "base-uri 'none'",
  ].join('; ');
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
