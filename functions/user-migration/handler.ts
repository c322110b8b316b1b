/**
 * Cognito user migration trigger of an L3 tenant's own user pool, while its users move there
 * from the shared pool. When someone unknown to the new pool signs in, the password is checked
 * against the shared pool (AdminInitiateAuth through a role in the platform account that this
 * function alone may assume); if it is right and the user belongs to this tenant, Cognito
 * creates the user in the new pool with the same password, `custom:tenant_id` and e-mail, and
 * the user's old id (`custom:previous_user_id`, so that its profile follows it). No password
 * reset, no e-mail. A forgotten password migrates the user without a password check; Cognito
 * then sends the reset code. Users of other tenants never move in. Throwing refuses the sign-in.
 */
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { PREVIOUS_USER_ID_ATTRIBUTE, TENANT_ID_ATTRIBUTE, USER_MIGRATION_ENV } from '../shared/contracts';
import { requireEnv, type EnvSource } from '../shared/env';
import { describeError, jsonLogger, type Logger } from '../shared/logger';
import { CREDENTIAL_REFRESH_MARGIN_MS, type TenantCredentials } from '../shared/tenant-session';

export interface UserMigrationEnv {
  /** The tenant whose pool this is: only its users move in. */
  readonly tenantId: string;
  readonly sourceUserPoolId: string;
  /** App client of the shared pool that allows ADMIN_USER_PASSWORD_AUTH (and nothing a browser uses). */
  readonly sourceClientId: string;
  readonly sourceRoleArn: string;
}

export type CognitoClientFactory = (credentials: TenantCredentials, region: string) => CognitoIdentityProviderClient;

