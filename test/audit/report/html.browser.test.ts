import { STATUS_LABELS } from '../../../audit/report/status';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { RuleStatus } from '../../../audit/model';
import { renderHtml } from '../../../audit/report/html';
import { auditReport, EMPTY_REPORT, TENANTS } from './fixture';

/**
 * The HTML report in a real browser: headless Chromium from Debian's package, driven by
 * playwright-core (which never downloads a browser). Without /usr/bin/chromium the test is
 * skipped with a warning on a developer machine, and fails in CI (CI or LZ_REQUIRE_BROWSER=1),
 * so CI never skips it silently.
 */
const CHROMIUM = '/usr/bin/chromium';
const INSTALL_COMMAND = 'apt-get install -y chromium';
const SCREENSHOT = path.resolve(__dirname, '../../../test-artifacts/audit-report.png');

const browserRequired = process.env.LZ_REQUIRE_BROWSER === '1' || isSet(process.env.CI);
const browserInstalled = existsSync(CHROMIUM);

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

if (!browserInstalled && !browserRequired) {
  console.warn(`Skipping the HTML report browser test: ${CHROMIUM} is not installed. Install it with \`${INSTALL_COMMAND}\` (as root) to run it; CI installs it in .ci/run.`);
}

const describeInBrowser = browserInstalled || browserRequired ? describe : describe.skip;

const LABELS: Record<RuleStatus, string> = STATUS_LABELS;

