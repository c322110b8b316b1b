/** Reading what the tenant API needs from a Lambda proxy event; malformed input is an InvalidInputError. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TENANT_ID_CLAIM } from '../shared/contracts';
import { InvalidInputError } from '../shared/errors';
import { MAX_PAGE_SIZE, type ItemData } from '../shared/tenant-data';

/** The tenant of the caller: only the verified token claim the Cognito authorizer passes on. */
export function tenantIdFromClaims(event: APIGatewayProxyEvent): string | undefined {
  const claims: unknown = event.requestContext.authorizer?.claims;
  if (typeof claims !== 'object' || claims === null) return undefined;
  const tenantId: unknown = (claims as Record<string, unknown>)[TENANT_ID_CLAIM];
  return typeof tenantId === 'string' && tenantId.length > 0 ? tenantId : undefined;
}

export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new InvalidInputError(`path parameter ${name} is missing`);
  return value;
}

export function queryParameter(event: APIGatewayProxyEvent, name: string): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

export function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export interface ItemBody {
  readonly data: ItemData;
  readonly version?: number;
}

/** `{"data": {...}, "version"?: n}`; other fields (a tenant id, say) are ignored. */
export function parseItemBody(event: APIGatewayProxyEvent): ItemBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyBytes(event).toString('utf8'));
  } catch {
    throw new InvalidInputError('body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError('body must be a JSON object');
  }
  const { data, version } = parsed as { data?: unknown; version?: unknown };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidInputError('data must be a JSON object');
  }
  if (version === undefined || version === null) return { data: data as ItemData };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidInputError('version must be a positive integer');
  }
  return { data: data as ItemData, version };
}
