import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TenantRegistry } from './registry';
import { TenantDataClientFactory, TenantScopedClients } from './tenant-clients';
import { TenantSessions } from './tenant-session';

export interface TenantAccessDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  readonly registryTable: string;
  /** Assumes the tenant's data-access role. */
  readonly sts: STSClient;
  /** @default createTenantDataClients */
  readonly tenantClientFactory?: TenantDataClientFactory;
  /** @default REGISTRY_CACHE_TTL_MS */
  readonly registryCacheTtlMs?: number;
  readonly now?: () => number;
}

/**
 * What every function that touches tenant data needs: the registry (where the data lives) and
 * tenant-scoped clients built from sessions of the data-access role (token vending).
 */
export function tenantAccess(deps: TenantAccessDeps): { registry: TenantRegistry; tenantClients: TenantScopedClients } {
  return {
    registry: new TenantRegistry({ client: deps.registryClient, tableName: deps.registryTable, ttlMs: deps.registryCacheTtlMs, now: deps.now }),
    tenantClients: new TenantScopedClients({ credentials: new TenantSessions({ sts: deps.sts, now: deps.now }), factory: deps.tenantClientFactory }),
  };
}
