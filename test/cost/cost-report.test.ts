import * as fs from 'fs';
import * as path from 'path';
import { CostExplorerClient, GetCostAndUsageCommand, GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { runCostReport } from '../../cost/run';
import { money } from '../../cost/report';
import { reportMonths } from '../../scripts/commands/cost-report';
import { lz as runLz } from '../helpers/cli';
import { makeFixture } from '../helpers/fixture';
import { operationsLandingZone, operationsManifests } from '../helpers/operations-fixture';
import { tempDir } from '../helpers/synth';

/**
 * `lz cost-report` against Cost Explorer mocked with GetCostAndUsage responses in the API's
 * format (fixtures/README.md): per-tenant cost by tier, month and service, the pooled shared
 * cost apart from what the TenantId tag attributes, what belongs to nobody listed.
 */
const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string): GetCostAndUsageCommandOutput => ({ ...JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')), $metadata: { httpStatusCode: 200 } });
const lz = operationsLandingZone();

/** Answers like Cost Explorer: by the query's first group and the page token; `edit` may change a page. */
function costExplorer(edit: (name: string, page: GetCostAndUsageCommandOutput) => GetCostAndUsageCommandOutput = (_n, p) => p) {
  const mock = mockClient(CostExplorerClient);
  mock.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageCommandInput) => {
    const name = input.GroupBy?.[0]?.Type === 'TAG' ? 'by-tenant-tag.json' : input.NextPageToken ? 'by-linked-account.page-2.json' : 'by-linked-account.page-1.json';
    return edit(name, fixture(name));
  });
  return mock;
}

afterEach(() => mockClient(CostExplorerClient).restore());

async function report(accountIds?: Record<string, string>, edit?: Parameters<typeof costExplorer>[0]) {
  const mock = costExplorer(edit);
  const out = tempDir('lz-cost-');
  const run = await runCostReport(lz, { months: ['2026-09', '2026-10'], metric: 'UnblendedCost', formats: ['md', 'json'], outDir: out, accountIds }, { costExplorer: new CostExplorerClient({ region: 'us-east-1' }) });
  return { ...run, mock, out };
}

