/** Reading what the tenant API needs from a Lambda proxy event; malformed input is an InvalidInputError. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AUTHORIZER_CONTEXT } from '../shared/contracts';
import { InvalidInputError } from '../shared/errors';
import { jsonNestingDepth, MAX_ITEM_DATA_BYTES, MAX_ITEM_DATA_DEPTH, MAX_PAGE_SIZE, type ItemData } from '../shared/tenant-data';

/**
 * The tenant of the caller: only what the API authorizer passed on from the verified access
 * token (functions/api-authorizer). Clients cannot set the authorizer context.
 */
export function tenantIdFromAuthorizer(event: APIGatewayProxyEvent): string | undefined {
  const context: unknown = event.requestContext.authorizer;
  if (typeof context !== 'object' || context === null) return undefined;
  const tenantId: unknown = (context as Record<string, unknown>)[AUTHORIZER_CONTEXT.tenantId];
  return typeof tenantId === 'string' && tenantId.length > 0 ? tenantId : undefined;
}

/** The largest `PUT /items/{itemId}` body: the data limit and room for `{"data": ..., "version": n}`. */
export const MAX_ITEM_BODY_BYTES = MAX_ITEM_DATA_BYTES + 1024;

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

/** The body as bytes; with `maxBytes`, a larger body is refused before it is decoded. */
export function bodyBytes(event: APIGatewayProxyEvent, maxBytes?: number): Buffer {
  const body = event.body;
  if (body === null || body === undefined) return Buffer.alloc(0);
  if (maxBytes !== undefined) {
    // A UTF-16 string takes at least one UTF-8 byte per code unit; base64 carries 3 bytes per 4 characters.
    const atLeast = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) - 2 : body.length;
    if (atLeast > maxBytes) throw new InvalidInputError(`body must be at most ${maxBytes} bytes`);
  }
  const bytes = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (maxBytes !== undefined && bytes.length > maxBytes) throw new InvalidInputError(`body must be at most ${maxBytes} bytes`);
  return bytes;
}

export interface ItemBody {
  readonly data: ItemData;
  readonly version?: number;
}

/**
 * `{"data": {...}, "version"?: n}`; other fields (a tenant id, say) are ignored. The size and
 * the nesting are checked on the text, before JSON.parse builds anything from it.
 */
export function parseItemBody(event: APIGatewayProxyEvent): ItemBody {
  const text = bodyBytes(event, MAX_ITEM_BODY_BYTES).toString('utf8');
  if (jsonNestingDepth(text) > MAX_ITEM_DATA_DEPTH + 1) throw new InvalidInputError(`data must not nest deeper than ${MAX_ITEM_DATA_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
