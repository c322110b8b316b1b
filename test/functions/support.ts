/** Fixtures for the function tests: registry entries, events, a clock, a recording logger, mocked clients. */
// The SDK warns once per process that it will need Node 22 after January 2027; tests stay quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { RegistryEntry } from '../../functions/shared/contracts';
import type { LogFields, Logger } from '../../functions/shared/logger';
import type { TenantDataClientFactory, TenantDataClients } from '../../functions/shared/tenant-clients';

export const REGISTRY_TABLE = 'lz-registry';
export const PLATFORM_ACCOUNT = '111111111111';
export const START = Date.parse('2030-01-01T00:00:00.000Z');

export function pooledEntry(tenantId: string, overrides: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    tenantId,
    tier: 'L1',
    status: 'active',
    displayName: `Tenant ${tenantId}`,
    appVersion: '1.4.0',
    servedBy: 'platform',
    apiKeyId: `key-${tenantId}`,
    quota: { maxItems: 1000, maxFileBytes: 1_000_000 },
    data: {
      mode: 'pooled',
      accountId: PLATFORM_ACCOUNT,
      region: 'eu-west-1',
      itemsTable: 'lz-pooled-items',
      usersTable: 'lz-pooled-users',
      bucket: 'lz-pooled-data',
      dataAccessRoleArn: `arn:aws:iam::${PLATFORM_ACCOUNT}:role/lz-pooled-data-access`,
    },
    ...overrides,
  };
}

export function dedicatedEntry(tenantId: string, accountId: string, overrides: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    tenantId,
    tier: 'L2',
    status: 'active',
    displayName: `Tenant ${tenantId}`,
    appVersion: '1.4.0',
    servedBy: 'platform',
    apiKeyId: `key-${tenantId}`,
    quota: { maxItems: 1000, maxFileBytes: 1_000_000 },
    data: {
      mode: 'dedicated',
      accountId,
      region: 'eu-central-1',
      itemsTable: `lz-${tenantId}-items`,
      usersTable: `lz-${tenantId}-users`,
      bucket: `lz-${tenantId}-data`,
      dataAccessRoleArn: `arn:aws:iam::${accountId}:role/lz-data-access`,
      externalId: tenantId,
    },
    ...overrides,
  };
}

export class FakeClock {
  constructor(public ms: number = START) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface LogRecord {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: LogFields;
}

/** A logger that prints nothing and remembers everything. */
export function recordingLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    info: (message, fields) => records.push({ level: 'info', message, fields }),
    warn: (message, fields) => records.push({ level: 'warn', message, fields }),
    error: (message, fields) => records.push({ level: 'error', message, fields }),
  };
}

export function newDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
}

/** A registry document client (mocked instance) that serves the given entries by key. */
export function mockRegistry(entries: readonly unknown[]) {
  const client = newDocumentClient();
  const mock = mockClient(client);
  const byId = new Map(entries.map((entry) => [(entry as { tenantId: string }).tenantId, entry]));
  mock.on(GetCommand).callsFake((input: { Key: { tenantId: string } }) => {
    const item = byId.get(input.Key.tenantId);
    return item === undefined ? {} : { Item: structuredClone(item) };
  });
  return { client, mock };
}

/** An STS client (mocked instance) whose AssumeRole returns credentials numbered by call. */
export function mockSts(clock: FakeClock, lifetimeMs = 900_000) {
  const client = new STSClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  let issued = 0;
  mock.on(AssumeRoleCommand).callsFake(() => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIA${issued}`,
        SecretAccessKey: `secret-${issued}`,
        SessionToken: `token-${issued}`,
        Expiration: new Date(clock.ms + lifetimeMs),
      },
    };
  });
  return { client, mock };
}

/** Mocked tenant data clients and a factory that hands them out, remembering how it was called. */
export function mockTenantClients() {
  const db = newDocumentClient();
  const s3 = new S3Client({ region: 'eu-west-1' });
  const clients: TenantDataClients = { db, s3 };
  const calls: { accessKeyId: string; region: string }[] = [];
  const factory: TenantDataClientFactory = (credentials, region) => {
    calls.push({ accessKeyId: credentials.accessKeyId, region });
    return clients;
  };
  return { db, s3, dbMock: mockClient(db), s3Mock: mockClient(s3), factory, calls };
}

export interface ApiRequest {
  readonly method: string;
  readonly resource: string;
  /** The tenant the API authorizer passed on (from the verified access token). */
  readonly tenantClaim?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  /** The API key API Gateway used for the request. @default the tenant's own (`key-<tenant>`) */
  readonly apiKeyId?: string | null;
  /** The authorizer context as a whole, instead of one built from `tenantClaim`. */
  readonly authorizer?: Record<string, string>;
}

export function apiEvent(request: ApiRequest): APIGatewayProxyEvent {
  const authorizer = request.authorizer ?? (request.tenantClaim === undefined ? { principalId: 'user-1' } : { principalId: 'user-1', tenantId: request.tenantClaim, tenantTier: 'L1' });
  const apiKeyId = request.apiKeyId === undefined ? (request.tenantClaim ? `key-${request.tenantClaim}` : null) : request.apiKeyId;
  const path = Object.entries(request.pathParameters ?? {}).reduce(
    (p, [name, value]) => p.replace(`{${name}}`, value),
    request.resource,
  );
  return {
    resource: request.resource,
    path,
    httpMethod: request.method,
    headers: request.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      accountId: PLATFORM_ACCOUNT,
      apiId: 'api123',
      authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'jest',
        userArn: null,
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'req-1',
      requestTimeEpoch: START,
      resourceId: 'res1',
      resourcePath: request.resource,
    },
  };
}

/** Fields every Cognito trigger event carries. */
export function cognitoEventBase<T extends string>(triggerSource: T, userAttributes: Record<string, string>) {
  return {
    version: '1',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'jane',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'client-1' },
    request: { userAttributes },
  };
}