export interface UserMigrationDeps {
  /** Assumes the source role with the function's own role. */
  readonly sts: STSClient;
  /** @default a client with those credentials in that region */
  readonly cognitoFactory?: CognitoClientFactory;
  readonly env: UserMigrationEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type UserMigrationHandler = (event: UserMigrationTriggerEvent) => Promise<UserMigrationTriggerEvent>;

export function userMigrationEnv(source: EnvSource = process.env): UserMigrationEnv {
  return {
    tenantId: requireEnv(USER_MIGRATION_ENV.TENANT_ID, source),
    sourceUserPoolId: requireEnv(USER_MIGRATION_ENV.SOURCE_USER_POOL_ID, source),
    sourceClientId: requireEnv(USER_MIGRATION_ENV.SOURCE_CLIENT_ID, source),
    sourceRoleArn: requireEnv(USER_MIGRATION_ENV.SOURCE_ROLE_ARN, source),
  };
}

/** Attributes carried over; the tier attribute is not (the registry says the tier). */
const CARRIED_ATTRIBUTES = ['email', 'email_verified', 'name', TENANT_ID_ATTRIBUTE] as const;
/** Errors of the shared pool that mean "wrong user name or password". */
const REFUSALS = new Set(['NotAuthorizedException', 'UserNotFoundException']);
/** The shared pool checked the password before asking for any of these. */
const PASSWORD_CHECKED_CHALLENGES = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP', 'MFA_SETUP', 'SELECT_MFA_TYPE', 'NEW_PASSWORD_REQUIRED']);

/** A region is the prefix of a user pool id (`eu-west-1_AbC123`). */
export function poolRegion(userPoolId: string): string {
  const region = userPoolId.split('_')[0];
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new Error(`user pool id ${userPoolId} does not start with a region`);
  return region;
}

export function createHandler(deps: UserMigrationDeps): UserMigrationHandler {
  const { env } = deps;
  const logger = deps.logger ?? jsonLogger;
  const now = deps.now ?? Date.now;
  const region = poolRegion(env.sourceUserPoolId);
  const factory: CognitoClientFactory = deps.cognitoFactory ?? ((credentials, r) => new CognitoIdentityProviderClient({ region: r, credentials }));
  let source: { readonly client: CognitoIdentityProviderClient; readonly expiration: number } | undefined;

  const sourcePool = async (): Promise<CognitoIdentityProviderClient> => {
    if (source && source.expiration - CREDENTIAL_REFRESH_MARGIN_MS > now()) return source.client;
    const { Credentials: c } = await deps.sts.send(
      new AssumeRoleCommand({ RoleArn: env.sourceRoleArn, RoleSessionName: `user-migration-${env.tenantId}`.slice(0, 64), DurationSeconds: 900 }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`AssumeRole on ${env.sourceRoleArn} returned no usable credentials`);
    source?.client.destroy();
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    source = { client: factory(credentials, region), expiration: c.Expiration.getTime() };
    return source.client;
  };

  const refuse = (event: UserMigrationTriggerEvent, reason: string, fields: Record<string, unknown> = {}): never => {
    logger.warn('user not migrated', { triggerSource: event.triggerSource, userName: event.userName, reason, ...fields });
    // The same message whatever the reason: the client must not learn whether the user exists.
    throw new Error('Incorrect username or password');
  };

  return async (event) => {
    const trigger: string = event.triggerSource;
    if (trigger !== 'UserMigration_Authentication' && trigger !== 'UserMigration_ForgotPassword') return refuse(event, `unsupported trigger ${trigger}`);
    const cognito = await sourcePool();
    let resetRequired = false;
    if (event.triggerSource === 'UserMigration_Authentication') {
      try {
        const result = await cognito.send(
          new AdminInitiateAuthCommand({
            UserPoolId: env.sourceUserPoolId,
            ClientId: env.sourceClientId,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: event.userName, PASSWORD: event.request.password },
          }),
        );
        if (!result.AuthenticationResult && !PASSWORD_CHECKED_CHALLENGES.has(result.ChallengeName ?? '')) {
          return refuse(event, `the shared pool answered ${result.ChallengeName ?? 'nothing'}`);
        }
        // Signed in with a temporary password: the user sets a password of its own, as it would have.
        resetRequired = result.ChallengeName === 'NEW_PASSWORD_REQUIRED';
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name === 'PasswordResetRequiredException') resetRequired = true;
        else if (REFUSALS.has(name)) return refuse(event, 'the shared pool refused the credentials');
        else {
          logger.error('shared pool unreachable', describeError(error));
          throw error;
        }
      }
    }

    let user;
    try {
      user = await cognito.send(new AdminGetUserCommand({ UserPoolId: env.sourceUserPoolId, Username: event.userName }));
    } catch (error) {
      if (error instanceof Error && REFUSALS.has(error.name)) return refuse(event, 'no such user in the shared pool');
      throw error;
    }
    const attributes = attributeMap(user.UserAttributes);
    if (attributes[TENANT_ID_ATTRIBUTE] !== env.tenantId) return refuse(event, 'user of another tenant', { userTenant: attributes[TENANT_ID_ATTRIBUTE] ?? null });
    if (user.Enabled === false) return refuse(event, 'user is disabled in the shared pool');
    const sub = attributes.sub;
    if (!sub) throw new Error(`user ${event.userName} of the shared pool has no sub`);

    const carried: Record<string, string> = {};
    for (const name of CARRIED_ATTRIBUTES) if (attributes[name] !== undefined) carried[name] = attributes[name];
    event.response.userAttributes = { ...carried, [PREVIOUS_USER_ID_ATTRIBUTE]: sub };
    event.response.messageAction = 'SUPPRESS';
    if (event.triggerSource === 'UserMigration_Authentication') event.response.finalUserStatus = resetRequired ? 'RESET_REQUIRED' : 'CONFIRMED';
    logger.info('user migrated', { triggerSource: event.triggerSource, tenantId: env.tenantId, previousUserId: sub, resetRequired });
    return event;
  };
}

function attributeMap(list: ReadonlyArray<AttributeType> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) if (a.Name && a.Value !== undefined) out[a.Name] = a.Value;
  return out;
}

let defaultHandler: UserMigrationHandler | undefined;

export const handler: UserMigrationHandler = (event) => {
  defaultHandler ??= createHandler({ sts: new STSClient({}), env: userMigrationEnv() });
  return defaultHandler(event);
};
