import { policyDocument, PolicyDocument } from './policy-document';
import { GLOBAL_SERVICE_ACTIONS } from './service-control-policies';

/**
 * A tenant's data residency as a service control policy, attached to its own account (L2/L3):
 * every request outside the tenant's regions is denied, the global services excepted (they
 * have no regional endpoint and hold no tenant data). Unlike the landing zone's region
 * guardrail it exempts nobody, not even the break-glass role: residency is a promise to the
 * customer, and break-glass work happens in the tenant's regions too.
 */
export function residencyPolicy(regions: ReadonlyArray<string>): PolicyDocument {
  if (regions.length === 0) throw new Error('residencyPolicy: regions must name at least one region');
  return policyDocument({
    Sid: 'DenyOutsideResidency',
    Effect: 'Deny',
    NotAction: [...GLOBAL_SERVICE_ACTIONS],
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': [...regions] } },
  });
}
