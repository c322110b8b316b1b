import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../functions/shared/contracts';
import { policyDocument, terraformPolicyJson } from '../iam/policy-document';

export interface PooledEventRoutingProps {
  readonly tenantId: string;
  readonly ruleName: string;
  readonly queueName: string;
  readonly busName: string;
  readonly deadLetterQueueArn: string;
  /** Key (alias) of the queue. */
  readonly kmsKey: string;
  /** The platform account: pooled tenants' events are published there by the platform app. */
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
 * A pooled tenant's route on the central bus: events the platform app published for this
 * tenant (the platform sets `detail.tenantId` from verified claims, and `account` must be the
 * platform account, which AWS sets) go to the tenant's encrypted queue; failed deliveries go
 * to the central dead-letter queue.
 */
export class PooledEventRouting extends Construct {
  readonly queueArn: string;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: PooledEventRoutingProps) {
    super(scope, id);
    const provider = props.provider;
    this.queueArn = `arn:aws:sqs:${props.region}:${props.accountId}:${props.queueName}`;
    this.ruleArn = `arn:aws:events:${props.region}:${props.accountId}:rule/${props.busName}/${props.ruleName}`;
    const queue = new SqsQueue(this, 'queue', { name: props.queueName, kmsMasterKeyId: props.kmsKey, messageRetentionSeconds: 345600, provider });
    new SqsQueuePolicy(this, 'queue-policy', {
      queueUrl: queue.url,
      policy: terraformPolicyJson(
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
      description: `Events of pooled tenant ${props.tenantId}`,
      eventBusName: props.busName,
      eventPattern: JSON.stringify({ source: [EVENT_SOURCE], account: [props.accountId], detail: { tenantId: [props.tenantId] } }),
      provider,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: rule.name,
      eventBusName: props.busName,
      targetId: 'tenant-queue',
      arn: queue.arn,
      deadLetterConfig: { arn: props.deadLetterQueueArn },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 20 },
      provider,
    });
  }
}
