/**
 * The isolation tiers and what each one requires of a manifest. This table is the single
 * source for the tier rules: validation enforces it and the JSON Schema generator turns it
 * into `if/then` clauses so editors flag the same mistakes.
 */
export const TIERS = ['L1', 'L2', 'L3'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_RANK: Record<Tier, number> = { L1: 1, L2: 2, L3: 3 };

export const TIER_DESCRIPTIONS: Record<Tier, string> = {
  L1: 'pooled: the shared platform account, pooled tables keyed by tenant id',
  L2: 'dedicated data: a tenant-owned AWS account holds the data, the app stays shared',
  L3: 'dedicated stack: the whole stack in the tenant account, BYOK, tenant-approved changes',
};

/** Manifest fields whose presence depends on the tier. */
export type TierDependentField = 'account' | 'backup' | 'encryption' | 'changeApprovers' | 'appVersion' | 'support';

export interface TierFieldRule {
  readonly required: ReadonlyArray<TierDependentField>;
  readonly forbidden: ReadonlyArray<TierDependentField>;
}

export const TIER_FIELD_RULES: Record<Tier, TierFieldRule> = {
  L1: { required: [], forbidden: ['account', 'backup', 'encryption', 'changeApprovers', 'appVersion', 'support'] },
  L2: { required: ['account', 'backup'], forbidden: ['encryption', 'changeApprovers', 'appVersion'] },
  L3: { required: ['account', 'backup', 'encryption', 'changeApprovers'], forbidden: [] },
};

/** Why a field is tied to a tier, worded for the error message. */
export const TIER_FIELD_REASONS: Record<TierDependentField, string> = {
  account: 'L2 and L3 tenants get their own AWS account (account.email, optionally account.id to adopt one); L1 tenants live in the platform account',
  backup: 'L2 and L3 tenants get a backup plan of their own; L1 data is covered by the platform daily backup',
  encryption: 'L3 tenants bring their own key (BYOK); L1 uses the platform key and L2 a per-tenant key the landing zone creates',
  changeApprovers: 'only L3 tenants approve changes to their stack; L1 and L2 follow the platform cadence',
  appVersion: 'only L3 tenants run their own copy of the app and can pin its version',
  support: "support access is granted per tenant account (L2, L3); support of the pooled L1 tenants is the platform account's, not the tenant's",
};

export function isDedicated(tier: Tier): boolean {
  return tier !== 'L1';
}