describe('cost report from Cost Explorer', () => {
  test('asks for both views, monthly, over the months, following the pages', async () => {
    const { mock } = await report();
    const calls = mock.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input);
    const common = { TimePeriod: { Start: '2026-09-01', End: '2026-11-01' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'] };
    expect(calls).toEqual([
      { ...common, GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, { Type: 'DIMENSION', Key: 'SERVICE' }] },
      { ...common, GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, { Type: 'DIMENSION', Key: 'SERVICE' }], NextPageToken: 'AAMA-EFRSURBSGhsdE9scWFwN2lQbUZ1dzdnbDJ3NQ==' },
      { ...common, GroupBy: [{ Type: 'TAG', Key: 'TenantId' }, { Type: 'DIMENSION', Key: 'SERVICE' }], Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [lz.settings.organization.platformAccountId] } } },
    ]);
  });

  test('per tenant and month: its own account (by adopted id or by the account name) plus what its tag attributes in the platform account', async () => {
    const { report: r } = await report();
    const rows = r.tenants.map((t) => [t.tenantId, t.tier, t.account?.id ?? '-', ...r.months.map((m) => [t.months[m].total, t.months[m].ownAccount, t.months[m].taggedInPlatform])]);
    expect(rows).toEqual([
      ['ded-a', 'L2', '123456789012', [585.62, 585.41, 0.21], [639.74, 639.51, 0.23]],
      ['ded-b', 'L3', '210987654321', [2992.13, 2991.8, 0.33], [3176.8, 3176.45, 0.35]],
      ['ded-c', 'L3', '310987654321', [95.3, 95.2, 0.1], [101.5, 101.4, 0.1]],
      ['pool-a', 'L1', '-', [1.62, 0, 1.62], [1.87, 0, 1.87]],
      ['pool-b', 'L1', '-', [0.08, 0, 0.08], [0.09, 0, 0.09]],
    ]);
    expect(r.tenants.find((t) => t.tenantId === 'ded-a')!.months['2026-09'].services).toEqual({ 'AWS Backup': 61.4, 'AWS Key Management Service': 3, 'Amazon DynamoDB': 412.33, 'Amazon Simple Queue Service': 0.21, 'Amazon Simple Storage Service': 96.12, AmazonCloudWatch: 12.55 });
    expect(r.tenants.find((t) => t.tenantId === 'ded-a')!.months['2026-09'].budgetPercent).toBe(39);
    expect(r.tenants.find((t) => t.tenantId === 'pool-a')!.months['2026-10'].budgetPercent).toBe(0.9);
    expect(r.estimated).toEqual(['2026-10']);
  });

  test('by tier; the pooled shared cost apart, never in a tenant or a tier; what belongs to nobody listed', async () => {
    const { report: r } = await report();
    expect(r.byTier).toEqual({ L1: { '2026-09': 1.7, '2026-10': 1.96 }, L2: { '2026-09': 585.62, '2026-10': 639.74 }, L3: { '2026-09': 3087.43, '2026-10': 3278.3 } });
    expect(r.pooledShared.months).toEqual({ '2026-09': 1910.46, '2026-10': 2044.19 });
    expect(r.pooledShared.services['Amazon DynamoDB']).toEqual({ '2026-09': 911.4, '2026-10': 980.22 });
    expect(r.unattributed).toEqual([
      { kind: 'account', key: '111111111111', name: 'kpz-management', months: { '2026-09': 1.31, '2026-10': 1.52 } },
      { kind: 'account', key: '444455556666', name: 'data-science-sandbox', months: { '2026-09': 610.44, '2026-10': 702.05 } },
      { kind: 'tag', key: 'legacy-acme', months: { '2026-09': 7.5, '2026-10': 7.5 } },
    ]);
    expect(r.sources).toEqual([
      { query: 'by linked account and service', pages: 2 },
      { query: `by tag TenantId and service, in the platform account ${lz.settings.organization.platformAccountId}`, pages: 1 },
    ]);
    expect(r.warnings).toEqual([]);
  });

  test('Markdown for people and JSON for machines, written and byte-stable', async () => {
    const first = await report();
    const md = fs.readFileSync(path.join(first.out, 'cost-report.md'), 'utf8');
    expect(md).toContain('UnblendedCost in USD, 2026-09 to 2026-10. Months marked * are estimated by Cost Explorer (not final).');
    expect(md).toContain('| Tier | 2026-09 | 2026-10* |');
    expect(md).toContain('| L3 | 3,087.43 | 3,278.30 |');
    expect(md).toContain('| L1 pooled, shared (not in any tenant) | 1,910.46 | 2,044.19 |');
    expect(md).toContain('| ded-a | L2 | 2026-09 | 585.62 | 585.41 | 0.21 | 1,500.50 (39.0 %) |');
    expect(md).toContain('### ded-b (L3), account 210987654321 (kpz-ded-b)');
    expect(md).toContain('| account 444455556666 (data-science-sandbox) | 610.44 | 702.05 |');
    expect(md).toContain('| tag legacy-acme (no such tenant) | 7.50 | 7.50 |');
    const json = fs.readFileSync(path.join(first.out, 'cost-report.json'), 'utf8');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(first.report)));
    mockClient(CostExplorerClient).restore();
    const second = await report();
    expect(fs.readFileSync(path.join(second.out, 'cost-report.md'), 'utf8')).toBe(md);
    expect(fs.readFileSync(path.join(second.out, 'cost-report.json'), 'utf8')).toBe(json);
  });

  test('a renamed account is attributed by --account; without it, it is listed as nobody\'s', async () => {
    const rename = (name: string, page: GetCostAndUsageCommandOutput) =>
      name.startsWith('by-linked') ? { ...page, DimensionValueAttributes: page.DimensionValueAttributes!.map((a) => (a.Value === '310987654321' ? { ...a, Attributes: { description: 'ded-c-renamed' } } : a)) } : page;
    const without = (await report(undefined, rename)).report;
    expect(without.tenants.find((t) => t.tenantId === 'ded-c')!.months['2026-09'].ownAccount).toBe(0);
    expect(without.unattributed.map((u) => u.key)).toContain('310987654321');
    mockClient(CostExplorerClient).restore();
    const withAccount = (await report({ 'ded-c': '310987654321' }, rename)).report;
    expect(withAccount.tenants.find((t) => t.tenantId === 'ded-c')!.months['2026-09'].ownAccount).toBe(95.2);
  });

  test('the two views disagreeing on the platform account is a warning in the report', async () => {
    const inflate = (name: string, page: GetCostAndUsageCommandOutput) =>
      name === 'by-linked-account.page-1.json'
        ? { ...page, ResultsByTime: page.ResultsByTime!.map((p, i) => (i === 0 ? { ...p, Groups: [...p.Groups!, { Keys: ['222222222222', 'Amazon Athena'], Metrics: { UnblendedCost: { Amount: '50.0', Unit: 'USD' } } }] } : p)) }
        : page;
    const { report: r } = await report(undefined, inflate);
    expect(r.warnings).toEqual(['2026-09: the platform account costs 1970.31 by account but 1920.31 by tag; the tag view is used']);
  });

  test('money is grouped by hand, whatever the locale', () => {
    expect([money(0), money(1234.5), money(1234567.891), money(-42)]).toEqual(['0.00', '1,234.50', '1,234,567.89', '-42.00']);
  });
});

