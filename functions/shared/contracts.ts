/**
 * The contract between the infrastructure (stacks/) and the Lambda code (functions/):
 * environment variable names, table keys, claim and tag names, registry item shape, event
 * names. Plain TypeScript without the AWS SDK, imported by both sides so they cannot drift.
 */

/** Environment variables the stacks set on the functions. */
export const ENV = {
  /** Tenant registry table (platform account; in an L3 account, that account's own registry). */
  REGISTRY_TABLE: 'REGISTRY_TABLE',
  /** Event bus the functions publish to (the central bus, or the L3 tenant's bus). */
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
  /** "true" when the user pool allows self sign-up (users then never choose a tenant). */
  SELF_SIGN_UP: 'SELF_SIGN_UP',
  /** Version of the app the function belongs to, reported by the API. */
  APP_VERSION: 'APP_VERSION',
  /** Which app the function belongs to (AppHost); it serves only tenants whose registry entry names it. */
  APP_HOST: 'APP_HOST',
  /** The user pool whose access tokens the API authorizer accepts. */
  USER_POOL_ID: 'USER_POOL_ID',
  /** The one app client whose access tokens the API authorizer accepts. */
  USER_POOL_CLIENT_ID: 'USER_POOL_CLIENT_ID',
} as const;

/**
 * Which app serves a tenant: the shared platform app (L1, L2, L3 while BYOK is pending) or the
 * tenant's own app in its account (L3). model/profile.ts decides it (`app.host`); the registry
 * entry records it and every function of an app refuses tenants that another app serves.
 */
export type AppHost = 'platform' | 'tenant';
export const APP_HOSTS: ReadonlyArray<AppHost> = ['platform', 'tenant'];

/** Cognito attributes; both immutable and in no app client's write attributes. */
export const TENANT_ID_ATTRIBUTE = 'custom:tenant_id';
export const TENANT_TIER_ATTRIBUTE = 'custom:tenant_tier';
/**
 * Set once on a user who moved to an L3 tenant's own pool: its `sub` in the shared pool, so
 * that its profile (keyed by that sub) moves to its new `sub`. Immutable, never client-writable.
 */
export const PREVIOUS_USER_ID_ATTRIBUTE = 'custom:previous_user_id';

/** Claims the pre token generation trigger adds (to ID and access tokens). */
export const TENANT_ID_CLAIM = 'tenant_id';
export const TENANT_TIER_CLAIM = 'tenant_tier';
/**
 * The scope the pre token generation trigger adds to the access tokens of users it admits; the
 * API authorizer accepts only access tokens that carry it (and ID tokens never).
 */
export const TENANT_API_SCOPE = 'tenant-api/data';
/** What the API authorizer passes to the API handler (requestContext.authorizer), from the verified token. */
export const AUTHORIZER_CONTEXT = { tenantId: 'tenantId', tenantTier: 'tenantTier' } as const;

/** The one session tag tenant-scoped sessions carry; policies read it as aws:PrincipalTag/TenantId. */
export const TENANT_SESSION_TAG = 'TenantId';

/** Partition key of every tenant-data table (pooled and dedicated have the same schema). */
export const TENANT_KEY = 'tenantId';
/** Sort key of the items table. */
export const ITEM_KEY = 'itemId';
/** Sort key of the users table (the Cognito `sub`). */
export const USER_KEY = 'userId';
/** Partition key of the registry table. */
export const REGISTRY_KEY = 'tenantId';
/**
 * Sort key value of the tenant's usage record in its users table (item count, stored file
 * bytes), which the storage quota is checked against. User ids are Cognito subs, never this.
 */
export const USAGE_RECORD_KEY = '#usage';

export type TenantTier = 'L1' | 'L2' | 'L3';
export type TenantStatus = 'active' | 'suspended' | 'offboarding';

/** Where a tenant's data lives and how to reach it. */
export interface DataLocation {
  /** pooled: the platform's shared tables and bucket prefix; dedicated: the tenant account's own. */
  readonly mode: 'pooled' | 'dedicated';
  readonly accountId: string;
  readonly region: string;
  readonly itemsTable: string;
  readonly usersTable: string;
  readonly bucket: string;
  /** Role that tenant-scoped sessions assume, with the TenantId session tag. */
  readonly dataAccessRoleArn: string;
  /** External id the dedicated data-access role requires (the tenant id); absent for pooled. */
  readonly externalId?: string;
}

/** What a tenant may store through the API (from the settings, per tier). */
export interface StorageQuota {
  readonly maxItems: number;
  /** The sum of the sizes of the tenant's current files. */
  readonly maxFileBytes: number;
}

