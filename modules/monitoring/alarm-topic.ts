import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, policyJson } from '../../contract/policy-document';

export interface AlarmTopicProps {
  readonly topicName: string;
  /** Key alias or ARN; the key policy must let cloudwatch.amazonaws.com use it. */
  readonly kmsKey: string;
  readonly accountId: string;
  readonly region: string;
  /** E-mail address subscribed to the topic. @default no subscription */
  readonly email?: string;
  readonly provider?: TerraformProvider;
}

/** An encrypted SNS topic that only CloudWatch alarms of this account may publish to. */
export class AlarmTopic extends Construct {
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: props.kmsKey, provider: props.provider });
    this.topicArn = `arn:aws:sns:${props.region}:${props.accountId}:${props.topicName}`;
    new SnsTopicPolicy(this, 'policy', {
      arn: topic.arn,
      policy: policyJson(
        policyDocument(
          {
            Sid: 'CloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topicArn,
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: this.topicArn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ),
      ),
      provider: props.provider,
    });
    if (props.email) new SnsTopicSubscription(this, 'email', { topicArn: topic.arn, protocol: 'email', endpoint: props.email, provider: props.provider });
  }
}
