import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, policyJson } from '../../contract/policy-document';

export interface TenantEventQueueProps {
  readonly tenantId: string;
  /**
   * Which events on the central bus are this tenant's. Pooled tenants: events the platform
   * published for them. Dedicated tenants: events from their account, by the `account` field
   * that AWS sets (never a tenant id in `detail`, which any sender could write).
   */
  readonly eventPattern: Record<string, unknown>;
  readonly ruleName: string;
  readonly queueName: string;
  readonly busName: string;
  readonly deadLetterQueueArn: string;
  /** Key (alias) of the queue. */
  readonly kmsKey: string;
  /** The platform account, which holds the central bus and the queue. */
  readonly accountId: string;
  readonly region: string;
  /**
   * Route events (false while offboarding: the queue and its messages stay, the route goes).
   * @default true
   */
  readonly enabled?: boolean;
  readonly provider?: TerraformProvider;
}

/**
 * A tenant's route on the central bus into its encrypted queue in the platform account (for
 * the platform's consumers of that tenant's events); failed deliveries go to the central
 * dead-letter queue. The queue is the same for every tier, so a tier move keeps it and its
 * messages; only the rule's pattern changes.
 */
export class TenantEventQueue extends Construct {
  readonly queueArn: string;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: TenantEventQueueProps) {
    super(scope, id);
    const provider = props.provider;
    this.queueArn = `arn:aws:sqs:${props.region}:${props.accountId}:${props.queueName}`;
    this.ruleArn = `arn:aws:events:${props.region}:${props.accountId}:rule/${props.busName}/${props.ruleName}`;
    const queue = new SqsQueue(this, 'queue', { name: props.queueName, kmsMasterKeyId: props.kmsKey, messageRetentionSeconds: 345600, provider });
    new SqsQueuePolicy(this, 'queue-policy', {
      queueUrl: queue.url,
      policy: policyJson(
        policyDocument({
          Sid: 'FromTheTenantRouteOnly',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.ruleArn } },
        }),
      ),
      provider,
    });
    if (props.enabled === false) return;
    const rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: `Events of tenant ${props.tenantId}`,
      eventBusName: props.busName,
      eventPattern: JSON.stringify(props.eventPattern),
      provider,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: rule.name,
      eventBusName: props.busName,
      targetId: 'tenant-queue',
      // Literal ARN: the route reads the same in the synthesized JSON, the plan and the state.
      arn: this.queueArn,
      dependsOn: [queue],
      deadLetterConfig: { arn: props.deadLetterQueueArn },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 20 },
      provider,
    });
  }
}
