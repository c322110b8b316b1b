import { SaxesParser } from 'saxes';
import { AuditReport, RuleInfo, TenantAudit, totalsOf } from '../../../audit/model';
import { renderAudit } from '../../../audit/report';
import { INJECTION, markupOf } from '../../helpers/markdown-check';

/**
 * Every field an audit report prints holds Markdown and HTML: each format must carry it as text
 * of that format (Markdown escaped, HTML escaped or inside the JSON data block, XML escaped and
 * read back unchanged, SARIF plain text), never as markup.
 */
const P = INJECTION;
const rule: RuleInfo = { id: `rule ${P}`, title: P, severity: 'high', tiers: ['L1', 'L2', 'L3'], contract: P, rationale: P, scope: { stacks: ['tenant'], resourceTypes: ['aws_s3_bucket'] } };
const evidence = [{ stack: P, address: P, attribute: P, value: P }, { stack: P, address: P, attribute: P, value: { [P]: [P] } }];
const tenant = (id: string): TenantAudit => ({
  tenantId: id,
  tier: 'L1',
  status: P,
  source: 'state',
  stacks: [{ stack: P, input: P }, { stack: `${P}-2`, input: P, problem: P }],
  results: [
    { ruleId: rule.id, status: 'fail', message: P, evidence, stacks: [P] },
    { ruleId: `${rule.id}-error`, status: 'error', message: P, evidence: [], stacks: [P] },
    { ruleId: `${rule.id}-pass`, status: 'pass', message: P, evidence },
  ],
  problems: [P],
});
const tenants = [tenant(P), tenant(`${P}-b`)];
const report: AuditReport = {
  landingZone: P,
  generatedAt: P,
  source: 'state',
  provenance: { tool: P, commit: P, dirty: true, evidence: P, inputsRelativeTo: P },
  rules: [rule, { ...rule, id: `${rule.id}-error` }, { ...rule, id: `${rule.id}-pass` }],
  tenants,
  totals: totalsOf(tenants),
};

describe('audit reports: no field can add markup', () => {
  test.each([{}, { verbose: true }])('Markdown %j: only the markup the renderer writes', (opts) => {
    const md = renderAudit(report, 'md', opts);
    // strong and em: the renderer's own "Problems reading the evidence" and "No evidence recorded".
    const found = markupOf(md, ['p', 'h1', 'h2', 'h3', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'details', 'summary', 'br', 'blockquote', 'hr', 'strong', 'em']);
    expect(found.tags).toEqual([]);
    expect(found.links).toEqual([]);
    expect(found.brokenRows).toBe(0);
    expect(found.rendered).not.toMatch(/<strong>bold|<em>em|<del>|<img|<script|<li>item|<h\d>heading/);
    // The payload is printed (escaped) in many places, so every field went through the check.
    expect(md.split('x \\*\\*bold\\*\\*').length + md.split('``x **bold**').length).toBeGreaterThan(10);
  });

  test('HTML: the payload is text in the page and data in the JSON block, never an element', () => {
    const html = renderAudit(report, 'html');
    const [page, rest] = html.split('<script id="audit-data" type="application/json">');
    const data = rest.slice(0, rest.indexOf('</script>'));
    expect(page).not.toMatch(/<img|<script>alert|<\/details>|<\/summary>/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(data).not.toContain('<');
    expect(JSON.parse(data).provenance.evidence).toBe(P);
  });

  test('JUnit XML: well-formed, and every value reads back as it was', () => {
    const xml = renderAudit(report, 'junit');
    const errors: string[] = [];
    const sax = new SaxesParser();
    sax.on('error', (e) => errors.push(e.message));
    sax.write(xml).close();
    expect(errors).toEqual([]);
    // Read back with the strict parser, which decodes character references in attributes.
    const attributes: Array<Record<string, string>> = [];
    const reader = new SaxesParser();
    reader.on('opentag', (tag) => attributes.push({ element: tag.name, ...(tag.attributes as Record<string, string>) }));
    reader.write(xml).close();
    const props = Object.fromEntries(attributes.filter((a) => a.element === 'property').map((a) => [a.name, a.value]));
    expect(props.evidence).toBe(P);
    expect(props.tool).toBe(P);
    expect(attributes.find((a) => a.element === 'testsuite')!.name).toBe(P);
    expect(attributes.find((a) => a.element === 'failure')!.message).toBe(P);
  });

  test('SARIF: valid JSON whose messages are plain text (no markdown fields)', () => {
    const sarif = JSON.parse(renderAudit(report, 'sarif'));
    const run = sarif.runs[0];
    expect(run.results[0].message.text).toBe(P);
    expect(run.properties.provenance.evidence).toBe(P);
    expect(JSON.stringify(sarif)).not.toMatch(/"markdown"/);
  });
});