describeInBrowser('HTML report in headless Chromium', () => {
  let workDir: string;
  let context: BrowserContext;
  let page: Page;
  let reportUrl: string;
  const pageErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!browserInstalled) {
      throw new Error(`Chromium is required here (CI or LZ_REQUIRE_BROWSER=1) but ${CHROMIUM} is missing: install it with \`${INSTALL_COMMAND}\`.`);
    }
    workDir = mkdtempSync(path.join(tmpdir(), 'lz-audit-html-'));
    const reportFile = path.join(workDir, 'audit.html');
    writeFileSync(reportFile, renderHtml(auditReport()));
    writeFileSync(path.join(workDir, 'empty.html'), renderHtml(EMPTY_REPORT));
    reportUrl = pathToFileURL(reportFile).href;
    context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(reportUrl);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const cell = (tenantId: string, ruleId: string) => page.locator(`#matrix tr[data-tenant="${tenantId}"] td[data-rule="${ruleId}"]`);
  const row = (tenantId: string) => page.locator(`#matrix tr[data-tenant="${tenantId}"]`);

  async function visibleTenants(): Promise<string[]> {
    const shown: string[] = [];
    for (const tenant of TENANTS) if (await row(tenant.tenantId).isVisible()) shown.push(tenant.tenantId);
    return shown;
  }

  async function setFilters(filters: { tier?: string; status?: string; search?: string; severity?: string }): Promise<void> {
    await page.selectOption('#filter-tier', filters.tier ?? '');
    await page.selectOption('#filter-status', filters.status ?? '');
    await page.fill('#filter-search', filters.search ?? '');
    await page.selectOption('#filter-severity', filters.severity ?? '');
  }

  test('renders under its Content Security Policy without errors and requests nothing but its own file', () => {
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([reportUrl]);
  });

  test('the header shows the totals', async () => {
    const total = (name: string) => page.locator(`[data-total="${name}"] dd`).textContent();
    expect(await page.locator('h1').textContent()).toBe('Compliance audit: lz<&>');
    expect([await total('tenants'), await total('pass'), await total('fail'), await total('error'), await total('not-applicable'), await total('tenants-failing')]).toEqual(['3', '6', '2', '1', '3', '2']);
  });

  test('the matrix has a row per tenant and every cell carries its status, a text label and the message as tooltip', async () => {
    expect(await page.locator('#matrix tbody tr[data-tenant]').count()).toBe(TENANTS.length);
    expect(await page.locator('#matrix thead th[data-rule]').count()).toBe(4);
    for (const tenant of TENANTS) {
      for (const result of tenant.results) {
        const td = cell(tenant.tenantId, result.ruleId);
        expect({ tenant: tenant.tenantId, rule: result.ruleId, status: await td.getAttribute('data-status') }).toEqual({ tenant: tenant.tenantId, rule: result.ruleId, status: result.status });
        expect((await td.textContent())?.trim()).toContain(LABELS[result.status]);
        expect(await td.getAttribute('title')).toBe(`${LABELS[result.status]}: ${result.message}`);
      }
    }
    expect(await cell('acme', 'LZ-IAM-02').locator('button').getAttribute('aria-label')).toBe(
      'acme, LZ-IAM-02 Data-access role | scoped to the tenant: fail. Role policy allows "dynamodb:*" on <all> tables | not only acme & co.\nSecond line: </script><!-- 🔐',
    );
  });

  test('the status filter hides passing tenants; tier, search and severity filters narrow rows and columns', async () => {
    await setFilters({ status: 'failing' });
    expect(await visibleTenants()).toEqual(['acme', 'globex']);
    await setFilters({ status: 'fail' });
    expect(await visibleTenants()).toEqual(['acme', 'globex']);
    await setFilters({ status: 'error' });
    expect(await visibleTenants()).toEqual(['globex']);
    await setFilters({ status: 'clean' });
    expect(await visibleTenants()).toEqual(['initech']);
    await setFilters({ tier: 'L2' });
    expect(await visibleTenants()).toEqual(['globex']);
    await setFilters({ search: 'INI' });
    expect(await visibleTenants()).toEqual(['initech']);
    await setFilters({ tier: 'L1', status: 'clean' });
    expect(await visibleTenants()).toEqual([]);
    expect(await page.locator('#matrix tr.empty').isVisible()).toBe(true);

    await setFilters({ severity: 'high' });
    expect(await visibleTenants()).toEqual(['acme', 'globex', 'initech']);
    expect(await page.locator('th[data-rule="LZ-KEY-01"]').isVisible()).toBe(true);
    expect(await page.locator('th[data-rule="LZ-IAM-02"]').isVisible()).toBe(false);
    expect(await cell('acme', 'LZ-IAM-02').isVisible()).toBe(false);
    expect(await cell('acme', 'LZ-TAG-04').isVisible()).toBe(true);
    expect(await page.locator('#visible-count').textContent()).toBe('Showing 3 of 3 tenants, 2 of 4 rules');
    // acme fails only a medium rule: with high rules alone it is not failing.
    await setFilters({ severity: 'high', status: 'failing' });
    expect(await visibleTenants()).toEqual(['globex']);

    await setFilters({});
    expect(await visibleTenants()).toEqual(['acme', 'globex', 'initech']);
    expect(await page.locator('#matrix tr.empty').isVisible()).toBe(false);
  });

  test('clicking a cell shows its result and evidence, odd characters as text', async () => {
    await cell('acme', 'LZ-IAM-02').locator('button').click();
    const panel = page.locator('#evidence');
    expect(await panel.locator('h2').textContent()).toBe('acme · LZ-IAM-02');
    expect(await panel.locator('.result-line .badge').getAttribute('data-status')).toBe('fail');
    expect(await panel.locator('.result-line .message').textContent()).toBe(TENANTS[0].results[1].message);
    const rows = panel.locator('table.evidence tbody tr');
    expect(await rows.count()).toBe(2);
    const field = (i: number, name: string) => rows.nth(i).locator(`td[data-field="${name}"]`).textContent();
    expect([await field(0, 'stack'), await field(0, 'address'), await field(0, 'attribute')]).toEqual(['tenant-acme', 'aws_iam_role_policy.data_access_1A2B', 'policy']);
    expect(JSON.parse((await field(0, 'value')) ?? '')).toEqual(TENANTS[0].results[1].evidence[0].value);
    expect(await field(1, 'value')).toBe('acme-data <role> & "quoted"\n`ticked` | piped 🔐');
    expect(await panel.locator('role').count()).toBe(0);
    expect(await cell('acme', 'LZ-IAM-02').locator('button').getAttribute('aria-pressed')).toBe('true');
  });

  test('clicking a tenant shows its facts, problems and every result, failures and errors first', async () => {
    await row('globex').locator('.tenant-button').click();
    const panel = page.locator('#evidence');
    expect(await panel.locator('h2').textContent()).toBe('Tenant globex');
    expect(await panel.locator('.problems li').allTextContents()).toEqual([TENANTS[1].problems[0]]);
    const sections = panel.locator('section.result');
    const order: Array<[string | null, string | null]> = [];
    for (let i = 0; i < (await sections.count()); i++) order.push([await sections.nth(i).getAttribute('data-rule'), await sections.nth(i).getAttribute('data-status')]);
    expect(order).toEqual([
      ['LZ-KEY-01', 'fail'],
      ['LZ-TAG-04', 'error'],
      ['LZ-IAM-02', 'pass'],
      ['LZ-BAK-03', 'not-applicable'],
    ]);
    expect(await sections.nth(1).locator('td[data-field="address"]').textContent()).toBe('terraform_state');
  });

  test('saves a full-page screenshot with a cell\'s evidence open', async () => {
    await cell('globex', 'LZ-KEY-01').locator('button').click();
    expect(await page.locator('#evidence h2').textContent()).toBe('globex · LZ-KEY-01');
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  test('the column headers stay visible while the matrix of many tenants scrolls', async () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ ...TENANTS[i % TENANTS.length], tenantId: `tenant-${String(i).padStart(2, '0')}` }));
    writeFileSync(path.join(workDir, 'many.html'), renderHtml(auditReport(many)));
    const big = await context.newPage();
    await big.goto(pathToFileURL(path.join(workDir, 'many.html')).href);
    await big.locator('body[data-ready="true"]').waitFor();
    const header = big.locator('#matrix thead th[data-rule="LZ-KEY-01"]');
    const firstRow = big.locator('#matrix tr[data-tenant="tenant-00"]');
    // The reader scrolls with the wheel over the matrix, far past its first rows.
    const start = (await big.locator('#matrix tbody').boundingBox())!;
    await big.mouse.move(start.x + 40, start.y + 40);
    for (let i = 0; i < 6; i++) await big.mouse.wheel(0, 800);
    await big.waitForFunction('document.querySelector(".matrix-wrap").scrollTop > 0 || window.scrollY > 0');
    const box = (await header.boundingBox())!;
    const viewport = big.viewportSize()!;
    expect(await firstRow.evaluate((r) => r.getBoundingClientRect().bottom)).toBeLessThan(box.y);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
    // What is drawn where the header is, is the header (not a row scrolled under it).
    expect(await big.evaluate(`document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2})?.closest('th')?.getAttribute('data-rule')`)).toBe('LZ-KEY-01');
    await big.close();
  });

  test('an audit of no tenants says so and shows zero totals', async () => {
    const empty = await context.newPage();
    const errors: string[] = [];
    empty.on('pageerror', (error) => errors.push(error.message));
    await empty.goto(pathToFileURL(path.join(workDir, 'empty.html')).href);
    await empty.locator('body[data-ready="true"]').waitFor();
    expect(await empty.locator('#matrix tr.empty').textContent()).toBe('No tenants were audited.');
    expect(await empty.locator('[data-total="tenants"] dd').textContent()).toBe('0');
    expect(errors).toEqual([]);
    await empty.close();
  });
});
