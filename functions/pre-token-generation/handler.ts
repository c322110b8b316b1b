/**
 * Cognito pre token generation trigger (event version 2, so access tokens can carry claims too).
 * Adds the tenant id and tier to the ID and access tokens, the tier from the registry rather than
 * the user attribute. Throwing refuses the sign-in: that is how a suspended tenant is locked out.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { ENV, TENANT_ID_ATTRIBUTE, TENANT_ID_CLAIM, TENANT_TIER_CLAIM } from '../shared/contracts';
import { requireEnv, type EnvSource } from '../shared/env';
import { jsonLogger, type Logger } from '../shared/logger';
import { TenantRegistry } from '../shared/registry';

export interface PreTokenGenerationEnv {
  readonly registryTable: string;
}

export interface PreTokenGenerationDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  readonly env: PreTokenGenerationEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type PreTokenGenerationHandler = (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent>;

export function preTokenGenerationEnv(source: EnvSource = process.env): PreTokenGenerationEnv {
  return { registryTable: requireEnv(ENV.REGISTRY_TABLE, source) };
}

export function createHandler(deps: PreTokenGenerationDeps): PreTokenGenerationHandler {
  const registry = new TenantRegistry({ client: deps.registryClient, tableName: deps.env.registryTable, now: deps.now });
  const logger = deps.logger ?? jsonLogger;

  return async (event) => {
    const tenantId = event.request.userAttributes[TENANT_ID_ATTRIBUTE];
    if (!tenantId) return event; // a user outside any tenant gets no tenant claims (and no tenant API access)

    const entry = await registry.getEntry(tenantId);
    if (entry.status !== 'active') {
      logger.warn('sign-in refused', { tenantId, status: entry.status, userName: event.userName });
      throw new Error(`Tenant ${tenantId} is ${entry.status}: sign-in is disabled`);
    }

    const claims = { [TENANT_ID_CLAIM]: entry.tenantId, [TENANT_TIER_CLAIM]: entry.tier };
    // Cognito sends null here; merging keeps anything an earlier step might have set.
    const details = event.response.claimsAndScopeOverrideDetails ?? {};
    event.response.claimsAndScopeOverrideDetails = {
      ...details,
      idTokenGeneration: {
        ...details.idTokenGeneration,
        claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
      accessTokenGeneration: {
        ...details.accessTokenGeneration,
        claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
    };
    return event;
  };
}

let defaultHandler: PreTokenGenerationHandler | undefined;

export const handler: PreTokenGenerationHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    env: preTokenGenerationEnv(),
  });
  return defaultHandler(event);
};
