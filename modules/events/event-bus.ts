import { CloudwatchEventArchive } from '@cdktf/provider-aws/lib/cloudwatch-event-archive';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, PolicyDocument, policyJson } from '../../contract/policy-document';

export interface EventBusProps {
  readonly busName: string;
  readonly accountId: string;
  readonly region: string;
  /** Resource policy of the bus; receives the bus ARN. */
  readonly policy: (busArn: string) => PolicyDocument;
  /** Archive every event for replay, this many days. @default no archive */
  readonly archive?: { readonly name: string; readonly retentionDays: number };
  /** Dead-letter queue for the bus's rule targets. @default none */
  readonly deadLetterQueue?: { readonly name: string; readonly kmsKey: string };
  readonly provider?: TerraformProvider;
}

/** An EventBridge bus with its resource policy, an optional archive and an optional encrypted dead-letter queue. */
export class EventBus extends Construct {
  readonly busName: string;
  readonly busArn: string;
  readonly bus: CloudwatchEventBus;
  readonly deadLetterQueueArn?: string;

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    const provider = props.provider;
    this.busName = props.busName;
    this.busArn = `arn:aws:events:${props.region}:${props.accountId}:event-bus/${props.busName}`;
    this.bus = new CloudwatchEventBus(this, 'bus', { name: props.busName, provider });
    new CloudwatchEventBusPolicy(this, 'policy', { eventBusName: this.bus.name, policy: policyJson(props.policy(this.busArn)), provider });
    if (props.archive) {
      if (props.archive.retentionDays < 1) throw new Error(`EventBus ${id}: archive.retentionDays must be >= 1; got ${props.archive.retentionDays}`);
      new CloudwatchEventArchive(this, 'archive', { name: props.archive.name, eventSourceArn: this.bus.arn, retentionDays: props.archive.retentionDays, provider });
    }
    if (props.deadLetterQueue) {
      const dlq = new SqsQueue(this, 'dlq', { name: props.deadLetterQueue.name, kmsMasterKeyId: props.deadLetterQueue.kmsKey, messageRetentionSeconds: 1209600, provider });
      this.deadLetterQueueArn = `arn:aws:sqs:${props.region}:${props.accountId}:${props.deadLetterQueue.name}`;
      new SqsQueuePolicy(this, 'dlq-policy', {
        queueUrl: dlq.url,
        policy: policyJson(
          policyDocument({
            Sid: 'FailedDeliveriesFromThisBus',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: this.deadLetterQueueArn,
            Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:${props.region}:${props.accountId}:rule/${props.busName}/*` } },
          }),
        ),
        provider,
      });
    }
  }
}
