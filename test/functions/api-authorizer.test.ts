import { createSign, generateKeyPairSync, type KeyObject } from 'crypto';
import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { apiAuthorizerEnv, createHandler, stageWildcard } from '../../functions/api-authorizer/handler';
import { dedicatedEntry, mockRegistry, pooledEntry, recordingLogger, REGISTRY_TABLE } from './support';

/**
 * The API authorizer (issue 16, items 7 and 8): only access tokens of the app's pool and client,
 * with the API scope; the usage plan follows the verified tenant, never the key a client holds.
 * Tokens are signed here with a key whose JWKS is handed to the verifier; nothing is fetched.
 */
const REGION = 'eu-west-1';
const POOL = `${REGION}_TestPool1`;
const CLIENT = 'app-client-1';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111111111111:api123/v1/GET/items';

function keyPair(kid: string): { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}
const poolKey = keyPair('pool-key');
const strangerKey = keyPair('stranger-key');

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(claims: Record<string, unknown>, key = poolKey): string {
  const body = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key.privateKey).toString('base64url')}`;
}
function accessToken(tenantId: string | undefined, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return sign({
    sub: `user-of-${tenantId}`,
    iss: ISSUER,
    client_id: CLIENT,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin tenant-api/data',
    ...(tenantId === undefined ? {} : { tenant_id: tenantId }),
    iat: now - 60,
    exp: now + 900,
    ...overrides,
  });
}

function setup() {
  const registry = mockRegistry([
    pooledEntry('acme'),
    dedicatedEntry('globex', '222222222222'),
    pooledEntry('umbrella', { status: 'suspended' }),
    dedicatedEntry('initrode', '333333333333', { tier: 'L3', servedBy: 'tenant', apiKeyId: undefined }),
    pooledEntry('keyless', { apiKeyId: undefined }),
  ]);
  const apiGateway = new APIGatewayClient({ region: REGION });
  const keys = mockClient(apiGateway);
  keys.on(GetApiKeyCommand).callsFake((input: { apiKey: string; includeValue?: boolean }) => ({ id: input.apiKey, value: input.includeValue ? `value-of-${input.apiKey}` : undefined }));
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async () => {
        throw new Error('tests fetch no keys');
      },
    },
  });
  jwksCache.addJwks(`${ISSUER}/.well-known/jwks.json`, { keys: [poolKey.jwk as never] });
  const logger = recordingLogger();
  const handler = createHandler({ registryClient: registry.client, apiGateway, jwksCache, env: { registryTable: REGISTRY_TABLE, appHost: 'platform', userPoolId: POOL, clientId: CLIENT }, logger });
  const authorize = (token: string) => handler({ type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken: token });
  return { authorize, registry, keys, logger };
}

const allow = (tenantId: string, tier: string) => ({
  principalId: `user-of-${tenantId}`,
  policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:eu-west-1:111111111111:api123/v1/*' }] },
  context: { tenantId, tenantTier: tier },
  usageIdentifierKey: `value-of-key-${tenantId}`,
});

describe('accepted: an access token of this pool and client, with the API scope, for an active tenant this app serves', () => {
  test("the result names the tenant and the tenant's own API key as the usage identifier", async () => {
    const { authorize, keys } = setup();

    expect(await authorize(`Bearer ${accessToken('acme')}`)).toEqual(allow('acme', 'L1'));
    expect(await authorize(accessToken('globex'))).toEqual(allow('globex', 'L2'));
    expect(keys.commandCalls(GetApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: 'key-acme', includeValue: true },
      { apiKey: 'key-globex', includeValue: true },
    ]);
  });

  test('a key value is read once per container', async () => {
    const { authorize, keys } = setup();
    await authorize(accessToken('acme'));
    await authorize(accessToken('acme'));
    expect(keys.commandCalls(GetApiKeyCommand)).toHaveLength(1);
  });
});

describe('refused tokens: 401', () => {
  test.each<[string, () => string]>([
    ['an ID token', () => accessToken('acme', { token_use: 'id', aud: CLIENT, client_id: undefined })],
    ['an access token of another app client', () => accessToken('acme', { client_id: 'another-client' })],
    ['an access token without the API scope', () => accessToken('acme', { scope: 'aws.cognito.signin.user.admin' })],
    ['an expired access token', () => accessToken('acme', { exp: Math.floor(Date.now() / 1000) - 10 })],
    ['an access token of another pool', () => accessToken('acme', { iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool` })],
    ['an access token signed by another key', () => sign({ sub: 'x', iss: ISSUER, client_id: CLIENT, token_use: 'access', scope: 'tenant-api/data', tenant_id: 'acme', exp: Math.floor(Date.now() / 1000) + 900 }, strangerKey)],
    ['a token with its payload altered after signing', () => {
      const [h, , sig] = accessToken('acme').split('.');
      return `${h}.${b64({ sub: 'x', iss: ISSUER, client_id: CLIENT, token_use: 'access', scope: 'tenant-api/data', tenant_id: 'globex', exp: Math.floor(Date.now() / 1000) + 900 })}.${sig}`;
    }],
    ['no token', () => ''],
  ])('%s', async (_name, token) => {
    const { authorize, registry, keys } = setup();

    await expect(authorize(token())).rejects.toThrow(new Error('Unauthorized'));
    expect([registry.mock.calls().length, keys.calls().length]).toEqual([0, 0]);
  });
});

