import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { RuleStatus } from '../../../audit/model';
import { renderSarif, SARIF_LEVELS } from '../../../audit/report/sarif';
import { inputOfStack, inputsRead } from '../../../audit/model';
import { inputUri } from '../../../audit/report/input-uri';
import { auditReport, EMPTY_REPORT, KEY_POLICY, LONG_VALUE, RULES, TENANTS } from './fixture';

/**
 * The SARIF 2.1.0 JSON schema as Microsoft ships it in @microsoft/jest-sarif (the 2.1.0-rtm.5
 * schema, draft-04). No npm package ships the OASIS file itself; this is the same schema that
 * @types/sarif is generated from.
 */
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;

// The schema's `language` pattern (`...[a-zA-Z]{2}]?$`) is not valid with the `u` flag, as in the OASIS file.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(SARIF_SCHEMA);

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

function parse(text: string): Log {
  return JSON.parse(text) as Log;
}

describe('SARIF report', () => {
  const text = renderSarif(auditReport());
  const log = parse(text);
  const run = log.runs[0];
  const results = run.results ?? [];

  test('validates against the SARIF 2.1.0 JSON schema', () => {
    expect(schemaErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
  });

  test('the schema check is real: it rejects a broken log', () => {
    const broken = parse(text);
    (broken.runs[0].results![0] as unknown as Record<string, unknown>).level = 'fatal';
    delete (broken.runs[0].tool.driver as unknown as Record<string, unknown>).name;
    expect(schemaErrors(broken)).toEqual(expect.arrayContaining([expect.stringContaining('/runs/0/results/0/level'), expect.stringContaining("must have required property 'name'")]));
  });

  test('the driver is lz-audit and its rules are the catalogue, levels mapped from severity', () => {
    const rules = run.tool.driver.rules ?? [];
    expect(run.tool.driver.name).toBe('lz-audit');
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    rules.forEach((descriptor, i) => {
      const rule = RULES[i];
      expect(descriptor.shortDescription?.text).toBe(rule.title);
      expect(descriptor.fullDescription?.text).toBe(rule.rationale);
      expect(descriptor.help?.text).toContain(rule.rationale);
      expect(descriptor.help?.text).toContain(rule.contract);
      expect(descriptor.properties?.tiers).toEqual(rule.tiers);
    });
    expect(rules.map((r) => r.defaultConfiguration?.level)).toEqual(['error', 'warning', 'note', 'error']);
    expect(SARIF_LEVELS).toEqual({ high: 'error', medium: 'warning', low: 'note' });
  });

  test('one result per fail or error, none for pass or not-applicable', () => {
    const expected = TENANTS.flatMap((t) => t.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => [t.tenantId, r.ruleId, r.status]));
    expect(results.map((r) => [r.properties?.tenantId, r.ruleId, r.properties?.auditStatus])).toEqual(expected);
    expect(expected.map((e) => e[2] as RuleStatus).sort()).toEqual(['error', 'fail', 'fail']);
  });

  test('each result has its rule id and index, the rule\'s level and the message', () => {
    for (const result of results) {
      const index = RULES.findIndex((r) => r.id === result.ruleId);
      expect(result.ruleIndex).toBe(index);
      expect(result.kind).toBe('fail');
      expect(result.level).toBe(SARIF_LEVELS[RULES[index].severity]);
    }
    const [acmeFail, globexFail, globexError] = results;
    expect(acmeFail.message.text).toBe('Role policy allows "dynamodb:*" on <all> tables | not only acme & co.\nSecond line: </script><!-- 🔐');
    expect(globexFail.message.text).toBe('The items table uses a key outside the tenant account.');
    expect(globexError.message.text).toBe('Could not evaluate: Could not read tenant-globex state: unexpected token < & bell \u0007.');
    expect(text).toContain('\\u0007');
  });

  test('locations: a logical location tenant/stack/address per evidence item, and the state input it came from', () => {
    const [acmeFail, globexFail, globexError] = results;
    const logical = (r: Result) => (r.locations ?? []).map((l) => l.logicalLocations?.[0]?.fullyQualifiedName);
    const physical = (r: Result) => (r.locations ?? []).map((l) => l.physicalLocation?.artifactLocation?.uri);
    expect(logical(acmeFail)).toEqual(['acme/tenant-acme/aws_iam_role_policy.data_access_1A2B', 'acme/tenant-acme/aws_iam_role.data|access']);
    expect(physical(acmeFail)).toEqual(['s3://lz-state/tenants/acme/tenant.tfstate', 's3://lz-state/tenants/acme/tenant.tfstate']);
    expect(logical(globexFail)).toEqual(['globex/account-globex/aws_kms_key.tenant']);
    expect(physical(globexFail)).toEqual(['state/tenants/globex/account.tfstate']);
    expect(physical(globexError)).toEqual(['state/tenant-globex.tfstate']);
    expect(acmeFail.locations?.[0].logicalLocations?.[0]).toEqual({ name: 'aws_iam_role_policy.data_access_1A2B', fullyQualifiedName: 'acme/tenant-acme/aws_iam_role_policy.data_access_1A2B', kind: 'resource' });
    expect(acmeFail.locations?.[0].message?.text).toBe(`policy = ${JSON.stringify(KEY_POLICY)}`);
  });

  test.each([
    ['could not be read', [{ stack: 'tenant-acme', input: 's3://lz-state/tenants/acme/tenant.tfstate', problem: 'not valid JSON' }]],
    ['was not collected', [{ stack: 'platform', input: 'shared/platform.tfstate' }]],
  ])('a location names no file when the stack\'s evidence %s', (_why, stacks) => {
    const report = auditReport([{ ...TENANTS[0], stacks }]);
    const [result] = parse(renderSarif(report)).runs[0].results!;
    expect(result.locations?.map((l) => l.physicalLocation)).toEqual([undefined, undefined]);
    expect(schemaErrors(parse(renderSarif(report)))).toEqual([]);
  });

  test('the evidence is kept whole in the result\'s property bag', () => {
    const [acmeFail, globexFail] = results;
    expect(acmeFail.properties?.evidence).toEqual(TENANTS[0].results[1].evidence);
    expect((globexFail.properties?.evidence as Array<{ value: string }>)[0].value).toBe(LONG_VALUE);
    expect(acmeFail.partialFingerprints).toEqual({ 'lzAuditFinding/v1': 'acme/LZ-IAM-02' });
  });

  test('problems reading a tenant\'s evidence are tool execution notifications', () => {
    const notifications = run.invocations?.[0].toolExecutionNotifications ?? [];
    expect(notifications.map((n) => [n.level, n.message.text])).toEqual([['error', 'globex: tenant-globex.tfstate: unexpected token < at line 1 & column 2 \u0007']]);
  });

  test('an audit of no tenants is a valid log with the rules and no results', () => {
    const empty = parse(renderSarif(EMPTY_REPORT));
    expect(schemaErrors(empty)).toEqual([]);
    expect(empty.runs[0].results).toEqual([]);
    expect(empty.runs[0].tool.driver.rules).toHaveLength(RULES.length);
  });
});

