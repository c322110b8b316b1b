/**
 * Cognito PostConfirmation trigger: records the confirmed user's profile in the tenant's users
 * table (with tenant-scoped credentials), then announces the user on the event bus. Throwing
 * makes Cognito retry; the profile write is idempotent, so a retry after a failed publish is safe.
 *
 * Users created by an administrator (every tenant user: onboarding creates them) never pass
 * through PostConfirmation, so the same function is also the PostAuthentication trigger: on a
 * sign-in it records the profile if there is none yet and announces the user only then.
 *
 * Nothing happens for a tenant that is not active or that another app serves: no session is
 * vended, no profile written, no event published, and the sign-in is refused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PostAuthenticationTriggerEvent, PostConfirmationTriggerEvent } from 'aws-lambda';
import {
  ENV,
  EVENT_SOURCE,
  PREVIOUS_USER_ID_ATTRIBUTE,
  TENANT_ID_ATTRIBUTE,
  USER_CONFIRMED,
  type AppHost,
  type UserConfirmedDetail,
} from '../shared/contracts';
import { appHostFromEnv, requireEnv, type EnvSource } from '../shared/env';
import { TenantNotFoundError } from '../shared/errors';
import { jsonLogger, type Logger } from '../shared/logger';
import { passwordCheckOnly, refusalOf } from '../shared/tenant-gate';
import { guardTrigger, TriggerRefusal } from '../shared/trigger';
import { tenantAccess } from '../shared/tenant-access';
import { type TenantDataClientFactory } from '../shared/tenant-clients';
import { createTenantData } from '../shared/tenant-data';

export interface PostConfirmationEnv {
  readonly registryTable: string;
  readonly eventBusName: string;
  /** The app this function belongs to. */
  readonly appHost: AppHost;
}

export interface PostConfirmationDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  /** Assumes the tenant's data-access role. */
  readonly sts: STSClient;
  /** Publishes with the function's own role. */
  readonly eventBridge: EventBridgeClient;
  /** Builds the tenant-scoped data clients. @default createTenantDataClients */
  readonly tenantClientFactory?: TenantDataClientFactory;
  /** How long a registry entry is cached. @default REGISTRY_CACHE_TTL_MS */
  readonly registryCacheTtlMs?: number;
  readonly env: PostConfirmationEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type UserRecordingEvent = PostConfirmationTriggerEvent | PostAuthenticationTriggerEvent;
export type PostConfirmationHandler = <E extends UserRecordingEvent>(event: E) => Promise<E>;

export function postConfirmationEnv(source: EnvSource = process.env): PostConfirmationEnv {
  return {
    registryTable: requireEnv(ENV.REGISTRY_TABLE, source),
    eventBusName: requireEnv(ENV.EVENT_BUS_NAME, source),
    appHost: appHostFromEnv(source),
  };
}

export function createHandler(deps: PostConfirmationDeps): PostConfirmationHandler {
  const { registry, tenantClients } = tenantAccess({ ...deps, registryTable: deps.env.registryTable });
  const logger = deps.logger ?? jsonLogger;

  const handle = async <E extends UserRecordingEvent>(event: E): Promise<E> => {
    const firstSignIn = event.triggerSource === 'PostAuthentication_Authentication';
    if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp' && !firstSignIn) return event;

    const attributes = event.request.userAttributes;
    const tenantId = attributes[TENANT_ID_ATTRIBUTE];
    if (!tenantId) {
      logger.info('confirmed user belongs to no tenant; no profile recorded', { userName: event.userName });
      return event;
    }
    const userId = attributes.sub;
    const email = attributes.email;
    if (!userId || !email) throw new Error('Confirmed user has no sub or no email attribute');

    const { entry, serving } = await registry.locate(tenantId).catch((error: unknown) => {
      if (error instanceof TenantNotFoundError) throw new TriggerRefusal('tenant is not registered', { tenantId });
      throw error;
    });
    if (event.triggerSource === 'PostAuthentication_Authentication' && passwordCheckOnly(entry, deps.env.appHost)) {
      // The user migration trigger of the tenant's own pool checking a moving user's password.
      logger.info("password check for a user moving to the tenant's own pool; no profile recorded here", { tenantId, userId });
      return event;
    }
    const refusal = refusalOf(entry, deps.env.appHost);
    if (refusal) throw new TriggerRefusal(`${refusal}: no profile recorded, no event published`, { tenantId });
    if (!serving.writable) {
      // The next sign-in after the move records it (PostAuthentication writes a missing profile).
      logger.info('tenant data is moving; profile deferred to the next sign-in', { tenantId, userId });
      return event;
    }
    const clients = await tenantClients.clientsFor(tenantId, serving.data);
    const data = createTenantData({ clients, location: serving.data, now: deps.now });
    const previousUserId = attributes[PREVIOUS_USER_ID_ATTRIBUTE];
    const { created } = previousUserId
      ? await data.moveUserProfile(tenantId, previousUserId, userId, email, entry.tier)
      : await data.putUserProfile(tenantId, userId, email, entry.tier);
    // A sign-in of a user already on record announces nothing.
    if (firstSignIn && !created) return event;

    const detail: UserConfirmedDetail = { tenantId, userId };
    const result = await deps.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: deps.env.eventBusName, Source: EVENT_SOURCE, DetailType: USER_CONFIRMED, Detail: JSON.stringify(detail) },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      const failure = result.Entries?.find((entry) => entry.ErrorCode);
      throw new Error(`Publishing ${USER_CONFIRMED} failed: ${failure?.ErrorCode ?? 'unknown'} ${failure?.ErrorMessage ?? ''}`.trim());
    }

    logger.info('user confirmed', { tenantId, userId, profileCreated: created });
    return event;
  };
  const guarded = guardTrigger('post-confirmation', logger, handle);
  return <E extends UserRecordingEvent>(event: E) => guarded(event) as Promise<E>;
}

let defaultHandler: PostConfirmationHandler | undefined;

export const handler: PostConfirmationHandler = <E extends UserRecordingEvent>(event: E): Promise<E> => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    sts: new STSClient({}),
    eventBridge: new EventBridgeClient({}),
    env: postConfirmationEnv(),
  });
  return defaultHandler(event);
};
