import { codeSpan, markdownTable, markdownText, tableCode } from '../../format/markdown';
import { AuditReport, Evidence, inputsRead, Provenance, RuleInfo, RuleResult, RuleStatus, TenantAudit } from '../model';
import { needsAttention, STATUS_LABELS, STATUS_SYMBOLS } from './status';
import { shorten, valueText } from './value-text';

/**
 * The audit for people (a pull request comment, a file attached to an audit): where it comes
 * from, totals, a tenant-by-rule table, then per tenant what failed or could not be evaluated
 * with its evidence. Passes are counted; with `verbose`, the table lists every tenant and each
 * tenant's passes are listed (collapsed) with their evidence, as the other formats always do.
 */
export function renderMarkdown(report: AuditReport, opts: { readonly verbose?: boolean } = {}): string {
  const rulesById = new Map(report.rules.map((rule) => [rule.id, rule]));
  const verbose = opts.verbose ?? false;
  const shown = verbose ? report.tenants : report.tenants.filter(hasFindings);
  const lines = [
    `# Compliance audit: ${markdownText(report.landingZone)}`,
    '',
    `Generated ${markdownText(report.generatedAt)} from ${markdownText(report.source)} evidence: ${report.rules.length} rules, ${report.tenants.length} tenants.`,
    '',
    ...provenanceLines(report.provenance),
    ...totalsSection(report),
    ...summarySection(report, shown),
    ...rulesSection(report.rules),
    ...shown.flatMap((tenant) => tenantSection(tenant, rulesById, verbose)),
  ];
  return `${lines.join('\n')}\n`;
}

/** A tenant with a failure, an error or a problem reading its evidence. */
function hasFindings(tenant: TenantAudit): boolean {
  return tenant.problems.length > 0 || tenant.results.some(needsAttention);
}

function provenanceLines(p: Provenance): string[] {
  const commit = p.commit ? `commit ${codeSpan(p.commit.slice(0, 12))}${p.dirty ? ' with uncommitted changes' : ''}` : 'no git commit (not run in a repository)';
  return [
    '## Provenance',
    '',
    `- Tool: ${markdownText(p.tool)}, at ${commit}`,
    `- Evidence: ${markdownText(p.evidence)}`,
    `- Input paths are relative to ${markdownText(p.inputsRelativeTo)}`,
    '',
  ];
}

/** Longest evidence value shown, in characters; the JSON and HTML reports keep values whole. */
export const MARKDOWN_VALUE_LIMIT = 200;

function totalsSection(report: AuditReport): string[] {
  const t = report.totals;
  return [
    '## Totals',
    '',
    ...markdownTable(
      ['Tenants', `${STATUS_SYMBOLS.pass} Pass`, `${STATUS_SYMBOLS.fail} Fail`, `${STATUS_SYMBOLS.error} Error`, `${STATUS_SYMBOLS['not-applicable']} Not applicable`, 'Tenants failing'],
      ['right', 'right', 'right', 'right', 'right', 'right'],
      [[t.tenants, t.pass, t.fail, t.error, t.notApplicable, t.tenantsFailing].map(String)],
    ),
    '',
  ];
}

function summarySection(report: AuditReport, tenants: ReadonlyArray<TenantAudit>): string[] {
  const heading = ['## Tenants by rule', ''];
  if (report.tenants.length === 0) return [...heading, 'No tenants were audited.', ''];
  const omitted = report.tenants.length - tenants.length;
  const note = omitted > 0 ? [`${omitted} tenant${omitted === 1 ? '' : 's'} with every rule passing or not applicable ${omitted === 1 ? 'is' : 'are'} counted above, not listed (\`lz audit --verbose\` lists every tenant and result).`, ''] : [];
  if (tenants.length === 0) return [...heading, ...note];
  const rows = tenants.map((tenant) => [
    tableCode(tenant.tenantId),
    markdownText(tenant.tier),
    ...report.rules.map((rule) => summaryCell(tenant.results.find((r) => r.ruleId === rule.id))),
  ]);
  return [
    ...heading,
    ...markdownTable(
      ['Tenant', 'Tier', ...report.rules.map((rule) => tableCode(rule.id))],
      ['left', 'left', ...report.rules.map(() => 'center' as const)],
      rows,
    ),
    '',
    `${legend()}. An empty cell: the rule has no result for that tenant.`,
    '',
    ...note,
  ];
}

function summaryCell(result: RuleResult | undefined): string {
  return result ? STATUS_SYMBOLS[result.status] : '';
}

function legend(): string {
  const order: RuleStatus[] = ['pass', 'fail', 'error', 'not-applicable'];
  return order.map((status) => `${STATUS_SYMBOLS[status]} ${status === 'error' ? 'error (could not evaluate)' : STATUS_LABELS[status]}`).join(' · ');
}

