import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import { orderedJson, stableStringify } from '../../format/stable-json';
import { AuditReport, Evidence, inputOfStack, provenanceText, RuleInfo, RuleResult, Severity, TenantAudit } from '../model';
import { inputUri } from './input-uri';
import { shorten, valueText } from './value-text';

/**
 * The audit as SARIF 2.1.0, for code-scanning tools: one run of the `lz-audit` driver whose
 * rules are the catalogue, and one result per fail or error.
 *
 * An error (a rule that could not decide) is reported as a finding like a fail, at the rule's
 * level, with `properties.auditStatus` saying which it was: evidence that cannot be checked is
 * not compliance. Each result has a location per evidence item: a logical location
 * `tenant/stack/address`, and the input that stack's evidence was read from, when it was read. Problems reading a tenant's evidence are also tool notifications.
 */
export function renderSarif(report: AuditReport): string {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const rulesById = new Map(report.rules.map((rule) => [rule.id, rule]));
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: SARIF_TOOL_NAME, version: report.provenance.tool.replace(/^lz /, ''), rules: report.rules.map(ruleDescriptor) } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.tenants.flatMap(problemNotifications) }],
        results: report.tenants.flatMap((tenant) =>
          tenant.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => sarifResult(tenant, r, rulesById.get(r.ruleId), ruleIndex.get(r.ruleId))),
        ),
        properties: {
          landingZone: report.landingZone,
          generatedAt: report.generatedAt,
          source: report.source,
          provenance: { ...report.provenance, text: provenanceText(report.provenance) },
          totals: { ...report.totals },
        },
      },
    ],
  };
  return `${orderedJson(log)}\n`;
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SARIF_TOOL_NAME = 'lz-audit';

/** A rule's default level, from its severity. */
export const SARIF_LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };

/** GitHub code scanning ranks security results by this property (a CVSS-like score as a string). */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '2.0' };

/** Longest evidence value in a location's message, in characters (the property bag keeps it whole). */
const LOCATION_VALUE_LIMIT = 200;

function ruleDescriptor(rule: RuleInfo): ReportingDescriptor {
  const tiers = rule.tiers.length > 0 ? rule.tiers.join(', ') : 'none';
  return {
    id: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: `${rule.title}. Isolation contract: ${rule.contract}. Tiers: ${tiers}. Why it matters: ${rule.rationale}` },
    defaultConfiguration: { level: SARIF_LEVELS[rule.severity] },
    properties: {
      tags: ['security', 'compliance', 'tenant-isolation'],
      severity: rule.severity,
      tiers: [...rule.tiers],
      contract: rule.contract,
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function sarifResult(tenant: TenantAudit, result: RuleResult, rule: RuleInfo | undefined, index: number | undefined): Result {
  return {
    ruleId: result.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    kind: 'fail',
    level: rule ? SARIF_LEVELS[rule.severity] : 'error',
    message: { text: result.status === 'error' ? `Could not evaluate: ${result.message}` : result.message },
    locations: locations(tenant, result.evidence),
    partialFingerprints: { 'lzAuditFinding/v1': `${tenant.tenantId}/${result.ruleId}` },
    properties: {
      tenantId: tenant.tenantId,
      tier: tenant.tier,
      tenantStatus: tenant.status,
      auditStatus: result.status,
      evidence: result.evidence.map(evidenceProperty),
    },
  };
}

function locations(tenant: TenantAudit, evidence: ReadonlyArray<Evidence>): Location[] {
  if (evidence.length === 0) return [{ logicalLocations: [{ name: tenant.tenantId, fullyQualifiedName: tenant.tenantId, kind: 'namespace' }] }];
  return evidence.map((e) => {
    const input = inputOfStack(tenant, e.stack);
    return {
      ...(input === undefined ? {} : { physicalLocation: { artifactLocation: { uri: inputUri(input) } } }),
      logicalLocations: [{ name: e.address, fullyQualifiedName: `${tenant.tenantId}/${e.stack}/${e.address}`, kind: 'resource' }],
      message: { text: `${e.attribute} = ${shorten(valueText(e.value), LOCATION_VALUE_LIMIT)}` },
    };
  });
}

/** Evidence for the property bag, the value whole, its object keys sorted so the bytes are stable. */
function evidenceProperty(e: Evidence): Record<string, unknown> {
  return {
    stack: e.stack,
    address: e.address,
    attribute: e.attribute,
    ...(e.value === undefined ? {} : { value: JSON.parse(stableStringify(e.value)) as unknown }),
  };
}

function problemNotifications(tenant: TenantAudit): Notification[] {
  return tenant.problems.map((problem) => ({
    level: 'error',
    message: { text: `${tenant.tenantId}: ${problem}` },
    locations: [{ logicalLocations: [{ name: tenant.tenantId, fullyQualifiedName: tenant.tenantId, kind: 'namespace' }] }],
  }));
}
