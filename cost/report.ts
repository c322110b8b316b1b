import { stableStringify } from '../format/stable-json';
import { TIERS } from '../model/tiers';
import { Amounts, CostReport } from './attribution';

/** The cost report as JSON (the model itself, keys sorted) and as Markdown for people. */
export const COST_FORMATS = ['md', 'json'] as const;
export type CostFormat = (typeof COST_FORMATS)[number];

export function costFileName(format: CostFormat): string {
  return format === 'md' ? 'cost-report.md' : 'cost-report.json';
}

export function renderCost(report: CostReport, format: CostFormat): string {
  return format === 'json' ? `${stableStringify(report)}\n` : renderCostMarkdown(report);
}

/** 1234.5 as 1,234.50 (grouping by hand: the output must not depend on the locale). */
export function money(n: number): string {
  const [whole, fraction] = Math.abs(n).toFixed(2).split('.');
  return `${n < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, numeric = new Set<number>()): string {
  const align = header.map((_, i) => (numeric.has(i) ? '---:' : '---'));
  return [header, align, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

function monthColumns(report: CostReport): string[] {
  return report.months.map((m) => (report.estimated.includes(m) ? `${m}*` : m));
}

function amountsRow(report: CostReport, amounts: Amounts): string[] {
  return report.months.map((m) => money(amounts[m] ?? 0));
}

export function renderCostMarkdown(report: CostReport): string {
  const months = monthColumns(report);
  const numericFrom = (n: number) => new Set(Array.from({ length: months.length }, (_, i) => i + n));
  const out: string[] = [];
  out.push(`# Cost per tenant: ${report.landingZone}`, '');
  out.push(`${report.metric} in ${report.unit}, ${report.months[0]} to ${report.months[report.months.length - 1]}.${report.estimated.length > 0 ? ` Months marked * are estimated by Cost Explorer (not final).` : ''}`);
  out.push(`Sources: Cost Explorer GetCostAndUsage, monthly: ${report.sources.map((s) => `${s.query} (${s.pages} page${s.pages === 1 ? '' : 's'})`).join('; ')}.`, '');
  for (const w of report.warnings) out.push(`> Warning: ${w}`, '');

  out.push('## By tier', '');
  const tierRows = TIERS.map((t) => [t, ...amountsRow(report, report.byTier[t])]);
  tierRows.push(['L1 pooled, shared (not in any tenant)', ...amountsRow(report, report.pooledShared.months)]);
  out.push(mdTable(['Tier', ...months], tierRows, numericFrom(1)), '');

  out.push('## By tenant', '');
  out.push("Own account: the tenant's linked account (L2, L3). Tagged: what its `TenantId` tag attributes in the platform account.", '');
  const tenantRows = report.tenants.flatMap((t) =>
    report.months.map((m, i) => {
      const c = t.months[m];
      return [t.tenantId, t.tier, months[i], money(c.total), money(c.ownAccount), money(c.taggedInPlatform), t.budgetUsd ? `${money(t.budgetUsd)} (${c.budgetPercent?.toFixed(1)} %)` : '-'];
    }),
  );
  out.push(mdTable(['Tenant', 'Tier', 'Month', 'Total', 'Own account', 'Tagged', 'Budget (used)'], tenantRows, new Set([3, 4, 5])), '');

  out.push('## Pooled (L1) shared costs', '');
  out.push('Platform-account cost that no `TenantId` tag attributes: the shared app, the pooled tables and bucket, the central bus. Shown apart, never spread over the tenants.', '');
  const sharedServices = Object.entries(report.pooledShared.services);
  out.push(sharedServices.length === 0 ? 'None.' : mdTable(['Service', ...months], [...sharedServices.map(([s, a]) => [s, ...amountsRow(report, a)]), ['Total', ...amountsRow(report, report.pooledShared.months)]], numericFrom(1)), '');

  out.push('## By tenant and service', '');
  for (const t of report.tenants) {
    const services = [...new Set(report.months.flatMap((m) => Object.keys(t.months[m].services)))].sort();
    out.push(`### ${t.tenantId} (${t.tier}${t.status === 'active' ? '' : `, ${t.status}`})${t.account ? `, account ${t.account.id}${t.account.name ? ` (${t.account.name})` : ''}` : ''}`, '');
    out.push(services.length === 0 ? 'No cost in these months.' : mdTable(['Service', ...months], services.map((s) => [s, ...report.months.map((m) => money(t.months[m].services[s] ?? 0))]), numericFrom(1)), '');
  }

  out.push('## Not attributed', '');
  out.push(
    report.unattributed.length === 0
      ? 'Nothing: every account and tag in the data belongs to a tenant or the platform.'
      : mdTable(['What', ...months], report.unattributed.map((u) => [u.kind === 'account' ? `account ${u.key}${u.name ? ` (${u.name})` : ''}` : `tag ${u.key} (no such tenant)`, ...amountsRow(report, u.months)]), numericFrom(1)),
    '',
  );
  return `${out.join('\n').trimEnd()}\n`;
}
