import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { PREVIOUS_USER_ID_ATTRIBUTE, TENANT_ID_ATTRIBUTE, TENANT_TIER_ATTRIBUTE } from '../../functions/shared/contracts';
import { TENANT_ID_MAX_LENGTH } from '../../model/schema/tenant';
import { AppFunction } from '../compute/app-function';

export interface IdentitySettings {
  readonly passwordMinimumLength: number;
  readonly requireSymbols: boolean;
  readonly temporaryPasswordValidityDays: number;
  readonly mfa: 'OFF' | 'OPTIONAL' | 'ON';
  readonly selfSignUp: boolean;
  /**
   * Cognito feature plan. PLUS turns threat protection on, enforced; ESSENTIALS has none.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
   */
  readonly featurePlan: 'ESSENTIALS' | 'PLUS';
  /** Lifetime of access and ID tokens, 5-60 minutes. */
  readonly tokenValidityMinutes: number;
}

export interface TenantUserPoolProps {
  readonly poolName: string;
  readonly clientName: string;
  readonly identity: IdentitySettings;
  readonly triggers: {
    readonly preSignUp: AppFunction;
    readonly postConfirmation: AppFunction;
    readonly preTokenGeneration: AppFunction;
    /** While users move into this pool from the shared one: the user migration trigger. @default none */
    readonly userMigration?: AppFunction;
  };
  /**
   * A pool users move into: its users carry `custom:previous_user_id`, their id in the shared
   * pool, so that their profiles follow them. IMPORTANT: Cognito cannot remove a custom
   * attribute, so once true this stays true.
   * @default false
   */
  readonly previousUserIdAttribute?: boolean;
  /**
   * An extra app client for the user migration triggers of L3 pools: ADMIN_USER_PASSWORD_AUTH
   * only (a server-side flow no browser can use), no secret. @default none
   */
  readonly migrationClientName?: string;
  readonly provider?: TerraformProvider;
}

/** Attributes the app client may read; the tenant attributes are among them. */
export const CLIENT_READ_ATTRIBUTES = ['email', 'email_verified', 'name', TENANT_ID_ATTRIBUTE, TENANT_TIER_ATTRIBUTE] as const;
/** Attributes users may change themselves: never the tenant attributes. */
export const CLIENT_WRITE_ATTRIBUTES = ['email', 'name'] as const;

/**
 * The user pool of the app: one pool for all pooled tenants (and one per L3 tenant), with an
 * immutable `custom:tenant_id` and `custom:tenant_tier`, admin-created users unless self
 * sign-up is allowed (and then users still never pick a tenant: the pre sign-up trigger
 * refuses it, and the attributes are not writable), and an app client limited to SRP and
 * refresh tokens that can read but not write the tenant attributes.
 */
export class TenantUserPool extends Construct {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly migrationClient?: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps) {
    super(scope, id);
    const provider = props.provider;
    const { identity, triggers } = props;
    if (!(Number.isInteger(identity.tokenValidityMinutes) && identity.tokenValidityMinutes >= 5 && identity.tokenValidityMinutes <= 60)) {
      throw new Error(`TenantUserPool ${id}: identity.tokenValidityMinutes must be a whole number from 5 to 60; got ${identity.tokenValidityMinutes}`);
    }
    this.pool = new CognitoUserPool(this, 'pool', {
      name: props.poolName,
      // Essentials or Plus: needed for access-token claims and scopes from the V2 pre token generation trigger.
      userPoolTier: identity.featurePlan,
      // Threat protection needs the Plus plan: compromised credentials are blocked, risky sign-ins challenged.
      ...(identity.featurePlan === 'PLUS' ? { userPoolAddOns: { advancedSecurityMode: 'ENFORCED' } } : {}),
      deletionProtection: 'ACTIVE',
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: identity.mfa,
      softwareTokenMfaConfiguration: identity.mfa === 'OFF' ? undefined : { enabled: true },
      passwordPolicy: {
        minimumLength: identity.passwordMinimumLength,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: identity.requireSymbols,
        temporaryPasswordValidityDays: identity.temporaryPasswordValidityDays,
      },
      adminCreateUserConfig: { allowAdminCreateUserOnly: !identity.selfSignUp },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ['email'] },
      schema: [
        ...[TENANT_ID_ATTRIBUTE, TENANT_TIER_ATTRIBUTE].map((attr) => ({
          name: attr.replace(/^custom:/, ''),
          attributeDataType: 'String',
          mutable: false,
          developerOnlyAttribute: false,
          required: false,
          stringAttributeConstraints: { minLength: '2', maxLength: String(TENANT_ID_MAX_LENGTH) },
        })),
        ...(props.previousUserIdAttribute
          ? [{ name: PREVIOUS_USER_ID_ATTRIBUTE.replace(/^custom:/, ''), attributeDataType: 'String', mutable: false, developerOnlyAttribute: false, required: false, stringAttributeConstraints: { minLength: '1', maxLength: '128' } }]
          : []),
      ],
      lambdaConfig: {
        preSignUp: triggers.preSignUp.functionArn,
        postConfirmation: triggers.postConfirmation.functionArn,
        // Admin-created users never confirm a sign-up: the same function records them at first sign-in.
        postAuthentication: triggers.postConfirmation.functionArn,
        preTokenGenerationConfig: { lambdaArn: triggers.preTokenGeneration.functionArn, lambdaVersion: 'V2_0' },
        ...(triggers.userMigration ? { userMigration: triggers.userMigration.functionArn } : {}),
      },
      provider,
    });
    this.client = new CognitoUserPoolClient(this, 'client', {
      name: props.clientName,
      userPoolId: this.pool.id,
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      readAttributes: [...CLIENT_READ_ATTRIBUTES],
      writeAttributes: [...CLIENT_WRITE_ATTRIBUTES],
      supportedIdentityProviders: ['COGNITO'],
      // The API accepts access tokens only; a disabled or signed-out user keeps API access until the token expires.
      accessTokenValidity: identity.tokenValidityMinutes,
      idTokenValidity: identity.tokenValidityMinutes,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      provider,
    });
    if (props.migrationClientName) {
      this.migrationClient = new CognitoUserPoolClient(this, 'migration-client', {
        name: props.migrationClientName,
        userPoolId: this.pool.id,
        generateSecret: false,
        explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: 'ENABLED',
        readAttributes: [...CLIENT_READ_ATTRIBUTES],
        writeAttributes: [...CLIENT_WRITE_ATTRIBUTES],
        supportedIdentityProviders: ['COGNITO'],
        accessTokenValidity: 5,
        idTokenValidity: 5,
        refreshTokenValidity: 1,
        tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'hours' }],
        provider,
      });
    }
    // One permission per function (post confirmation also serves post authentication).
    for (const [name, fn] of Object.entries(triggers)) {
      if (!fn) continue;
      new LambdaPermission(this, `invoke-${name}`, {
        statementId: 'CognitoTrigger',
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'cognito-idp.amazonaws.com',
        sourceArn: this.pool.arn,
        dependsOn: [fn.function],
        provider,
      });
    }
  }
}
