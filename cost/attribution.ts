import { GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { Tier, TIERS } from '../model/tiers';
import { CostMetric, CostQueryResult } from './cost-explorer';

/**
 * Who a month's cost belongs to, from two Cost Explorer views:
 *
 * | cost | attributed to |
 * |---|---|
 * | a dedicated tenant's linked account (found by the manifest's account id or the account name the landing zone gives it) | that tenant, as "own account" |
 * | the platform account, tagged `TenantId=<id>` | that tenant, as "tagged in the platform account" (any tier: dedicated tenants keep queues and routes there too) |
 * | the platform account, no `TenantId` tag | nobody: the pooled (L1) shared cost (shared app, pooled tables and bucket, central bus), shown on its own |
 * | any other account, or a tag naming no tenant | nobody: listed as not attributed |
 *
 * Amounts are summed as Cost Explorer gives them and rounded to cents only in the result.
 */
export interface CostTenant {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly status: string;
  /** The account id when the manifest adopts one. */
  readonly accountId?: string;
  /** The name the landing zone gives a dedicated tenant's account (Cost Explorer reports it for linked accounts). */
  readonly accountName?: string;
  readonly budgetUsd?: number;
}

export interface AttributionInput {
  readonly landingZone: string;
  readonly metric: CostMetric;
  readonly months: ReadonlyArray<string>;
  readonly platformAccountId: string;
  readonly tagKey: string;
  readonly tenants: ReadonlyArray<CostTenant>;
  readonly byAccount: CostQueryResult;
  readonly byTenantTag: CostQueryResult;
}

export type Amounts = Readonly<Record<string, number>>;

export interface TenantMonth {
  readonly total: number;
  /** Cost of its own linked account (L2/L3). */
  readonly ownAccount: number;
  /** Cost its tag attributes in the platform account. */
  readonly taggedInPlatform: number;
  /** By service (own account and tagged together). */
  readonly services: Amounts;
  /** Share of the monthly budget, in percent, when the manifest sets one. */
  readonly budgetPercent?: number;
}

export interface TenantCost {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly status: string;
  /** The linked account its own-account cost came from, when Cost Explorer reported one. */
  readonly account?: { readonly id: string; readonly name?: string };
  readonly budgetUsd?: number;
  readonly months: Readonly<Record<string, TenantMonth>>;
}

export interface Unattributed {
  readonly kind: 'account' | 'tag';
  /** Account id, or the tag value. */
  readonly key: string;
  readonly name?: string;
  readonly months: Amounts;
}

export interface CostReport {
  readonly landingZone: string;
  readonly metric: CostMetric;
  readonly unit: string;
  readonly months: ReadonlyArray<string>;
  /** Months Cost Explorer marked as estimated (not final). */
  readonly estimated: ReadonlyArray<string>;
  readonly byTier: Readonly<Record<Tier, Amounts>>;
  readonly tenants: ReadonlyArray<TenantCost>;
  /** Platform-account cost no tenant tag attributes: the pooled tier's shared cost. */
  readonly pooledShared: { readonly months: Amounts; readonly services: Readonly<Record<string, Amounts>> };
  readonly unattributed: ReadonlyArray<Unattributed>;
  /** What was read: each query and its pages. */
  readonly sources: ReadonlyArray<{ readonly query: string; readonly pages: number }>;
  /** Inconsistencies between the two views (the platform account's total by account versus by tag). */
  readonly warnings: ReadonlyArray<string>;
}

const cents = (n: number) => Math.round(n * 100) / 100;

interface Row {
  readonly month: string;
  readonly keys: ReadonlyArray<string>;
  readonly amount: number;
  readonly unit: string;
  readonly estimated: boolean;
}

function rows(pages: ReadonlyArray<GetCostAndUsageCommandOutput>, metric: CostMetric): Row[] {
  const out: Row[] = [];
  for (const page of pages) {
    for (const period of page.ResultsByTime ?? []) {
      const month = (period.TimePeriod?.Start ?? '').slice(0, 7);
      for (const g of period.Groups ?? []) {
        const m = g.Metrics?.[metric];
        if (!m) throw new Error(`Cost Explorer returned a group without the ${metric} metric (${JSON.stringify(g.Keys)})`);
        out.push({ month, keys: g.Keys ?? [], amount: Number(m.Amount ?? '0'), unit: m.Unit ?? 'USD', estimated: period.Estimated === true });
      }
      // Months with no groups still count as read (and may be estimated).
      if ((period.Groups ?? []).length === 0) out.push({ month, keys: [], amount: 0, unit: 'USD', estimated: period.Estimated === true });
    }
  }
  return out;
}

function add(target: Record<string, number>, key: string, amount: number): void {
  target[key] = (target[key] ?? 0) + amount;
}

function rounded(a: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, cents(v)]));
}

