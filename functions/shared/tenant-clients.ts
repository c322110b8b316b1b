/**
 * SDK clients that act with a tenant's scoped credentials, in the region of the tenant's data.
 * Clients are kept per tenant while its credentials stay the same, so warm invocations reuse
 * their connections; new credentials mean new clients.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DataLocation } from './contracts';
import type { TenantCredentialSource, TenantCredentials } from './tenant-session';

export interface TenantDataClients {
  readonly db: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** Closes the clients' connections. */
  readonly destroy?: () => void;
}

export type TenantDataClientFactory = (credentials: TenantCredentials, region: string) => TenantDataClients;

export const createTenantDataClients: TenantDataClientFactory = (credentials, region) => {
  const dynamodb = new DynamoDBClient({ region, credentials });
  const s3 = new S3Client({ region, credentials });
  return {
    db: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3,
    destroy: () => {
      dynamodb.destroy();
      s3.destroy();
    },
  };
};

/** Tenants whose clients a container keeps; the least recently used beyond this are closed. */
export const MAX_CACHED_TENANTS = 50;

export interface TenantScopedClientsOptions {
  readonly credentials: TenantCredentialSource;
  /** @default createTenantDataClients */
  readonly factory?: TenantDataClientFactory;
  /** @default MAX_CACHED_TENANTS */
  readonly maxTenants?: number;
}

export class TenantScopedClients {
  private readonly cache = new Map<string, { readonly accessKeyId: string; readonly clients: TenantDataClients }>();
  private readonly factory: TenantDataClientFactory;
  private readonly maxTenants: number;

  constructor(private readonly options: TenantScopedClientsOptions) {
    this.factory = options.factory ?? createTenantDataClients;
    this.maxTenants = options.maxTenants ?? MAX_CACHED_TENANTS;
  }

  async clientsFor(tenantId: string, data: DataLocation): Promise<TenantDataClients> {
    const credentials = await this.options.credentials.credentialsFor(tenantId, data);
    const key = JSON.stringify([tenantId, data.dataAccessRoleArn, data.region]);
    const cached = this.cache.get(key);
    this.cache.delete(key);
    if (cached && cached.accessKeyId === credentials.accessKeyId) {
      this.cache.set(key, cached); // re-inserted: Map order is the recency order
      return cached.clients;
    }
    cached?.clients.destroy?.();

    const clients = this.factory(credentials, data.region);
    this.cache.set(key, { accessKeyId: credentials.accessKeyId, clients });
    while (this.cache.size > this.maxTenants) {
      const [oldestKey, oldest] = this.cache.entries().next().value!;
      this.cache.delete(oldestKey);
      oldest.clients.destroy?.();
    }
    return clients;
  }
}
