import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { formatDiagnostic } from '../../model/diagnostics';
import { tenantJsonSchema } from '../../model/json-schema';
import { EXAMPLE_SETTINGS, errorsOf, l1, l2, l3, lineOf, makeFixture, Manifest, toYaml } from '../helpers/fixture';
import { operationsManifests } from '../helpers/operations-fixture';

/**
 * The operations fields (budget, backup.restoreTesting, support, residency): one bad manifest
 * per rule, each located (file, line, field) with what would be valid, the rest of the set
 * clean; and the editor schema rejects what it can see.
 */
interface Case {
  readonly name: string;
  readonly manifest: Manifest;
  readonly code: string;
  readonly field: string;
  readonly needle: string;
  readonly message: RegExp;
  readonly expected?: RegExp;
  /** Which occurrence of the needle is the reported line. @default 1 */
  readonly occurrence?: number;
}

function lineOfNth(text: string, needle: string, n: number): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === n) return i + 1;
  throw new Error(`"${needle}" does not occur ${n} times`);
}

const backup = { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 };
const billing = { name: 'Finance', email: 'finance@acme.example', role: 'billing' };
const owner = { name: 'Owner', email: 'owner@acme.example', role: 'owner' };
const grant = { ticket: 'CHG-1', from: '2026-12-01T08:00Z', until: '2026-12-01T20:00Z' };

