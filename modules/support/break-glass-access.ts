import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, PolicyDocument, policyJson } from '../../contract/policy-document';
import { BREAK_GLASS_MANAGED_POLICY, breakGlassSessions, CLOUDTRAIL_RULE_STATE } from '../../contract/support-access';
import { Role } from '../iam/role';

export interface BreakGlassAccessProps {
  /** IMPORTANT: changing it replaces the role. */
  readonly roleName: string;
  /** Who may assume the role (contract/support-access.ts breakGlassTrust). */
  readonly trustPolicy: PolicyDocument;
  /** Longest session (1-12 hours). */
  readonly sessionHours: number;
  readonly topicName: string;
  readonly ruleName: string;
  /** Key of the alarm topic (the tenant's data key, like every topic of its account); its policy must let events.amazonaws.com use it. */
  readonly kmsKeyArn: string;
  readonly accountId: string;
  readonly region: string;
  /** Addresses alerted on every session (e-mail subscriptions, confirmed by their owners). */
  readonly emails: ReadonlyArray<string>;
  readonly provider?: TerraformProvider;
}

/**
 * The break-glass role of a tenant account and its alarm: an EventBridge rule on the default
 * bus matching CloudTrail's record of every `AssumeRole` of the role (read-only management
 * events included, so the rule sees it however CloudTrail classifies the call) publishes the
 * event to an encrypted topic that the platform and the tenant's contacts subscribe to. The
 * role's trust sends every session through this region's STS endpoint, where the rule listens.
 */
export class BreakGlassAccess extends Construct {
  readonly role: Role;
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: BreakGlassAccessProps) {
    super(scope, id);
    if (!Number.isInteger(props.sessionHours) || props.sessionHours < 1 || props.sessionHours > 12) {
      throw new Error(`BreakGlassAccess ${id}: sessionHours must be a whole number of 1-12; got ${props.sessionHours}`);
    }
    if (props.emails.length === 0) throw new Error(`BreakGlassAccess ${id}: emails must name at least one address to alert`);
    const provider = props.provider;
    this.role = new Role(this, 'role', { roleName: props.roleName, trustPolicy: props.trustPolicy, maxSessionDurationSeconds: props.sessionHours * 3600, provider });
    new IamRolePolicyAttachment(this, 'role-admin', { role: this.role.role.name, policyArn: BREAK_GLASS_MANAGED_POLICY, provider });

    const topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: props.kmsKeyArn, provider });
    this.topicArn = `arn:aws:sns:${props.region}:${props.accountId}:${props.topicName}`;
    const ruleArn = `arn:aws:events:${props.region}:${props.accountId}:rule/${props.ruleName}`;
    new SnsTopicPolicy(this, 'topic-policy', {
      arn: topic.arn,
      policy: policyJson(
        policyDocument(
          { Sid: 'BreakGlassRuleOnly', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: this.topicArn, Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } },
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: this.topicArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ),
      ),
      provider,
    });
    const rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: `Every session of ${props.roleName} (break-glass)`,
      eventPattern: JSON.stringify(breakGlassSessions(props.accountId, props.roleName)),
      state: CLOUDTRAIL_RULE_STATE,
      provider,
    });
    new CloudwatchEventTarget(this, 'target', { rule: rule.name, arn: topic.arn, provider });
    // Keyed by address, so adding or removing one leaves the other subscriptions alone.
    for (const email of new Set(props.emails.map((e) => e.toLowerCase()))) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^a-z0-9]/g, '-')}`, { topicArn: topic.arn, protocol: 'email', endpoint: email, provider });
    }
  }
}