describe('refused tenants: an explicit deny (403), no usage key', () => {
  test.each([
    ['a token without a tenant claim', undefined, 'token has no tenant claim'],
    ['a tenant that is not registered', 'initech', 'tenant is not registered'],
    ['a suspended tenant', 'umbrella', 'tenant is suspended'],
    ["a tenant its own app serves (a user left in the platform pool from the tenant's L2 days)", 'initrode', "tenant is served by the tenant's own app, not this (platform) app"],
    ['a tenant without an API key in this app', 'keyless', 'tenant has no API key in this app'],
  ])('%s', async (_name, tenantId, reason) => {
    const { authorize, keys, logger } = setup();

    const result = await authorize(accessToken(tenantId));
    expect(result).toEqual({ principalId: `user-of-${tenantId}`, policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:eu-west-1:111111111111:api123/v1/*' }] } });
    expect(keys.calls()).toHaveLength(0);
    expect(logger.records).toEqual([{ level: 'warn', message: 'request refused', fields: { principalId: `user-of-${tenantId}`, reason, ...(tenantId ? { tenantId } : {}) } }]);
  });
});

describe('failures', () => {
  test('a registry failure is a generic error; the detail is logged', async () => {
    const { authorize, registry, logger } = setup();
    registry.mock.on(GetCommand).rejects(new Error('AccessDeniedException: arn:aws:dynamodb:eu-west-1:111111111111:table/kpz-registry'));

    await expect(authorize(accessToken('acme'))).rejects.toThrow(new Error('Authorizer failed'));
    expect(logger.records[0]).toMatchObject({ level: 'error', fields: { errorMessage: expect.stringContaining('arn:aws:dynamodb') } });
  });

  test('the policy covers every route of the stage, so a cached result serves the next request', () => {
    expect(stageWildcard('arn:aws:execute-api:eu-west-1:111111111111:api123/v1/PUT/items/doc-1')).toBe('arn:aws:execute-api:eu-west-1:111111111111:api123/v1/*');
  });

  test('env names the registry, the app, the pool and the client', () => {
    expect(apiAuthorizerEnv({ REGISTRY_TABLE: 'r', APP_HOST: 'platform', USER_POOL_ID: POOL, USER_POOL_CLIENT_ID: CLIENT })).toEqual({ registryTable: 'r', appHost: 'platform', userPoolId: POOL, clientId: CLIENT });
    expect(() => apiAuthorizerEnv({ REGISTRY_TABLE: 'r', APP_HOST: 'platform', USER_POOL_ID: POOL })).toThrow('Environment variable USER_POOL_CLIENT_ID is not set');
  });
});
