import { AuditReport, Evidence, inputsRead, Provenance, RuleInfo, RuleResult, TenantAudit } from '../model';
import { shorten, valueText } from './value-text';
import { xmlAttribute, xmlText } from './xml-text';

/**
 * The audit as JUnit XML, for CI test reports: one testsuite per tenant, one testcase per rule
 * result (classname the tenant id, name the rule id and title). A fail is a `<failure>`, an
 * error (the rule could not decide) an `<error>`, not-applicable `<skipped/>`; the message
 * attribute carries the result's message and the element body the rule and its evidence.
 * Passes keep their evidence in `<system-out>`, so the report shows what was checked.
 */
export function renderJunit(report: AuditReport): string {
  const rulesById = new Map(report.rules.map((rule) => [rule.id, rule]));
  const t = report.totals;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttribute(`lz audit ${report.landingZone}`)}" tests="${t.pass + t.fail + t.error + t.notApplicable}" failures="${t.fail}" errors="${t.error}" skipped="${t.notApplicable}" time="0" timestamp="${xmlAttribute(report.generatedAt)}">`,
    ...report.tenants.flatMap((tenant) => testsuite(tenant, rulesById, report.generatedAt, report.provenance)),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

/** Longest evidence value written into a testcase body, in characters. */
export const JUNIT_VALUE_LIMIT = 2000;

function testsuite(tenant: TenantAudit, rulesById: ReadonlyMap<string, RuleInfo>, timestamp: string, provenance: Provenance): string[] {
  const count = (status: RuleResult['status']) => tenant.results.filter((r) => r.status === status).length;
  const attributes = [
    `name="${xmlAttribute(tenant.tenantId)}"`,
    `tests="${tenant.results.length}"`,
    `failures="${count('fail')}"`,
    `errors="${count('error')}"`,
    `skipped="${count('not-applicable')}"`,
    'time="0"',
    `timestamp="${xmlAttribute(timestamp)}"`,
  ];
  return [
    `  <testsuite ${attributes.join(' ')}>`,
    ...properties(tenant, provenance),
    ...tenant.results.flatMap((result) => testcase(tenant.tenantId, result, rulesById.get(result.ruleId))),
    ...(tenant.problems.length > 0 ? [`    <system-err>${xmlText(tenant.problems.map((p) => `Problem reading the evidence: ${p}`).join('\n'))}</system-err>`] : []),
    '  </testsuite>',
  ];
}

function properties(tenant: TenantAudit, provenance: Provenance): string[] {
  const pairs: Array<[string, string]> = [
    ['tool', provenance.tool],
    ...(provenance.commit ? [['commit', provenance.commit] as [string, string], ['uncommitted-changes', String(provenance.dirty ?? false)] as [string, string]] : []),
    ['evidence', provenance.evidence],
    ['inputs-relative-to', provenance.inputsRelativeTo],
    ['tier', tenant.tier],
    ['status', tenant.status],
    ['source', tenant.source],
    ...inputsRead(tenant).map((input): [string, string] => ['input', input]),
    ...tenant.problems.map((problem): [string, string] => ['problem', problem]),
  ];
  return [
    '    <properties>',
    ...pairs.map(([name, value]) => `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`),
    '    </properties>',
  ];
}

function testcase(tenantId: string, result: RuleResult, rule: RuleInfo | undefined): string[] {
  const name = rule ? `${result.ruleId} ${rule.title}` : result.ruleId;
  const open = `    <testcase classname="${xmlAttribute(tenantId)}" name="${xmlAttribute(name)}" time="0"`;
  const message = xmlAttribute(result.message);
  switch (result.status) {
    case 'pass':
      return [`${open}>`, `      <system-out>${xmlText(body(result, rule))}</system-out>`, '    </testcase>'];
    case 'fail':
      return [`${open}>`, `      <failure message="${message}" type="${xmlAttribute(rule?.severity ?? 'fail')}">${xmlText(body(result, rule))}</failure>`, '    </testcase>'];
    case 'error':
      return [`${open}>`, `      <error message="${message}" type="could-not-evaluate">${xmlText(body(result, rule))}</error>`, '    </testcase>'];
    case 'not-applicable':
      return [`${open}>`, `      <skipped message="${xmlAttribute(`not applicable: ${result.message}`)}"/>`, '    </testcase>'];
  }
}

function body(result: RuleResult, rule: RuleInfo | undefined): string {
  const ruleLine = rule ? [`Rule ${rule.id}: ${rule.title} (severity ${rule.severity}, contract ${rule.contract})`] : [`Rule ${result.ruleId}`];
  return [...ruleLine, result.message, ...evidenceLines(result.evidence)].join('\n');
}

function evidenceLines(evidence: ReadonlyArray<Evidence>): string[] {
  if (evidence.length === 0) return ['No evidence recorded.'];
  return [
    'Evidence:',
    ...evidence.flatMap((e) => [
      `- stack: ${e.stack}`,
      `  address: ${e.address}`,
      `  attribute: ${e.attribute}`,
      `  value: ${shorten(valueText(e.value), JUNIT_VALUE_LIMIT)}`,
    ]),
  ];
}
