/**
 * The tenant API's Lambda authorizer (TOKEN type, the `Authorization` header). It accepts only an
 * access token of this app's user pool, issued to the app's one client, carrying
 * TENANT_API_SCOPE (which the pre token generation trigger adds for the users it admits), in
 * date and signed by the pool (checked with aws-jwt-verify against the pool's published keys).
 * ID tokens, tokens of any other client and tokens minted before a tenant was admitted are
 * refused.
 *
 * The tenant is the token's `tenant_id` claim; it must be active and served by this app. The
 * result passes the tenant to the API handler (the authorizer context) and names the tenant's
 * own API key as the usage identifier: with the API key source AUTHORIZER, API Gateway throttles
 * and meters each request against the verified tenant's key in its tier's usage plan, so no
 * client can spend another tenant's limits, whatever key it holds.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { AUTHORIZER_CONTEXT, ENV, TENANT_API_SCOPE, TENANT_ID_CLAIM, type AppHost } from '../shared/contracts';
import { appHostFromEnv, requireEnv, type EnvSource } from '../shared/env';
import { TenantNotFoundError } from '../shared/errors';
import { describeError, jsonLogger, type Logger } from '../shared/logger';
import { TenantRegistry } from '../shared/registry';
import { refusalOf } from '../shared/tenant-gate';

export interface ApiAuthorizerEnv {
  readonly registryTable: string;
  readonly appHost: AppHost;
  readonly userPoolId: string;
  readonly clientId: string;
}

/** Verifies a token and returns its claims; throws when it is not acceptable. */
export interface TokenVerifier {
  verify(token: string): Promise<Readonly<Record<string, unknown>>>;
}

export interface ApiAuthorizerDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  /** Reads the value of a tenant's API key (apigateway:GET on /apikeys/*). */
  readonly apiGateway: APIGatewayClient;
  readonly env: ApiAuthorizerEnv;
  /** Where the pool's signing keys come from. @default fetched from the pool's JWKS URI and cached */
  readonly jwksCache?: JwksCache;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type ApiAuthorizerHandler = (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export function apiAuthorizerEnv(source: EnvSource = process.env): ApiAuthorizerEnv {
  return {
    registryTable: requireEnv(ENV.REGISTRY_TABLE, source),
    appHost: appHostFromEnv(source),
    userPoolId: requireEnv(ENV.USER_POOL_ID, source),
    clientId: requireEnv(ENV.USER_POOL_CLIENT_ID, source),
  };
}

/** What API Gateway turns into a 401. */
const UNAUTHORIZED = 'Unauthorized';

/** The token verifier for this app's pool and client: access tokens with the API scope only. */
export function accessTokenVerifier(env: Pick<ApiAuthorizerEnv, 'userPoolId' | 'clientId'>, jwksCache?: JwksCache): TokenVerifier {
  const props = { userPoolId: env.userPoolId, clientId: env.clientId, tokenUse: 'access' as const, scope: TENANT_API_SCOPE };
  const verifier = jwksCache ? CognitoJwtVerifier.create(props, { jwksCache }) : CognitoJwtVerifier.create(props);
  return { verify: async (token) => (await verifier.verify(token)) as Readonly<Record<string, unknown>> };
}

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/*`: one result serves every route (results are cached per token). */
export function stageWildcard(methodArn: string): string {
  const [prefix, rest = ''] = methodArn.split(/\/(.*)/s);
  const stage = rest.split('/')[0];
  return `${prefix}/${stage}/*`;
}

function policy(effect: 'Allow' | 'Deny', resource: string): APIGatewayAuthorizerResult['policyDocument'] {
  return { Version: '2012-10-17', Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: resource }] };
}

export function createHandler(deps: ApiAuthorizerDeps): ApiAuthorizerHandler {
  const registry = new TenantRegistry({ client: deps.registryClient, tableName: deps.env.registryTable, now: deps.now });
  const verifier = accessTokenVerifier(deps.env, deps.jwksCache);
  const logger = deps.logger ?? jsonLogger;
  // An API key's value never changes for its id; a container reads each once.
  const keyValues = new Map<string, Promise<string>>();
  const keyValue = (id: string): Promise<string> => {
    let value = keyValues.get(id);
    if (!value) {
      value = (async () => {
        const { value: v } = await deps.apiGateway.send(new GetApiKeyCommand({ apiKey: id, includeValue: true }));
        if (!v) throw new Error(`API key ${id} has no value`);
        return v;
      })();
      value.catch(() => keyValues.delete(id));
      keyValues.set(id, value);
    }
    return value;
  };

  return async (event) => {
    const token = event.authorizationToken?.replace(/^Bearer\s+/i, '') ?? '';
    let claims: Readonly<Record<string, unknown>>;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      logger.warn('token refused', { reason: error instanceof Error ? error.message : String(error) });
      throw new Error(UNAUTHORIZED);
    }
    const principalId = String(claims.sub);
    const tenantId = claims[TENANT_ID_CLAIM];
    const deny = (reason: string, fields: Record<string, unknown> = {}): APIGatewayAuthorizerResult => {
      logger.warn('request refused', { principalId, reason, ...fields });
      return { principalId, policyDocument: policy('Deny', stageWildcard(event.methodArn)) };
    };
    if (typeof tenantId !== 'string' || tenantId === '') return deny('token has no tenant claim');

    try {
      const entry = await registry.getEntry(tenantId).catch((error: unknown) => {
        if (error instanceof TenantNotFoundError) return undefined;
        throw error;
      });
      if (!entry) return deny('tenant is not registered', { tenantId });
      const refusal = refusalOf(entry, deps.env.appHost);
      if (refusal) return deny(refusal, { tenantId });
      if (!entry.apiKeyId) return deny('tenant has no API key in this app', { tenantId });
      return {
        principalId,
        policyDocument: policy('Allow', stageWildcard(event.methodArn)),
        context: { [AUTHORIZER_CONTEXT.tenantId]: entry.tenantId, [AUTHORIZER_CONTEXT.tenantTier]: entry.tier },
        usageIdentifierKey: await keyValue(entry.apiKeyId),
      };
    } catch (error) {
      // API Gateway answers 500 to any other error; the detail stays in the log.
      logger.error('authorizer failed', { principalId, tenantId, ...describeError(error) });
      throw new Error('Authorizer failed');
    }
  };
}

let defaultHandler: ApiAuthorizerHandler | undefined;

export const handler: ApiAuthorizerHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    apiGateway: new APIGatewayClient({}),
    env: apiAuthorizerEnv(),
  });
  return defaultHandler(event);
};
