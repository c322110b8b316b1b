/**
 * The tenant API (REST API, Lambda proxy integration, the API authorizer of functions/api-authorizer).
 * The caller's tenant is what the authorizer read from the verified access token and nothing else;
 * tenant names in the path, query, headers or body are never read. The tenant must be active and
 * served by this app, and the request must have been made under the tenant's own API key (the
 * one the authorizer handed API Gateway). Data calls use tenant-scoped credentials in the data's
 * region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ENV, type AppHost } from '../shared/contracts';
import { appHostFromEnv, requireEnv, type EnvSource } from '../shared/env';
import { InvalidInputError, ItemConflictError, QuotaExceededError, TenantNotFoundError } from '../shared/errors';
import { errorResponse, migrationInProgressResponse } from '../shared/http';
import { describeError, jsonLogger, type Logger } from '../shared/logger';
import { tenantAccess } from '../shared/tenant-access';
import { type TenantDataClientFactory } from '../shared/tenant-clients';
import { createTenantData } from '../shared/tenant-data';
import { refusalOf } from '../shared/tenant-gate';
import { tenantIdFromAuthorizer } from './request';
import { ROUTES } from './routes';

export interface TenantApiEnv {
  readonly registryTable: string;
  /** Reported by `GET /tenant`. */
  readonly appVersion: string;
  /** The app this function belongs to. */
  readonly appHost: AppHost;
}

export interface TenantApiDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  /** Assumes the tenants' data-access roles. */
  readonly sts: STSClient;
  /** Builds the tenant-scoped data clients. @default createTenantDataClients */
  readonly tenantClientFactory?: TenantDataClientFactory;
  /** How long a registry entry is cached. @default REGISTRY_CACHE_TTL_MS */
  readonly registryCacheTtlMs?: number;
  readonly env: TenantApiEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type TenantApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export function tenantApiEnv(source: EnvSource = process.env): TenantApiEnv {
  return { registryTable: requireEnv(ENV.REGISTRY_TABLE, source), appVersion: requireEnv(ENV.APP_VERSION, source), appHost: appHostFromEnv(source) };
}

const forbidden = (): APIGatewayProxyResult => errorResponse(403, 'forbidden', 'Forbidden');
/** Methods that write; refused while a move freezes the tenant's data. */
const WRITE_METHODS = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

export function createHandler(deps: TenantApiDeps): TenantApiHandler {
  const { registry, tenantClients } = tenantAccess({ ...deps, registryTable: deps.env.registryTable });
  const logger = deps.logger ?? jsonLogger;

  return async (event) => {
    const requestId = event.requestContext.requestId;
    const route = `${event.httpMethod} ${event.resource}`;
    const refuse = (reason: string, fields: Record<string, unknown> = {}): APIGatewayProxyResult => {
      logger.warn('request refused', { requestId, route, reason, ...fields });
      return forbidden();
    };

    try {
      const tenantId = tenantIdFromAuthorizer(event);
      if (tenantId === undefined) return refuse('no tenant in the authorizer context');

      const view = await registry.locate(tenantId).catch((error: unknown) => {
        if (error instanceof TenantNotFoundError) return undefined;
        throw error;
      });
      if (view === undefined) return refuse('tenant not registered', { tenantId });
      const { entry: tenant, serving } = view;
      const refusal = refusalOf(tenant, deps.env.appHost);
      if (refusal) return refuse(refusal, { tenantId });
      // Fails closed: a tenant without a key in this app's usage plan has no access through it.
      const apiKeyId = event.requestContext.identity?.apiKeyId ?? undefined;
      if (tenant.apiKeyId === undefined) return refuse('tenant has no API key in this app', { tenantId, apiKeyId });
      if (apiKeyId !== tenant.apiKeyId) return refuse('API key is not the tenant’s', { tenantId, apiKeyId });

      const handle = Object.hasOwn(ROUTES, route) ? ROUTES[route] : undefined;
      if (!handle) return errorResponse(404, 'not_found', 'No such route');
      if (!serving.writable && WRITE_METHODS.has(event.httpMethod)) {
        logger.info('write refused during a move', { requestId, route, tenantId, retryAfterSeconds: serving.retryAfterSeconds });
        return migrationInProgressResponse(serving.retryAfterSeconds!);
      }

      // Where the data is served from: during a move, the old location until the copy is verified.
      const data = async () =>
        createTenantData({ clients: await tenantClients.clientsFor(tenant.tenantId, serving.data), location: serving.data, quota: tenant.quota, now: deps.now });
      try {
        return await handle({ event, tenant, data, appVersion: deps.env.appVersion });
      } catch (error) {
        if (error instanceof InvalidInputError) return errorResponse(400, 'bad_request', error.message);
        if (error instanceof ItemConflictError) return errorResponse(409, 'conflict', error.message);
        if (error instanceof QuotaExceededError) return errorResponse(409, 'quota_exceeded', error.message);
        throw error;
      }
    } catch (error) {
      logger.error('request failed', { requestId, route, ...describeError(error) });
      return errorResponse(500, 'internal_error', 'Internal server error');
    }
  };
}

let defaultHandler: TenantApiHandler | undefined;

export const handler: TenantApiHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    sts: new STSClient({}),
    env: tenantApiEnv(),
  });
  return defaultHandler(event);
};
