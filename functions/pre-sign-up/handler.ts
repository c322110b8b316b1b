/**
 * Cognito PreSignUp trigger. Users are created by onboarding (AdminCreateUser) into a registered,
 * active tenant; self sign-up, when the pool allows it, never lets users choose a tenant; federated
 * sign-in is not offered. Throwing refuses the user.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { ENV, TENANT_ID_ATTRIBUTE, TENANT_TIER_ATTRIBUTE } from '../shared/contracts';
import { requireEnv, type EnvSource } from '../shared/env';
import { jsonLogger, type Logger } from '../shared/logger';
import { TenantRegistry } from '../shared/registry';

export interface PreSignUpEnv {
  readonly registryTable: string;
  /** The pool allows self sign-up. */
  readonly selfSignUp: boolean;
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
  return { registryTable: requireEnv(ENV.REGISTRY_TABLE, source), selfSignUp: source[ENV.SELF_SIGN_UP] === 'true' };
}

export function createHandler(deps: PreSignUpDeps): PreSignUpHandler {
  const registry = new TenantRegistry({ client: deps.registryClient, tableName: deps.env.registryTable, now: deps.now });
  const logger = deps.logger ?? jsonLogger;

  const refuse = (event: PreSignUpTriggerEvent, reason: string): never => {
    logger.warn('sign-up refused', { triggerSource: event.triggerSource, userName: event.userName, reason });
    throw new Error(reason);
  };

  return async (event) => {
    const attributes = event.request.userAttributes;
    switch (event.triggerSource) {
      case 'PreSignUp_AdminCreateUser': {
        const tenantId = attributes[TENANT_ID_ATTRIBUTE];
        if (!tenantId) return refuse(event, `${TENANT_ID_ATTRIBUTE} is required`);
        const entry = await registry.getEntry(tenantId).catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          return refuse(event, reason);
        });
        if (entry.status !== 'active') return refuse(event, `Tenant ${tenantId} is ${entry.status}: users cannot be added`);
        const tier = attributes[TENANT_TIER_ATTRIBUTE];
        if (tier !== undefined && tier !== entry.tier) {
          return refuse(event, `${TENANT_TIER_ATTRIBUTE} is ${tier} but tenant ${tenantId} is ${entry.tier}`);
        }
        return event;
      }
      case 'PreSignUp_SignUp': {
        if (!deps.env.selfSignUp) return refuse(event, 'Self sign-up is disabled');
        if (Object.hasOwn(attributes, TENANT_ID_ATTRIBUTE) || Object.hasOwn(attributes, TENANT_TIER_ATTRIBUTE)) {
          return refuse(event, 'Tenant attributes cannot be chosen at sign-up');
        }
        // Self-registered users confirm their own e-mail address; nothing is confirmed for them.
        event.response.autoConfirmUser = false;
        event.response.autoVerifyEmail = false;
        event.response.autoVerifyPhone = false;
        return event;
      }
      case 'PreSignUp_ExternalProvider':
        return refuse(event, 'Sign-in through external identity providers is not supported');
      default:
        return refuse(event, `Unsupported trigger ${(event as { triggerSource: string }).triggerSource}`);
    }
  };
}

let defaultHandler: PreSignUpHandler | undefined;

export const handler: PreSignUpHandler = (event) => {
  defaultHandler ??= createHandler({
    registryClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    env: preSignUpEnv(),
  });
  return defaultHandler(event);
};
