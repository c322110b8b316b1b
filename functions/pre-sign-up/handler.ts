/**
 * Cognito PreSignUp trigger. Users are created by onboarding (AdminCreateUser) into a registered,
 * active tenant that this app serves; self sign-up, when the pool allows it, never lets users
 * choose a tenant; federated sign-in is not offered. Throwing refuses the user (with a fixed
 * message: shared/trigger.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { ENV, TENANT_ID_ATTRIBUTE, TENANT_TIER_ATTRIBUTE, type AppHost } from '../shared/contracts';
import { appHostFromEnv, requireEnv, type EnvSource } from '../shared/env';
import { TenantNotFoundError } from '../shared/errors';
import { jsonLogger, type Logger } from '../shared/logger';
import { TenantRegistry } from '../shared/registry';
import { refusalOf } from '../shared/tenant-gate';
import { guardTrigger, TriggerRefusal } from '../shared/trigger';

export interface PreSignUpEnv {
  readonly registryTable: string;
  /** The pool allows self sign-up. */
  readonly selfSignUp: boolean;
  /** The app this function belongs to. */
  readonly appHost: AppHost;
}

export interface PreSignUpDeps {
  /** Reads the registry with the function's own role. */
  readonly registryClient: DynamoDBDocumentClient;
  readonly env: PreSignUpEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default jsonLogger */
  readonly logger?: Logger;
}

export type PreSignUpHandler = (event: PreSignUpTriggerEvent) => Promise<PreSignUpTriggerEvent>;

export function preSignUpEnv(source: EnvSource = process.env): PreSignUpEnv {
  return { registryTable: requireEnv(ENV.REGISTRY_TABLE, source), selfSignUp: source[ENV.SELF_SIGN_UP] === 'true', appHost: appHostFromEnv(source) };
}

export function createHandler(deps: PreSignUpDeps): PreSignUpHandler {
  const registry = new TenantRegistry({ client: deps.registryClient, tableName: deps.env.registryTable, now: deps.now });

  return guardTrigger('pre-sign-up', deps.logger ?? jsonLogger, async (event) => {
    const attributes = event.request.userAttributes;
    switch (event.triggerSource) {
      case 'PreSignUp_AdminCreateUser': {
        const tenantId = attributes[TENANT_ID_ATTRIBUTE];
        if (!tenantId) throw new TriggerRefusal(`${TENANT_ID_ATTRIBUTE} is required`);
        const entry = await registry.getEntry(tenantId).catch((error: unknown) => {
          if (error instanceof TenantNotFoundError) throw new TriggerRefusal('tenant is not registered', { tenantId });
          throw error;
        });
        const refusal = refusalOf(entry, deps.env.appHost);
        if (refusal) throw new TriggerRefusal(`${refusal}: users cannot be added`, { tenantId });
        const tier = attributes[TENANT_TIER_ATTRIBUTE];
        if (tier !== undefined && tier !== entry.tier) throw new TriggerRefusal(`${TENANT_TIER_ATTRIBUTE} is ${tier} but the tenant is ${entry.tier}`, { tenantId });
        return event;
      }
      case 'PreSignUp_SignUp': {
        if (!deps.env.selfSignUp) throw new TriggerRefusal('self sign-up is disabled');
        if (Object.hasOwn(attributes, TENANT_ID_ATTRIBUTE) || Object.hasOwn(attributes, TENANT_TIER_ATTRIBUTE)) {
          throw new TriggerRefusal('tenant attributes cannot be chosen at sign-up');
        }
        // Self-registered users confirm their own e-mail address; nothing is confirmed for them.
        event.response.autoConfirmUser = false;
        event.response.autoVerifyEmail = false;
        event.response.autoVerifyPhone = false;
        return event;
      }
      case 'PreSignUp_ExternalProvider':
        throw new TriggerRefusal('sign-in through external identity providers is not supported');
      default:
        throw new TriggerRefusal(`unsupported trigger ${(event as { triggerSource: string }).triggerSource}`);
    }
  });
}

let defaultHandler: PreSignUpHandler | undefined;

export const handler: PreSignUpHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    env: preSignUpEnv(),
  });
  return defaultHandler(event);
};
