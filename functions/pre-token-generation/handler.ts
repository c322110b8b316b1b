/**
 * Cognito pre token generation trigger (event version 2, so access tokens can carry claims and
 * scopes too). For a user of a tenant this app serves and that is active, adds the tenant id and
 * tier (from the registry, not the user attribute) to the ID and access tokens and the
 * TENANT_API_SCOPE to the access token, the only token the API accepts. Throwing refuses the
 * sign-in and the refresh: that is how a suspended tenant, or a tenant another app serves, stops
 * getting tokens from this pool.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { ENV, TENANT_API_SCOPE, TENANT_ID_ATTRIBUTE, TENANT_ID_CLAIM, TENANT_TIER_CLAIM, type AppHost } from '../shared/contracts';
import { appHostFromEnv, requireEnv, type EnvSource } from '../shared/env';
import { TenantNotFoundError } from '../shared/errors';
import { jsonLogger, type Logger } from '../shared/logger';
import { TenantRegistry } from '../shared/registry';
import { passwordCheckOnly, refusalOf } from '../shared/tenant-gate';
import { guardTrigger, TriggerRefusal } from '../shared/trigger';

export interface PreTokenGenerationEnv {
  readonly registryTable: string;
  /** The app this function belongs to. */
  readonly appHost: AppHost;
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
  return { registryTable: requireEnv(ENV.REGISTRY_TABLE, source), appHost: appHostFromEnv(source) };
}

export function createHandler(deps: PreTokenGenerationDeps): PreTokenGenerationHandler {
  const registry = new TenantRegistry({ client: deps.registryClient, tableName: deps.env.registryTable, now: deps.now });

  return guardTrigger('pre-token-generation', deps.logger ?? jsonLogger, async (event) => {
    const tenantId = event.request.userAttributes[TENANT_ID_ATTRIBUTE];
    if (!tenantId) return event; // a user outside any tenant gets no tenant claims and no API scope

    const entry = await registry.getEntry(tenantId).catch((error: unknown) => {
      if (error instanceof TenantNotFoundError) throw new TriggerRefusal('tenant is not registered', { tenantId });
      throw error;
    });
    // The user migration trigger of the tenant's own pool checking a moving user's password: tokens without tenant claims or API scope.
    if (passwordCheckOnly(entry, deps.env.appHost)) return event;
    const refusal = refusalOf(entry, deps.env.appHost);
    if (refusal) throw new TriggerRefusal(`${refusal}: no tokens are issued`, { tenantId });

    const claims = { [TENANT_ID_CLAIM]: entry.tenantId, [TENANT_TIER_CLAIM]: entry.tier };
    // Cognito sends null here; merging keeps anything an earlier step might have set.
    const details = event.response.claimsAndScopeOverrideDetails ?? {};
    const access = details.accessTokenGeneration;
    event.response.claimsAndScopeOverrideDetails = {
      ...details,
      idTokenGeneration: {
        ...details.idTokenGeneration,
        claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
      accessTokenGeneration: {
        ...access,
        claimsToAddOrOverride: { ...access?.claimsToAddOrOverride, ...claims },
        scopesToAdd: [...new Set([...(access?.scopesToAdd ?? []), TENANT_API_SCOPE])],
      },
    };
    return event;
  });
}

let defaultHandler: PreTokenGenerationHandler | undefined;

export const handler: PreTokenGenerationHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    env: preTokenGenerationEnv(),
  });
  return defaultHandler(event);
};
