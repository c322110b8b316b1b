import { CostExplorerClient, Expression, GetCostAndUsageCommand, GetCostAndUsageCommandOutput, GroupDefinition } from '@aws-sdk/client-cost-explorer';

/**
 * Reading AWS Cost Explorer (GetCostAndUsage, monthly, grouped by two keys), page by page. The
 * responses are kept as AWS returns them; attribution.ts decides what they mean per tenant.
 */
export const COST_METRICS = ['UnblendedCost', 'AmortizedCost', 'NetUnblendedCost', 'NetAmortizedCost', 'BlendedCost'] as const;
export type CostMetric = (typeof COST_METRICS)[number];

export interface CostQuery {
  /** What the query is for, as reports name it. */
  readonly label: string;
  readonly groupBy: ReadonlyArray<GroupDefinition>;
  readonly filter?: Expression;
}

export interface CostQueryResult {
  readonly query: CostQuery;
  readonly pages: ReadonlyArray<GetCostAndUsageCommandOutput>;
}

/** Cost Explorer pages results; a bound keeps a runaway query from running forever (reported as an error). */
export const MAX_COST_PAGES = 200;

export async function runCostQuery(client: CostExplorerClient, query: CostQuery, period: { readonly start: string; readonly end: string }, metric: CostMetric): Promise<CostQueryResult> {
  const pages: GetCostAndUsageCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: period.start, End: period.end },
        Granularity: 'MONTHLY',
        Metrics: [metric],
        GroupBy: [...query.groupBy],
        ...(query.filter ? { Filter: query.filter } : {}),
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    pages.push(page);
    token = page.NextPageToken;
    if (pages.length >= MAX_COST_PAGES && token) throw new Error(`Cost Explorer returned more than ${MAX_COST_PAGES} pages for "${query.label}"`);
  } while (token);
  return { query, pages };
}

/** The two views a tenant's cost needs: every linked account by service, and the platform account by tenant tag and service. */
export function costQueries(platformAccountId: string, tagKey: string): { byAccount: CostQuery; byTenantTag: CostQuery } {
  return {
    byAccount: {
      label: 'by linked account and service',
      groupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ],
    },
    byTenantTag: {
      label: `by tag ${tagKey} and service, in the platform account ${platformAccountId}`,
      groupBy: [
        { Type: 'TAG', Key: tagKey },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ],
      filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [platformAccountId] } },
    },
  };
}
