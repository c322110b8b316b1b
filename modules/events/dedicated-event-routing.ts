import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument } from '../../contract/policy-document';
import { Role, serviceTrust } from '../iam/role';
import { EventBus } from './event-bus';
import { eventsFromAccount, platformEventsFor } from '../../contract/event-patterns';

export interface DedicatedEventRoutingProps {
  readonly tenantId: string;
  readonly tenantAccountId: string;
  readonly platformAccountId: string;
  /** Region of the tenant bus (the tenant's home region). */
  readonly tenantRegion: string;
  /** Region of the central bus (the platform home region). */
  readonly platformRegion: string;
  readonly centralBusName: string;
  readonly names: {
    readonly tenantBus: string;
    readonly toCentralRule: string;
    readonly toTenantRule: string;
    readonly forwardRole: string;
    readonly deliverRole: string;
  };
  /**
   * Route events (false while offboarding: the bus stays, the routes go).
   * @default true
   */
  readonly enabled?: boolean;
  readonly tenantProvider: TerraformProvider;
  readonly platformProvider?: TerraformProvider;
}

/**
 * Cross-account events of an L2/L3 tenant: a bus in the tenant account that accepts events
 * only from the platform account; a rule there forwarding the tenant's own events to the
 * central bus (a role that may put events on that bus only); and on the central bus a rule
 * sending events the platform published for this tenant to its bus. Forwarding matches
 * `account` on both sides, so events cannot loop and no tenant can address another's bus.
 */
export class DedicatedEventRouting extends Construct {
  readonly tenantBus: EventBus;

  constructor(scope: Construct, id: string, props: DedicatedEventRoutingProps) {
    super(scope, id);
    const { names } = props;
    const centralBusArn = `arn:aws:events:${props.platformRegion}:${props.platformAccountId}:event-bus/${props.centralBusName}`;
    this.tenantBus = new EventBus(this, 'tenant-bus', {
      busName: names.tenantBus,
      accountId: props.tenantAccountId,
      region: props.tenantRegion,
      policy: (busArn) =>
        policyDocument({
          Sid: 'PutEventsFromThePlatformOnly',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${props.platformAccountId}:root` },
          Action: 'events:PutEvents',
          Resource: busArn,
        }),
      provider: props.tenantProvider,
    });
    if (props.enabled === false) return;

    const forwardRole = new Role(this, 'forward-role', {
      roleName: names.forwardRole,
      trustPolicy: serviceTrust('events.amazonaws.com', props.tenantAccountId),
      statements: [{ Sid: 'CentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: centralBusArn }],
      provider: props.tenantProvider,
    });
    const toCentral = new CloudwatchEventRule(this, 'to-central', {
      name: names.toCentralRule,
      description: `Events of tenant ${props.tenantId} to the central bus`,
      eventBusName: this.tenantBus.bus.name,
      eventPattern: JSON.stringify(eventsFromAccount(props.tenantAccountId)),
      provider: props.tenantProvider,
    });
    new CloudwatchEventTarget(this, 'to-central-target', {
      rule: toCentral.name,
      eventBusName: this.tenantBus.bus.name,
      targetId: 'central-bus',
      arn: centralBusArn,
      roleArn: forwardRole.arn,
      provider: props.tenantProvider,
    });

    const deliverRole = new Role(this, 'deliver-role', {
      roleName: names.deliverRole,
      trustPolicy: serviceTrust('events.amazonaws.com', props.platformAccountId),
      statements: [{ Sid: 'TenantBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: this.tenantBus.busArn }],
      provider: props.platformProvider,
    });
    const toTenant = new CloudwatchEventRule(this, 'to-tenant', {
      name: names.toTenantRule,
      description: `Platform events for tenant ${props.tenantId} to its bus`,
      eventBusName: props.centralBusName,
      eventPattern: JSON.stringify(platformEventsFor(props.platformAccountId, props.tenantId)),
      provider: props.platformProvider,
    });
    new CloudwatchEventTarget(this, 'to-tenant-target', {
      rule: toTenant.name,
      eventBusName: props.centralBusName,
      targetId: 'tenant-bus',
      arn: this.tenantBus.busArn,
      roleArn: deliverRole.arn,
      // The bus must exist before the platform can deliver to it.
      dependsOn: [this.tenantBus.bus],
      provider: props.platformProvider,
    });
  }
}
