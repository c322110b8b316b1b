/** API Gateway (Lambda proxy) responses. Nothing a client receives is cacheable by intermediaries. */
import type { APIGatewayProxyResult } from 'aws-lambda';

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...COMMON_HEADERS },
    body: JSON.stringify(body),
  };
}

/** `{"error": code, "message": message}`; the message is for people, the code for programs. */
export function errorResponse(statusCode: number, code: string, message: string): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error: code, message });
}

export function noContentResponse(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...COMMON_HEADERS }, body: '' };
}

/** Binary bodies go base64-encoded; served as a download so a stored file never renders as a page. */
export function fileResponse(body: Uint8Array, contentType: string): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: { 'content-type': contentType, 'content-disposition': 'attachment', ...COMMON_HEADERS },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * 503 for a write refused while the tenant's data moves to another tier; clients retry after
 * `Retry-After` seconds (reads go on meanwhile).
 */
export function migrationInProgressResponse(retryAfterSeconds: number): APIGatewayProxyResult {
  const response = errorResponse(503, 'migration_in_progress', `Your data is moving to its new home; writes resume shortly. Retry after ${retryAfterSeconds} seconds.`);
  return { ...response, headers: { ...response.headers, 'retry-after': String(retryAfterSeconds) } };
}
