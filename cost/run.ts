import * as fs from 'fs';
import * as path from 'path';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { tenantNames } from '../model/names';
import { LandingZone } from '../model/validate';
import { attributeCosts, CostReport } from './attribution';
import { CostMetric, costQueries, runCostQuery } from './cost-explorer';
import { CostFormat, costFileName, renderCost } from './report';

/**
 * `lz cost-report` as a use case: read both Cost Explorer views for the months, attribute the
 * cost to tenants (attribution.ts), write the reports. Cost Explorer answers for the whole
 * organization from the management account, in us-east-1.
 */
export interface CostReportOptions {
  /** Calendar months, YYYY-MM, ascending and consecutive. */
  readonly months: ReadonlyArray<string>;
  readonly metric: CostMetric;
  /** Account ids of created tenant accounts, by tenant id (when their names were changed outside the landing zone). */
  readonly accountIds?: Readonly<Record<string, string>>;
  readonly formats: ReadonlyArray<CostFormat>;
  readonly outDir: string;
}

export interface CostReportRun {
  readonly report: CostReport;
  readonly files: string[];
}

/** The first day of the month after `month` (Cost Explorer's end date is exclusive). */
export function monthAfter(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The months from `from` to `to`, inclusive. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = monthAfter(m).slice(0, 7)) out.push(m);
  return out;
}

export async function runCostReport(lz: LandingZone, opts: CostReportOptions, deps: { readonly costExplorer?: CostExplorerClient } = {}): Promise<CostReportRun> {
  if (opts.months.length === 0) throw new Error('runCostReport: no months');
  const client = deps.costExplorer ?? new CostExplorerClient({ region: 'us-east-1' });
  const queries = costQueries(lz.settings.organization.platformAccountId, 'TenantId');
  const period = { start: `${opts.months[0]}-01`, end: monthAfter(opts.months[opts.months.length - 1]) };
  const byAccount = await runCostQuery(client, queries.byAccount, period, opts.metric);
  const byTenantTag = await runCostQuery(client, queries.byTenantTag, period, opts.metric);
  const tenants = lz.tenants.map(({ manifest, profile }) => {
    const accountId = opts.accountIds?.[manifest.id] ?? (profile.account.side === 'tenant' ? profile.account.adoptedId : undefined);
    return {
      tenantId: manifest.id,
      tier: manifest.tier,
      status: manifest.status,
      ...(accountId ? { accountId } : {}),
      ...(profile.dedicated ? { accountName: tenantNames(lz.settings, manifest.id).accountName } : {}),
      ...(profile.budget ? { budgetUsd: profile.budget.limitUsd } : {}),
    };
  });
  const report = attributeCosts({ landingZone: lz.settings.name, metric: opts.metric, months: opts.months, platformAccountId: lz.settings.organization.platformAccountId, tagKey: 'TenantId', tenants, byAccount, byTenantTag });
  fs.mkdirSync(opts.outDir, { recursive: true });
  const files = opts.formats.map((f) => {
    const file = path.join(opts.outDir, costFileName(f));
    fs.writeFileSync(file, renderCost(report, f));
    return file;
  });
  return { report, files };
}
