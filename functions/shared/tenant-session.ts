/**
 * Token vending: tenant-scoped credentials from STS AssumeRole on the tenant's data-access role,
 * tagged with the tenant id. The role's policies allow only `${aws:PrincipalTag/TenantId}` data,
 * so tenant data is read and written with these credentials, never with the function's own role.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { TENANT_SESSION_TAG, type DataLocation } from './contracts';

export const SESSION_DURATION_SECONDS = 900;
/** Credentials are replaced this long before they expire, so no call starts with nearly dead ones. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 60_000;
const MAX_ROLE_SESSION_NAME_LENGTH = 64;

/** Compatible with the SDK's AwsCredentialIdentity, so clients accept it as `credentials`. */
export interface TenantCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type SessionTarget = Pick<DataLocation, 'dataAccessRoleArn' | 'externalId'>;

/** What the handlers need from token vending; tests may substitute it. */
export interface TenantCredentialSource {
  credentialsFor(tenantId: string, target: SessionTarget): Promise<TenantCredentials>;
}

export interface TenantSessionsOptions {
  readonly sts: STSClient;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** `tenant-<tenantId>`, within the 64 characters and the character set STS allows. */
export function roleSessionName(tenantId: string): string {
  return `tenant-${tenantId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, MAX_ROLE_SESSION_NAME_LENGTH);
}

export class TenantSessions implements TenantCredentialSource {
  private readonly cache = new Map<string, TenantCredentials>();
  private readonly now: () => number;

  constructor(private readonly options: TenantSessionsOptions) {
    this.now = options.now ?? Date.now;
  }

  async credentialsFor(tenantId: string, target: SessionTarget): Promise<TenantCredentials> {
    const key = JSON.stringify([target.dataAccessRoleArn, tenantId]);
    const cached = this.cache.get(key);
    if (cached && this.isFresh(cached)) return cached;

    const credentials = await this.assumeRole(tenantId, target);
    this.dropStale();
    this.cache.set(key, credentials);
    return credentials;
  }

  private isFresh(credentials: TenantCredentials): boolean {
    return credentials.expiration.getTime() - CREDENTIAL_REFRESH_MARGIN_MS > this.now();
  }

  /** Keeps the cache bounded by the tenants seen within one session duration. */
  private dropStale(): void {
    for (const [key, credentials] of this.cache) {
      if (!this.isFresh(credentials)) this.cache.delete(key);
    }
  }

  private async assumeRole(tenantId: string, target: SessionTarget): Promise<TenantCredentials> {
    const { Credentials } = await this.options.sts.send(
      new AssumeRoleCommand({
        RoleArn: target.dataAccessRoleArn,
        RoleSessionName: roleSessionName(tenantId),
        DurationSeconds: SESSION_DURATION_SECONDS,
        Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
        ...(target.externalId === undefined ? {} : { ExternalId: target.externalId }),
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      throw new Error(`AssumeRole on ${target.dataAccessRoleArn} returned no usable credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }
}