export function attributeCosts(input: AttributionInput): CostReport {
  const { metric, months, tagKey } = input;
  const accountRows = rows(input.byAccount.pages, metric);
  const tagRows = rows(input.byTenantTag.pages, metric);
  const units = new Set([...accountRows, ...tagRows].filter((r) => r.keys.length > 0).map((r) => r.unit));
  if (units.size > 1) throw new Error(`Cost Explorer returned amounts in several units (${[...units].join(', ')}); the report needs one`);
  const estimated = [...new Set([...accountRows, ...tagRows].filter((r) => r.estimated).map((r) => r.month))].sort();

  const names = new Map<string, string>();
  for (const page of input.byAccount.pages) for (const a of page.DimensionValueAttributes ?? []) if (a.Value && a.Attributes?.description) names.set(a.Value, a.Attributes.description);

  const byId = new Map<string, CostTenant>();
  const byName = new Map<string, CostTenant>();
  for (const t of input.tenants) {
    if (t.accountId) byId.set(t.accountId, t);
    if (t.accountName) byName.set(t.accountName, t);
  }
  const tenantById = new Map(input.tenants.map((t) => [t.tenantId, t]));

  type Acc = { own: Record<string, number>; tagged: Record<string, number>; services: Record<string, Record<string, number>>; account?: { id: string; name?: string } };
  const acc = new Map<string, Acc>(input.tenants.map((t) => [t.tenantId, { own: {}, tagged: {}, services: {} }]));
  const unattributed = new Map<string, { kind: 'account' | 'tag'; key: string; name?: string; months: Record<string, number> }>();
  const shared = { months: {} as Record<string, number>, services: {} as Record<string, Record<string, number>> };
  const platformByAccount: Record<string, number> = {};
  const platformByTag: Record<string, number> = {};

  for (const r of accountRows) {
    if (r.keys.length === 0) continue;
    const [account, service] = r.keys;
    if (account === input.platformAccountId) {
      add(platformByAccount, r.month, r.amount);
      continue;
    }
    const tenant = byId.get(account) ?? byName.get(names.get(account) ?? '');
    if (!tenant) {
      const u = unattributed.get(`account:${account}`) ?? { kind: 'account' as const, key: account, ...(names.has(account) ? { name: names.get(account) } : {}), months: {} };
      add(u.months, r.month, r.amount);
      unattributed.set(`account:${account}`, u);
      continue;
    }
    const a = acc.get(tenant.tenantId)!;
    a.account = { id: account, ...(names.has(account) ? { name: names.get(account) } : {}) };
    add(a.own, r.month, r.amount);
    add((a.services[service] ??= {}), r.month, r.amount);
  }

  const prefix = `${tagKey}$`;
  for (const r of tagRows) {
    if (r.keys.length === 0) continue;
    const [tag, service] = r.keys;
    add(platformByTag, r.month, r.amount);
    const value = tag.startsWith(prefix) ? tag.slice(prefix.length) : tag;
    const tenant = tenantById.get(value);
    if (value === '') {
      add(shared.months, r.month, r.amount);
      add((shared.services[service] ??= {}), r.month, r.amount);
    } else if (!tenant) {
      const u = unattributed.get(`tag:${value}`) ?? { kind: 'tag' as const, key: value, months: {} };
      add(u.months, r.month, r.amount);
      unattributed.set(`tag:${value}`, u);
    } else {
      const a = acc.get(tenant.tenantId)!;
      add(a.tagged, r.month, r.amount);
      add((a.services[service] ??= {}), r.month, r.amount);
    }
  }

  const tenants: TenantCost[] = input.tenants.map((t) => {
    const a = acc.get(t.tenantId)!;
    const perMonth: Record<string, TenantMonth> = {};
    for (const month of months) {
      const own = a.own[month] ?? 0;
      const tagged = a.tagged[month] ?? 0;
      const services = Object.fromEntries(Object.entries(a.services).filter(([, m]) => m[month] !== undefined).map(([s, m]) => [s, cents(m[month])]));
      const total = cents(own + tagged);
      perMonth[month] = { total, ownAccount: cents(own), taggedInPlatform: cents(tagged), services, ...(t.budgetUsd ? { budgetPercent: Math.round((total / t.budgetUsd) * 1000) / 10 } : {}) };
    }
    return { tenantId: t.tenantId, tier: t.tier, status: t.status, ...(a.account ? { account: a.account } : {}), ...(t.budgetUsd ? { budgetUsd: t.budgetUsd } : {}), months: perMonth };
  });

  const byTier = Object.fromEntries(TIERS.map((tier) => [tier, Object.fromEntries(months.map((m) => [m, cents(tenants.filter((t) => t.tier === tier).reduce((n, t) => n + t.months[m].total, 0))]))])) as Record<Tier, Amounts>;

  const warnings: string[] = [];
  for (const month of months) {
    const a = platformByAccount[month] ?? 0;
    const b = platformByTag[month] ?? 0;
    if (Math.abs(a - b) > 0.01) warnings.push(`${month}: the platform account costs ${cents(a)} by account but ${cents(b)} by tag; the tag view is used`);
  }

  return {
    landingZone: input.landingZone,
    metric,
    unit: [...units][0] ?? 'USD',
    months: [...months],
    estimated,
    byTier,
    tenants,
    pooledShared: { months: Object.fromEntries(months.map((m) => [m, cents(shared.months[m] ?? 0)])), services: Object.fromEntries(Object.entries(shared.services).sort().map(([s, m]) => [s, rounded(m)])) },
    unattributed: [...unattributed.values()].sort((x, y) => (x.kind + x.key < y.kind + y.key ? -1 : 1)).map((u) => ({ ...u, months: rounded(u.months) })),
    sources: [input.byAccount, input.byTenantTag].map((q) => ({ query: q.query.label, pages: q.pages.length })),
    warnings,
  };
}
