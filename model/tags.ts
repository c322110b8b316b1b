/**
 * The tags the landing zone sets itself, in one place: the stacks put them on every resource
 * (provider default_tags), the stack rules require them, the audit checks them, and manifests
 * may not override them.
 */
export const MANAGED_BY = 'tenant-landing-zone';

/** Tags on every resource of every stack. */
export const STACK_TAG_KEYS = ['ManagedBy', 'LandingZone', 'Stack'] as const;
/** Tags on every resource of a tenant's stacks (and on its AWS account). */
export const TENANT_TAG_KEYS = ['TenantId', 'Tier'] as const;
/** Tags the landing zone sets; a manifest's or the settings' extra tags may not use these keys. */
export const RESERVED_TAG_KEYS = [...TENANT_TAG_KEYS, ...STACK_TAG_KEYS] as const;

/** The tags that identify a tenant's resources (cost, inventory, incident response). */
export function tenantTags(tenant: { readonly id: string; readonly tier: string }): Record<(typeof TENANT_TAG_KEYS)[number], string> {
  return { TenantId: tenant.id, Tier: tenant.tier };
}

/** The landing-zone tags of one stack's resources: identity of the landing zone and stack, and of the tenant where there is one. */
export function landingZoneTags(landingZone: string, stack: string, tenant?: { readonly id: string; readonly tier: string }): Record<string, string> {
  return { ManagedBy: MANAGED_BY, LandingZone: landingZone, Stack: stack, ...(tenant ? tenantTags(tenant) : {}) };
}
