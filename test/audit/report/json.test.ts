import { AuditReport } from '../../../audit/model';
import { renderJson } from '../../../audit/report/json';
import { auditReport, EMPTY_REPORT } from './fixture';

/** The same data with every object's keys inserted in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }
  return value;
}

describe('JSON report', () => {
  const report = auditReport();
  const json = renderJson(report);

  test('is the AuditReport itself: parsing it gives back the report, every status and evidence field included', () => {
    expect(JSON.parse(json)).toEqual(report);
    const parsed = JSON.parse(json) as AuditReport;
    expect(parsed.tenants.flatMap((t) => t.results.map((r) => r.status))).toEqual(report.tenants.flatMap((t) => t.results.map((r) => r.status)));
    expect(parsed.tenants[1].results[0].evidence[0]).toEqual({ stack: 'account-globex', address: 'aws_kms_key.tenant', attribute: 'arn', value: report.tenants[1].results[0].evidence[0].value });
  });

  test('is pretty-printed with two spaces and ends with a newline', () => {
    expect(json.split('\n').slice(0, 3)).toEqual(['{', '  "generatedAt": "2026-11-23T10:00:00.000Z",', '  "landingZone": "lz<&>",']);
    expect(json.endsWith('}\n')).toBe(true);
  });

  test('has a stable key order: the same data built in another key order gives the same bytes', () => {
    expect(renderJson(reversedKeys(report))).toBe(json);
    expect(renderJson(auditReport())).toBe(json);
  });

  test('keeps the model order of tenants, rules and results', () => {
    const parsed = JSON.parse(json) as AuditReport;
    expect(parsed.tenants.map((t) => t.tenantId)).toEqual(['acme', 'globex', 'initech']);
    expect(parsed.rules.map((r) => r.id)).toEqual(['LZ-KEY-01', 'LZ-IAM-02', 'LZ-BAK-03', 'LZ-TAG-04']);
    expect(parsed.tenants[0].results.map((r) => r.ruleId)).toEqual(['LZ-KEY-01', 'LZ-IAM-02', 'LZ-BAK-03', 'LZ-TAG-04']);
  });

  test('renders an audit of no tenants', () => {
    expect(JSON.parse(renderJson(EMPTY_REPORT))).toEqual(EMPTY_REPORT);
  });
});
