import { policyDocument, PolicyDocument, PolicyStatement } from './policy-document';
import { GLOBAL_SERVICE_ACTIONS } from './service-control-policies';

/**
 * A tenant's data residency as a service control policy, attached to its own account (L2/L3):
 * every request outside the tenant's regions is denied, the global services excepted (they
 * have no regional endpoint and hold no tenant data). Unlike the landing zone's region
 * guardrail it exempts no principal, not even the break-glass role: residency is a promise to
 * the customer, and break-glass work happens in the tenant's regions too.
 *
 * One exception when the platform's home region is not among the tenant's regions: the
 * tenant's own events may still be put on the platform's central bus there (the platform
 * design routes every tenant's events through it), and on no other bus.
 */
export interface ResidencyPolicyProps {
  readonly regions: ReadonlyArray<string>;
  /** The central bus, when it lives outside `regions` and the tenant forwards events to it. */
  readonly centralBusArn?: string;
}

export const EVENT_FORWARDING_ACTION = 'events:PutEvents';

export function residencyPolicy(props: ResidencyPolicyProps): PolicyDocument {
  if (props.regions.length === 0) throw new Error('residencyPolicy: regions must name at least one region');
  const outside = { StringNotEquals: { 'aws:RequestedRegion': [...props.regions] } };
  const statements: PolicyStatement[] = [
    { Sid: 'DenyOutsideResidency', Effect: 'Deny', NotAction: [...GLOBAL_SERVICE_ACTIONS, ...(props.centralBusArn ? [EVENT_FORWARDING_ACTION] : [])], Resource: '*', Condition: outside },
  ];
  if (props.centralBusArn) statements.push({ Sid: 'DenyEventsOutsideResidencyButToTheCentralBus', Effect: 'Deny', Action: EVENT_FORWARDING_ACTION, NotResource: props.centralBusArn, Condition: outside });
  return policyDocument(...statements);
}