describe('stack inputs', () => {
  const stacks = [
    { stack: 'platform', input: 'shared/platform.tfstate' },
    { stack: 'account-acme', input: 'state/tenants/acme/account.tfstate' },
    { stack: 'tenant-acme', input: 'state/tenants/acme/tenant.tfstate.json', problem: 'not valid JSON' },
  ];

  test.each([
    ['platform', 'shared/platform.tfstate'],
    ['account-acme', 'state/tenants/acme/account.tfstate'],
    ['tenant-acme', undefined],
    ['tenant-other', undefined],
  ])('stack %s was read from %j', (stack, expected) => {
    expect(inputOfStack({ stacks }, stack)).toBe(expected);
  });

  test('the inputs read are those of the stacks without a problem, in collection order', () => {
    expect(inputsRead({ stacks })).toEqual(['shared/platform.tfstate', 'state/tenants/acme/account.tfstate']);
  });

  test.each([
    ['s3://bucket/tenants/acme/tenant.tfstate', 's3://bucket/tenants/acme/tenant.tfstate'],
    ['state dir/tenant #1?.tfstate', 'state%20dir/tenant%20%231%3F.tfstate'],
    ['/abs/state dir/tenant-acme.tfstate', 'file:///abs/state%20dir/tenant-acme.tfstate'],
    ['state\\tenants\\acme\\tenant.tfstate', 'state/tenants/acme/tenant.tfstate'],
  ])('inputUri(%j) is %j', (input, expected) => {
    expect(inputUri(input)).toBe(expected);
  });
});
