import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

export type BudgetScope =
  /** The whole of one linked account (set in the management account). */
  | { readonly kind: 'linked-account'; readonly accountId: string }
  /** The cost a user-defined cost allocation tag attributes (the tag must be activated). */
  | { readonly kind: 'tag'; readonly key: string; readonly value: string };

export interface TenantBudgetProps {
  /**
   * Budget name (at most 100 characters, no `:` or `\`).
   * IMPORTANT: changing it replaces the budget.
   */
  readonly name: string;
  /** Monthly limit in US dollars. */
  readonly limitUsd: number;
  readonly scope: BudgetScope;
  /** Percent thresholds of the limit; `forecasted` alerts on the month-end forecast. */
  readonly alerts: ReadonlyArray<{ readonly thresholdPercent: number; readonly type: 'actual' | 'forecasted' }>;
  /** @default no e-mail recipients */
  readonly emails?: ReadonlyArray<string>;
  /** @default no SNS topic */
  readonly snsTopicArn?: string;
  readonly provider?: TerraformProvider;
}

/**
 * A monthly cost budget with percentage alerts to e-mail recipients and/or an SNS topic, over
 * AWS Budgets' default cost types (unblended cost, as `lz cost-report` reads it).
 */
export class TenantBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: TenantBudgetProps) {
    super(scope, id);
    if (!(props.limitUsd > 0)) throw new Error(`TenantBudget ${id}: limitUsd must be greater than 0; got ${props.limitUsd}`);
    if (props.alerts.length === 0 || props.alerts.length > 5) throw new Error(`TenantBudget ${id}: alerts must hold 1-5 alerts (the AWS Budgets limit); got ${props.alerts.length}`);
    const emails = props.emails ?? [];
    if (emails.length > 10) throw new Error(`TenantBudget ${id}: at most 10 e-mail recipients per alert; got ${emails.length}`);
    if (emails.length === 0 && !props.snsTopicArn) throw new Error(`TenantBudget ${id}: alerts need e-mail recipients or an SNS topic`);
    const filter =
      props.scope.kind === 'linked-account' ? { name: 'LinkedAccount', values: [props.scope.accountId] } : { name: 'TagKeyValue', values: [`user:${props.scope.key}$${props.scope.value}`] };
    this.budget = new BudgetsBudget(this, 'budget', {
      name: props.name,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: props.limitUsd.toFixed(2),
      limitUnit: 'USD',
      costFilter: [filter],
      notification: props.alerts.map((a) => ({
        comparisonOperator: 'GREATER_THAN',
        threshold: a.thresholdPercent,
        thresholdType: 'PERCENTAGE',
        notificationType: a.type === 'forecasted' ? 'FORECASTED' : 'ACTUAL',
        ...(emails.length > 0 ? { subscriberEmailAddresses: [...emails] } : {}),
        ...(props.snsTopicArn ? { subscriberSnsTopicArns: [props.snsTopicArn] } : {}),
      })),
      provider: props.provider,
    });
  }
}