/**
 * A move of the tenant's data to `data` that may not have happened yet: until the migration
 * record (below) says the copy was verified and switched, the app serves `from`.
 */
export interface RegistryMigration {
  /** `<from tier>-<to tier>`, e.g. L1-L2. */
  readonly id: string;
  readonly from: DataLocation;
}

/** A tenant registry item (written by the tenant stacks, read by the functions). */
export interface RegistryEntry {
  readonly tenantId: string;
  readonly tier: TenantTier;
  readonly status: TenantStatus;
  readonly displayName: string;
  readonly appVersion: string;
  /** The app that serves the tenant; the functions of any other app refuse it. */
  readonly servedBy: AppHost;
  readonly data: DataLocation;
  readonly quota: StorageQuota;
  /**
   * API Gateway API key id of the tenant in the serving app's usage plan: the authorizer hands
   * API Gateway this key for the tenant's requests (its throttle and quota), and the API refuses
   * a request made under any other key, or for a tenant without one.
   */
  readonly apiKeyId?: string;
  /** Present while the record of a data move is in the manifest. */
  readonly migration?: RegistryMigration;
  /**
   * Set in the platform registry while an L3 tenant's users move to its own pool: they may still
   * sign in to the shared pool, but only for the user migration trigger of the tenant's pool to
   * check their password (tenant-gate.ts `passwordCheckOnly`).
   */
  readonly usersMovingOut?: boolean;
}

/**
 * The migration record of one move: another item in the same registry table, keyed
 * `<tenantId>#migration#<move id>` (tenant ids never contain `#`), written by `lz migrate` and
 * never by Terraform. The functions read the record of the move their entry's marker names, to
 * decide where a moving tenant is served and whether it may write.
 */
export function migrationRecordKey(tenantId: string, moveId: string): string {
  return `${tenantId}#migration#${moveId}`;
}

export type MigrationRecordPhase = 'frozen' | 'moving' | 'switched' | 'failed' | 'cleaned';

/** The fields of the migration record the functions read (the engine keeps more). */
export interface MigrationRecordView {
  readonly migrationId: string;
  readonly phase: MigrationRecordPhase;
  /** Seconds a client should wait before retrying a refused write. */
  readonly retryAfterSeconds?: number;
}

/** Events on the buses. */
export const EVENT_SOURCE = 'saas.platform';
export const USER_CONFIRMED = 'UserConfirmed';

export interface UserConfirmedDetail {
  readonly tenantId: string;
  readonly userId: string;
}

/** Routes of the tenant API (REST API resources and methods; the handler routes on `event.resource`). */
export const TENANT_API_ROUTES: ReadonlyArray<{ readonly resource: string; readonly methods: ReadonlyArray<'GET' | 'PUT' | 'DELETE'> }> = [
  { resource: '/tenant', methods: ['GET'] },
  { resource: '/items', methods: ['GET'] },
  { resource: '/items/{itemId}', methods: ['GET', 'PUT', 'DELETE'] },
  { resource: '/files/{name}', methods: ['GET', 'PUT'] },
];

/** Environment of the user migration trigger (an L3 tenant's own pool, while its users move from the shared pool). */
export const USER_MIGRATION_ENV = {
  TENANT_ID: 'TENANT_ID',
  SOURCE_USER_POOL_ID: 'SOURCE_USER_POOL_ID',
  SOURCE_CLIENT_ID: 'SOURCE_CLIENT_ID',
  /** Role in the platform account that may authenticate users against the shared pool. */
  SOURCE_ROLE_ARN: 'SOURCE_ROLE_ARN',
} as const;

/** The trigger that moves users into an L3 tenant's own pool; not part of every app. */
export const USER_MIGRATION_FUNCTION = 'user-migration';

/** Time limit of the tenant API function; a move waits it out (with the registry cache TTL) after freezing writes. */
export const TENANT_API_TIMEOUT_SECONDS = 15;

/** The functions of the app; each is functions/<name>/handler.ts. */
export const APP_FUNCTIONS = ['pre-sign-up', 'post-confirmation', 'pre-token-generation', 'api-authorizer', 'tenant-api'] as const;
export type AppFunctionName = (typeof APP_FUNCTIONS)[number];
/** The Cognito triggers: sign-in depends on them, so they get reserved concurrency. */
export const SIGN_IN_TRIGGERS: ReadonlyArray<AppFunctionName> = ['pre-sign-up', 'post-confirmation', 'pre-token-generation'];
/** The functions that assume data-access roles on a tenant's behalf (token vending). */
export const SESSION_VENDING_FUNCTIONS: ReadonlyArray<AppFunctionName> = ['post-confirmation', 'tenant-api'];