const CASES: Case[] = [
  // budget
  { name: 'budget of zero', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 0 } }), code: 'schema', field: 'budget.monthlyLimitUsd', needle: 'monthlyLimitUsd', message: /0 is too small|is not valid/, expected: /greater than 0/ },
  { name: 'budget in fractions of a cent', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 10.005 } }), code: 'schema', field: 'budget.monthlyLimitUsd', needle: 'monthlyLimitUsd', message: /is not valid/, expected: /two decimals/ },
  { name: 'budget limit as a string', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: '2500' } }), code: 'schema', field: 'budget.monthlyLimitUsd', needle: 'monthlyLimitUsd', message: /is a string/, expected: /US dollars/ },
  { name: 'six budget alerts', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 10, alerts: [10, 20, 30, 40, 50, 60].map((t) => ({ thresholdPercent: t })) } }), code: 'schema', field: 'budget.alerts', needle: '- thresholdPercent: 10', message: /too long/, expected: /at most 5 alerts/ },
  { name: 'the same alert twice', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 10, alerts: [{ thresholdPercent: 80 }, { thresholdPercent: 80, type: 'actual' }] } }), code: 'schema', field: 'budget.alerts[1]', needle: '- thresholdPercent: 80', occurrence: 2, message: /repeats alerts\[0\]/, expected: /each threshold and type once/ },
  { name: 'unknown alert type', manifest: l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 10, alerts: [{ thresholdPercent: 80, type: 'predicted' }] } }), code: 'schema', field: 'budget.alerts[0].type', needle: 'predicted', message: /"predicted" is not allowed/, expected: /"forecasted"/ },
  { name: 'SNS topic that is not an ARN', manifest: l1('acme', { budget: { monthlyLimitUsd: 10, snsTopicArn: 'billing-alerts' } }), code: 'schema', field: 'budget.snsTopicArn', needle: 'snsTopicArn', message: /is not valid/, expected: /SNS topic ARN/ },
  { name: 'budget alerts that reach nobody', manifest: l1('acme', { budget: { monthlyLimitUsd: 10 } }), code: 'budget-recipients', field: 'budget', needle: 'budget:', message: /would reach nobody/, expected: /budget\.recipients, a contact with role: billing, or budget\.snsTopicArn/ },
  // restore testing
  { name: 'restore copies kept longer than AWS allows', manifest: l2('acme', { backup: { ...backup, restoreTesting: { keepRestoredHours: 200 } } }), code: 'schema', field: 'backup.restoreTesting.keepRestoredHours', needle: 'keepRestoredHours', message: /too big|too large/, expected: /at most 168 hours/ },
  { name: 'unknown restore frequency', manifest: l2('acme', { backup: { ...backup, restoreTesting: { frequency: 'hourly' } } }), code: 'schema', field: 'backup.restoreTesting.frequency', needle: 'hourly', message: /"hourly" is not allowed/, expected: /"weekly"/ },
  { name: 'unknown restore resource', manifest: l2('acme', { backup: { ...backup, restoreTesting: { resources: ['items', 'logs'] } } }), code: 'schema', field: 'backup.restoreTesting.resources[1]', needle: '- logs', message: /"logs" is not allowed/, expected: /"files"/ },
  { name: 'a restore resource twice', manifest: l2('acme', { backup: { ...backup, restoreTesting: { resources: ['items', 'items'] } } }), code: 'schema', field: 'backup.restoreTesting.resources', needle: '- items', message: /is not valid/, expected: /each resource once/ },
  { name: 'restore hour 24', manifest: l2('acme', { backup: { ...backup, restoreTesting: { hourUtc: 24 } } }), code: 'schema', field: 'backup.restoreTesting.hourUtc', needle: 'hourUtc', message: /too big|too large/, expected: /0-23/ },
  // support
  { name: 'support for an L1 tenant', manifest: l1('acme', { support: { readOnly: true } }), code: 'tier-field', field: 'support', needle: 'support:', message: /not allowed for tier L1/, expected: /no support for tier L1/ },
  { name: 'tenant approval for an L2 tenant', manifest: l2('acme', { support: { breakGlass: 'tenant-approval' } }), code: 'break-glass-approval', field: 'support.breakGlass', needle: 'breakGlass', message: /only L3 tenants have \(tier is L2\)/, expected: /tier L3 \(with changeApprovers\)/ },
  { name: 'a grant without tenant approval', manifest: l3('acme', { support: { grant } }), code: 'schema', field: 'support.grant', needle: 'ticket: CHG-1', message: /a grant applies to breakGlass: tenant-approval only/, expected: /breakGlass: tenant-approval, or no grant/ },
  { name: 'a grant that ends before it starts', manifest: l3('acme', { support: { breakGlass: 'tenant-approval', grant: { ...grant, until: '2026-11-30T08:00Z' } } }), code: 'schema', field: 'support.grant.until', needle: 'until', message: /is not after from/, expected: /a time after 2026-12-01T08:00Z/ },
  { name: 'a grant longer than the landing zone allows', manifest: l3('acme', { support: { breakGlass: 'tenant-approval', grant: { ...grant, until: '2026-12-09T08:00Z' } } }), code: 'break-glass-grant', field: 'support.grant.until', needle: 'until', message: /spans 192 hours, more than the 72/, expected: /until at most 2026-12-04T08:00Z/ },
  { name: 'a ticket of no allowed pattern', manifest: l3('acme', { support: { breakGlass: 'tenant-approval', grant: { ...grant, ticket: 'JIRA-9' } } }), code: 'break-glass-grant', field: 'support.grant.ticket', needle: 'JIRA-9', message: /matches none of the landing zone's ticket patterns/, expected: /INC-\*, CHG-\*/ },
  { name: 'a grant time that is no time', manifest: l3('acme', { support: { breakGlass: 'tenant-approval', grant: { ...grant, from: '2026-12-01 08:00' } } }), code: 'schema', field: 'support.grant.from', needle: 'from:', message: /is not valid/, expected: /YYYY-MM-DDTHH:MMZ/ },
  { name: 'unknown break-glass mode', manifest: l2('acme', { support: { breakGlass: 'always' } }), code: 'schema', field: 'support.breakGlass', needle: 'always', message: /"always" is not allowed/, expected: /"platform-approval"/ },
  // residency
  { name: 'residency outside the allow-list', manifest: l2('acme', { residency: ['eu-west-1', 'ap-southeast-2'] }), code: 'residency', field: 'residency[1]', needle: 'ap-southeast-2', message: /ap-southeast-2 is not in the landing-zone allow-list/, expected: /eu-west-1, eu-central-1, eu-north-1, us-east-1/ },
  { name: 'home region outside the residency', manifest: l2('acme', { homeRegion: 'us-east-1', residency: ['eu-west-1', 'eu-central-1'] }), code: 'residency', field: 'homeRegion', needle: 'homeRegion', message: /homeRegion us-east-1 is outside the tenant's residency \(eu-west-1, eu-central-1\)/, expected: /homeRegion one of eu-west-1, eu-central-1/ },
  {
    name: 'an L1 tenant whose residency excludes the platform region',
    manifest: l1('acme', { residency: ['eu-central-1'] }),
    code: 'residency',
    field: 'residency',
    needle: 'residency:',
    message: /pooled tables of the platform home region eu-west-1, which this residency excludes/,
    expected: /tier L2 or L3 with homeRegion eu-central-1 .*service control policy.*or eu-west-1 in residency/,
  },
  { name: 'a residency region twice', manifest: l2('acme', { residency: ['eu-west-1', 'eu-west-1'] }), code: 'schema', field: 'residency', needle: '- eu-west-1', message: /is not valid/, expected: /each region once/ },
];

describe('operations fields: one bad manifest per rule', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fx = makeFixture({ tenants: { 'ded-b.yaml': operationsManifests()['ded-b.yaml'], 'acme.yaml': c.manifest } });
    try {
      const result = fx.validate();
      const text = toYaml(c.manifest);
      const found = result.diagnostics.filter((d) => d.code === c.code && d.field === c.field && d.file.endsWith('acme.yaml'));
      expect([c.name, found.map(formatDiagnostic)]).toEqual([c.name, [expect.any(String)]]);
      const d = found[0];
      expect(d.severity).toBe('error');
      expect(d.message).toMatch(c.message);
      if (c.expected) expect(d.expected).toMatch(c.expected);
      expect(d.line).toBe(c.occurrence ? lineOfNth(text, c.needle, c.occurrence) : lineOf(text, c.needle));
      expect(d.column).toBeGreaterThan(0);
      expect(result.diagnostics.filter((x) => !x.file.endsWith('acme.yaml'))).toEqual([]);
      expect(result.landingZone).toBeUndefined();
    } finally {
      fx.cleanup();
    }
  });

  test('a dedicated tenant the shared app serves, with a residency without the platform region: a located warning naming the tier that keeps everything in', () => {
    const m = l2('acme', { homeRegion: 'eu-central-1', residency: ['eu-central-1'] });
    const pending = l3('beta', { homeRegion: 'eu-central-1', residency: ['eu-central-1'], encryption: { byok: 'imported', keyMaterialImported: false } });
    const inEffect = l3('gamma', { homeRegion: 'eu-central-1', residency: ['eu-central-1'], account: { email: 'aws+gamma@saas.example' } });
    const fx = makeFixture({ tenants: { 'acme.yaml': m, 'beta.yaml': { ...pending, account: { email: 'aws+beta@saas.example' } }, 'gamma.yaml': inEffect } });
    try {
      const result = fx.validate();
      const warnings = result.diagnostics.filter((d) => d.code === 'residency-shared-app');
      expect(warnings.map((d) => [path.basename(d.file), d.severity, d.field, d.line])).toEqual([
        ['acme.yaml', 'warning', 'residency', lineOf(toYaml(m), 'residency:')],
        ['beta.yaml', 'warning', 'residency', lineOf(toYaml({ ...pending, account: { email: 'aws+beta@saas.example' } }), 'residency:')],
      ]);
      expect(warnings[0].message).toMatch(/the shared app and user pool that serve L2 tenants run in eu-west-1/);
      expect(warnings[1].message).toMatch(/serve it while BYOK is pending/);
      expect(warnings[0].expected).toBe('tier L3 with its own app in eu-central-1 (BYOK in effect), or eu-west-1 in residency');
      expect(result.landingZone).toBeDefined();
    } finally {
      fx.cleanup();
    }
  });

  test('settings: a ticket pattern of wildcards alone, and a break-glass session longer than 12 hours, are located errors', () => {
    const settings = fs.readFileSync(EXAMPLE_SETTINGS, 'utf8').replace('ticketPatterns: [INC-*, CHG-*]', 'ticketPatterns: [INC-*, "*"]').replace('breakGlassSessionHours: 1', 'breakGlassSessionHours: 24');
    const fx = makeFixture({ settings });
    try {
      const errors = errorsOf(fx.validate()).map((d) => [d.field, d.line, d.expected]);
      expect(errors).toEqual([
        ['support.breakGlassSessionHours', lineOf(settings, 'breakGlassSessionHours'), expect.stringMatching(/at most 12 hours/)],
        ['support.ticketPatterns[1]', lineOf(settings, 'ticketPatterns'), expect.stringMatching(/at least one letter or digit/)],
      ]);
    } finally {
      fx.cleanup();
    }
  });

  test('every manifest of the operations fixture is valid, and so is each feature used on its own', () => {
    const fx = makeFixture({ tenants: operationsManifests() });
    try {
      expect(errorsOf(fx.validate())).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('the editor schema sees the operations fields: types, ranges and support on L1', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(tenantJsonSchema());
    for (const m of Object.values(operationsManifests())) expect([m.id, validate(m), validate.errors]).toEqual([m.id, true, null]);
    for (const c of CASES.filter((x) => x.code === 'schema' || x.code === 'tier-field')) {
      // Refinements the JSON Schema cannot express (cents, repeats, time order) are lz validate's alone.
      if (/cent|twice|ends before|no time|without tenant approval/.test(c.name)) continue;
      expect([c.name, validate(c.manifest)]).toEqual([c.name, false]);
    }
  });
});
