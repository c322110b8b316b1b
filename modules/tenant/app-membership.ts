import { marshall } from '@aws-sdk/util-dynamodb';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { DynamodbTableItem } from '@cdktf/provider-aws/lib/dynamodb-table-item';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { AppHost, DataLocation, REGISTRY_KEY, RegistryEntry, RegistryMigration, StorageQuota, TENANT_ID_ATTRIBUTE } from '../../functions/shared/contracts';
import { TenantStatus } from '../../model/schema/tenant';
import { Tier } from '../../model/tiers';

export interface AppMembershipProps {
  readonly tenantId: string;
  readonly tier: Tier;
  /** Recorded in the registry: the functions refuse tenants that are not active. */
  readonly status: TenantStatus;
  readonly displayName: string;
  /** The tenant's first admin user (the owner contact). */
  readonly adminEmail: string;
  /** Offboarding details recorded in the registry entry. @default none */
  readonly offboarding?: Readonly<{ requestedOn: string; retentionDays: number; reason?: string }>;
  /** Users may sign in: the admin user and the API key are enabled. */
  readonly signIn: boolean;
  /** The tenant keeps an API key in its tier's usage plan (removed while offboarding). */
  readonly apiKey: boolean;
  /** Name prefix of the tenant's resources (`<lz>-<tenant>`). */
  readonly namePrefix: string;
  /** Registry table of the app the tenant uses. */
  readonly registryTableName: string;
  /** User pool of the app the tenant uses. */
  readonly userPoolId: string;
  /** Usage plan of the tenant's tier on that app's API. */
  readonly usagePlanId: string;
  readonly appVersion: string;
  /**
   * Which app serves the tenant (the profile's `app.host`), recorded in this registry entry: the
   * functions of any other app refuse the tenant (no tokens, no API, no sign-up).
   */
  readonly servedBy: AppHost;
  /** Where the tenant's data lives. */
  readonly data: DataLocation;
  /** What the tenant may store through the API (the settings' quota of its tier). */
  readonly quota: StorageQuota;
  /**
   * This membership is of the app the registry entry names (`servedBy`): only then does the
   * tenant get an API key here. False for an app that only keeps the tenant in its registry (the
   * platform, for an L3 tenant that runs its own app).
   * @default true
   */
  readonly serving?: boolean;
  /**
   * Create the tenant's first admin user in this app's pool. False where the admin arrives
   * otherwise (moved in from the shared pool); true in the shared pool while the tenant's users
   * move out of it (`usersMovingOut`), so that the admin moves like everyone else.
   * @default the value of `serving`
   */
  readonly adminUser?: boolean;
  /**
   * The tenant's users are moving from this app's pool to the tenant's own (a move to L3):
   * recorded in the entry, it lets them sign in here only to have their password checked by the
   * user migration trigger of the tenant's pool (no tenant claims, no API scope, no profile).
   * @default false
   */
  readonly usersMovingOut?: boolean;
  /**
   * A data move to `data` that may not have happened yet: the registry entry carries the old
   * location, which serves until the move's migration record says it was verified and switched.
   * @default none
   */
  readonly migration?: RegistryMigration;
  readonly provider?: TerraformProvider;
}

/**
 * A tenant's membership of an app (the shared platform app for L1/L2, its own for L3): the
 * registry entry that tells the functions where its data is and whether it may sign in, its
 * API key in its tier's usage plan, and its first admin user with `custom:tenant_id` set.
 * Suspension disables the key and the user and marks the registry (sign-in is refused);
 * offboarding removes the key; nothing here is destroyed by either.
 */
export class AppMembership extends Construct {
  readonly registryEntry: RegistryEntry;

  constructor(scope: Construct, id: string, props: AppMembershipProps) {
    super(scope, id);
    const { provider } = props;
    let apiKeyId: string | undefined;
    const serving = props.serving ?? true;
    if (serving && props.apiKey) {
      const key = new ApiGatewayApiKey(this, 'api-key', { name: props.namePrefix, description: `API key of tenant ${props.tenantId}`, enabled: props.signIn, provider });
      new ApiGatewayUsagePlanKey(this, 'usage-plan-key', { keyId: key.id, keyType: 'API_KEY', usagePlanId: props.usagePlanId, provider });
      apiKeyId = key.id;
    }
    this.registryEntry = {
      tenantId: props.tenantId,
      tier: props.tier,
      status: props.status,
      displayName: props.displayName,
      appVersion: props.appVersion,
      servedBy: props.servedBy,
      data: props.data,
      quota: props.quota,
      ...(apiKeyId ? { apiKeyId } : {}),
      ...(props.migration ? { migration: props.migration } : {}),
      ...(props.usersMovingOut ? { usersMovingOut: true } : {}),
    };
    const item = new DynamodbTableItem(this, 'registry-entry', {
      tableName: props.registryTableName,
      hashKey: REGISTRY_KEY,
      item: JSON.stringify(marshall({ ...this.registryEntry, ...(props.offboarding ? { offboarding: props.offboarding } : {}) }, { removeUndefinedValues: true })),
      provider,
    });
    if (!(props.adminUser ?? serving)) return;
    new CognitoUser(this, 'admin-user', {
      userPoolId: props.userPoolId,
      username: props.adminEmail,
      attributes: { email: props.adminEmail, email_verified: 'true', [TENANT_ID_ATTRIBUTE]: props.tenantId },
      desiredDeliveryMediums: ['EMAIL'],
      enabled: props.signIn,
      // The pre sign-up trigger admits users of registered, active tenants only.
      dependsOn: [item],
      lifecycle: { ignoreChanges: ['attributes["email_verified"]'] },
      provider,
    });
  }
}