describe('lz cost-report', () => {
  const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-15T00:00:00Z') / 1000) };
  let fx: ReturnType<typeof makeFixture>;
  beforeEach(() => (fx = makeFixture({ tenants: operationsManifests() })));
  afterEach(() => fx.cleanup());
  const args = (...extra: string[]) => ['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history', 'cost-report', ...extra];

  test('writes the reports and prints the totals', async () => {
    costExplorer();
    const run = await runLz(args('--from', '2026-09', '--to', '2026-10', '--out', 'reports'), fx.root, env);
    // ded-a's residency warning (residency-shared-app) is the only thing on stderr.
    expect([run.code, run.stderr.split('\n').filter((l) => l && !/residency-shared-app|^\s+expected:/.test(l))]).toEqual([0, []]);
    expect(run.stdout).toContain('Cost per tenant, UnblendedCost (USD), 2026-09 to 2026-10 (estimated: 2026-10)');
    expect(run.stdout).toMatch(/ded-b\s+L3\s+2992.13\s+3176.80/);
    expect(run.stdout).toMatch(/pooled shared \(L1\)\s+1910.46\s+2044.19/);
    expect(fs.readdirSync(path.join(fx.root, 'reports')).sort()).toEqual(['cost-report.json', 'cost-report.md']);
  });

  test('the default is the last complete month', () => {
    expect(reportMonths({}, new Date('2026-11-15T00:00:00Z'))).toEqual(['2026-10']);
    expect(reportMonths({}, new Date('2027-01-03T00:00:00Z'))).toEqual(['2026-12']);
  });

  test.each([
    ['a malformed month', ['--month', '2026-13'], /--month takes a month written as YYYY-MM/],
    ['a month that has not begun', ['--month', '2026-12'], /2026-12 has not begun \(it is 2026-11\)/],
    ['a range the wrong way round', ['--from', '2026-10', '--to', '2026-09'], /--from 2026-10 is after --to 2026-09/],
    ['more than a year', ['--from', '2025-01', '--to', '2026-10'], /at most 12 months; got 22/],
    ['--month with --from', ['--month', '2026-09', '--from', '2026-09', '--to', '2026-10'], /use one/],
    ['a malformed --account', ['--account', 'ded-c:310987654321'], /--account takes TENANT=ACCOUNT_ID/],
  ])('usage error (exit 2): %s', async (_what, extra, message) => {
    const run = await runLz(args(...(extra as string[])), fx.root, env);
    expect([run.code, run.stderr]).toEqual([2, expect.stringMatching(message as RegExp)]);
  });

  test('Cost Explorer refusing is a clear error (exit 1), no stack trace', async () => {
    mockClient(CostExplorerClient).on(GetCostAndUsageCommand).rejects(Object.assign(new Error('User: arn:aws:iam::111111111111:user/x is not authorized to perform: ce:GetCostAndUsage'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const run = await runLz(args('--month', '2026-10'), fx.root, env);
    expect([run.code, run.stderr.trim().split('\n').pop()]).toEqual([1, '✗ Cost Explorer: AccessDeniedException: User: arn:aws:iam::111111111111:user/x is not authorized to perform: ce:GetCostAndUsage']);
    expect(run.stderr).not.toMatch(/\s+at /);
  });

  test('an --account for a tenant that does not exist is refused', async () => {
    const run = await runLz(args('--month', '2026-10', '--account', 'nobody=310987654321'), fx.root, env);
    expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(/unknown tenant: nobody/)]);
  });
});
