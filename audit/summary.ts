import { terminalText } from '../format/terminal';
import { table } from '../format/text-table';
import { AuditReport } from './model';
import { ruleInfo } from './pack';

/** The summary printed to the terminal: totals, then every failure and error. */
export function auditSummary(report: AuditReport): string {
  const t = report.totals;
  const lines = [`Audit of ${t.tenants} tenants (${report.source === 'desired' ? 'desired state: the synthesized configuration' : report.source}): ${t.pass} pass, ${t.fail} fail, ${t.error} could not be evaluated, ${t.notApplicable} not applicable; ${t.tenantsFailing} tenants with findings`];
  // Messages quote evidence (state someone else can write): printed through terminalText.
  const rows = report.tenants.flatMap((a) => a.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => [a.tenantId, r.ruleId, ruleInfo(r.ruleId).severity, r.status, terminalText(r.message.length > 140 ? `${r.message.slice(0, 137)}...` : r.message)]));
  if (rows.length > 0) lines.push(table(['TENANT', 'RULE', 'SEVERITY', 'STATUS', 'FINDING'], rows, '  '));
  return lines.join('\n');
}