function rulesSection(rules: ReadonlyArray<RuleInfo>): string[] {
  if (rules.length === 0) return [];
  return [
    '## Rules',
    '',
    ...markdownTable(
      ['Rule', 'Title', 'Severity', 'Tiers', 'Contract'],
      ['left', 'left', 'left', 'left', 'left'],
      rules.map((rule) => [tableCode(rule.id), markdownText(rule.title), rule.severity, rule.tiers.join(', '), markdownText(rule.contract)]),
    ),
    '',
  ];
}

function tenantSection(tenant: TenantAudit, rulesById: ReadonlyMap<string, RuleInfo>, verbose: boolean): string[] {
  const attention = tenant.results.filter(needsAttention);
  const rest = verbose ? tenant.results.filter((r) => !needsAttention(r)) : [];
  return [
    `## Tenant ${codeSpan(tenant.tenantId)} (${markdownText(tenant.tier)}, ${markdownText(tenant.status)})`,
    '',
    `${statusCounts(tenant.results)}.`,
    '',
    ...inputsLines(tenant),
    ...problemsLines(tenant.problems),
    ...attention.flatMap((result) => findingLines(result, rulesById.get(result.ruleId))),
    ...collapsedResults(rest, rulesById),
  ];
}

function statusCounts(results: ReadonlyArray<RuleResult>): string {
  const order: RuleStatus[] = ['fail', 'error', 'pass', 'not-applicable'];
  return order.map((status) => `${STATUS_SYMBOLS[status]} ${results.filter((r) => r.status === status).length} ${STATUS_LABELS[status]}`).join(' · ');
}

function inputsLines(tenant: TenantAudit): string[] {
  const from = `Evidence from ${markdownText(tenant.source)}`;
  const inputs = inputsRead(tenant);
  if (inputs.length === 0) return [`${from} (no inputs recorded).`, ''];
  return [`${from}: ${inputs.map(codeSpan).join(', ')}.`, ''];
}

function problemsLines(problems: ReadonlyArray<string>): string[] {
  if (problems.length === 0) return [];
  return ['**Problems reading the evidence:**', '', ...problems.map((p) => `- ${markdownText(p)}`), ''];
}

function findingLines(result: RuleResult, rule: RuleInfo | undefined): string[] {
  const title = rule ? ` ${markdownText(rule.title)} (${rule.severity})` : '';
  return [
    `### ${STATUS_SYMBOLS[result.status]} ${STATUS_LABELS[result.status]}: ${codeSpan(result.ruleId)}${title}`,
    '',
    markdownText(result.message),
    '',
    ...(rule ? [`> Why it matters (contract ${markdownText(rule.contract)}): ${markdownText(rule.rationale)}`, ''] : []),
    ...evidenceTable(result.evidence),
  ];
}

function evidenceTable(evidence: ReadonlyArray<Evidence>): string[] {
  if (evidence.length === 0) return ['_No evidence recorded._', ''];
  return [
    ...markdownTable(
      ['Stack', 'Address', 'Attribute', 'Value'],
      ['left', 'left', 'left', 'left'],
      evidence.map((e) => [tableCode(e.stack), tableCode(e.address), tableCode(e.attribute), tableCode(shorten(valueText(e.value), MARKDOWN_VALUE_LIMIT))]),
    ),
    '',
  ];
}

function collapsedResults(results: ReadonlyArray<RuleResult>, rulesById: ReadonlyMap<string, RuleInfo>): string[] {
  if (results.length === 0) return [];
  const passed = results.filter((r) => r.status === 'pass').length;
  const notApplicable = results.length - passed;
  return [
    '<details>',
    `<summary>${passed} passed, ${notApplicable} not applicable</summary>`,
    '',
    ...results.map((r) => {
      const title = rulesById.get(r.ruleId)?.title;
      return `- ${STATUS_SYMBOLS[r.status]} ${STATUS_LABELS[r.status]}: ${codeSpan(r.ruleId)}${title ? ` ${markdownText(title)}` : ''}: ${markdownText(r.message)}${evidenceSuffix(r.evidence)}`;
    }),
    '',
    '</details>',
    '',
  ];
}

/** Passing evidence in one line: where it was found, values shortened. */
function evidenceSuffix(evidence: ReadonlyArray<Evidence>): string {
  if (evidence.length === 0) return '';
  const items = evidence.map((e) => `${codeSpan(e.stack)} ${codeSpan(e.address)} ${codeSpan(e.attribute)} = ${codeSpan(shorten(valueText(e.value), MARKDOWN_VALUE_LIMIT))}`);
  return ` (${items.join('; ')})`;
}
