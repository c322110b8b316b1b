/** The tenant API routes, keyed by `<method> <resource>` as API Gateway names them. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RegistryEntry } from '../shared/contracts';
import { errorResponse, fileResponse, jsonResponse, noContentResponse } from '../shared/http';
import type { TenantData } from '../shared/tenant-data';
import { bodyBytes, header, parseItemBody, parseLimit, pathParameter, queryParameter } from './request';

export interface RouteContext {
  readonly event: APIGatewayProxyEvent;
  /** The caller's tenant (from the verified claim), active. */
  readonly tenant: RegistryEntry;
  /** The data path with tenant-scoped credentials; created on first use. */
  readonly data: () => Promise<TenantData>;
  readonly appVersion: string;
}

export type Route = (context: RouteContext) => Promise<APIGatewayProxyResult>;

const notFound = (what: string): APIGatewayProxyResult => errorResponse(404, 'not_found', `${what} not found`);

export const ROUTES: Readonly<Record<string, Route>> = {
  'GET /tenant': async ({ tenant, appVersion }) =>
    jsonResponse(200, { tenantId: tenant.tenantId, tier: tenant.tier, appVersion }),

  'GET /items': async ({ event, tenant, data }) => {
    const limit = parseLimit(queryParameter(event, 'limit'));
    const nextToken = queryParameter(event, 'nextToken');
    const page = await (await data()).listItems(tenant.tenantId, { limit, nextToken });
    return jsonResponse(200, page);
  },

  'GET /items/{itemId}': async ({ event, tenant, data }) => {
    const item = await (await data()).getItem(tenant.tenantId, pathParameter(event, 'itemId'));
    return item ? jsonResponse(200, item) : notFound('item');
  },

  'PUT /items/{itemId}': async ({ event, tenant, data }) => {
    const itemId = pathParameter(event, 'itemId');
    const body = parseItemBody(event);
    const { created, item } = await (await data()).putItem(tenant.tenantId, itemId, body.data, body.version);
    return jsonResponse(created ? 201 : 200, item);
  },

  'DELETE /items/{itemId}': async ({ event, tenant, data }) => {
    const deleted = await (await data()).deleteItem(tenant.tenantId, pathParameter(event, 'itemId'));
    return deleted ? noContentResponse() : notFound('item');
  },

  'PUT /files/{name}': async ({ event, tenant, data }) => {
    const name = pathParameter(event, 'name');
    const body = bodyBytes(event);
    await (await data()).putFile(tenant.tenantId, name, body, header(event, 'content-type'));
    return jsonResponse(200, { name, size: body.length });
  },

  'GET /files/{name}': async ({ event, tenant, data }) => {
    const file = await (await data()).getFile(tenant.tenantId, pathParameter(event, 'name'));
    return file ? fileResponse(file.body, file.contentType) : notFound('file');
  },
};
