/**
 * The only way the migration engine reaches tenant data: clients whose credentials come from
 * sessions of the tenant's data-access role tagged `TenantId=<tenant>` (the token vending of
 * functions/shared/tenant-session.ts), so every read and write is limited by the same policies
 * as the app's: that tenant's partition and prefix, no Scan. The engine is never handed a
 * client with credentials of its own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DataLocation } from '../functions/shared/contracts';
import type { TenantDataClients } from '../functions/shared/tenant-clients';
import type { TenantCredentialSource, TenantCredentials } from '../functions/shared/tenant-session';

/** Builds data clients from a credential provider (called again whenever the session nears its end). */
export type ScopedClientFactory = (credentials: () => Promise<TenantCredentials>, region: string) => TenantDataClients;

export const createScopedClients: ScopedClientFactory = (credentials, region) => {
  const dynamodb = new DynamoDBClient({ region, credentials });
  const s3 = new S3Client({ region, credentials });
  return {
    db: DynamoDBDocumentClient.from(dynamodb),
    s3,
    destroy: () => {
      dynamodb.destroy();
      s3.destroy();
    },
  };
};

export interface ScopedAccess {
  readonly sessions: TenantCredentialSource;
  /** @default createScopedClients */
  readonly factory?: ScopedClientFactory;
}

/** Clients acting as `tenantId` at `location`, through its data-access role. */
export function tenantScopedClients(access: ScopedAccess, tenantId: string, location: DataLocation): TenantDataClients {
  return (access.factory ?? createScopedClients)(() => access.sessions.credentialsFor(tenantId, location), location.region);
}
