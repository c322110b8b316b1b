import { marshall } from '@aws-sdk/util-dynamodb';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { DynamodbTableItem } from '@cdktf/provider-aws/lib/dynamodb-table-item';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataLocation, REGISTRY_KEY, RegistryEntry, RegistryMigration, TENANT_ID_ATTRIBUTE } from '../../functions/shared/contracts';
import { TenantManifest } from '../../model/schema/tenant';

export interface AppMembershipProps {
  readonly tenant: TenantManifest;
  /** Name prefix of the tenant's resources (`<lz>-<tenant>`). */
  readonly namePrefix: string;
  /** Registry table of the app the tenant uses. */
  readonly registryTableName: string;
  /** User pool of the app the tenant uses. */
  readonly userPoolId: string;
  /** Usage plan of the tenant's tier on that app's API. */
  readonly usagePlanId: string;
  readonly appVersion: string;
  /** Where the tenant's data lives. */
  readonly data: DataLocation;
  /**
   * A data move to `data` that may not have happened yet: the registry entry carries the old
   * location, which serves until the move's migration record says it was verified and switched.
   * @default none
   */
  readonly migration?: RegistryMigration;
  /**
   * Give the tenant an API key in this app. False for an app that only keeps the tenant in its
   * registry (the platform, for an L3 tenant that runs its own app).
   * @default true
   */
  readonly apiKey?: boolean;
  /**
   * Create the tenant's first admin user in this app's pool. False where the admin arrives
   * otherwise (moved in from the shared pool) or does not belong (an app that only keeps the
   * tenant in its registry).
   * @default true
   */
  readonly adminUser?: boolean;
  /** The tenant runs its own app; this one keeps it in its registry only. @default false */
  readonly ownApp?: boolean;
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
    const { tenant, provider } = props;
    const active = tenant.status === 'active';
    let apiKeyId: string | undefined;
    if ((props.apiKey ?? true) && tenant.status !== 'offboarding') {
      const key = new ApiGatewayApiKey(this, 'api-key', { name: props.namePrefix, description: `API key of tenant ${tenant.id}`, enabled: active, provider });
      new ApiGatewayUsagePlanKey(this, 'usage-plan-key', { keyId: key.id, keyType: 'API_KEY', usagePlanId: props.usagePlanId, provider });
      apiKeyId = key.id;
    }
    this.registryEntry = {
      tenantId: tenant.id,
      tier: tenant.tier,
      status: tenant.status,
      displayName: tenant.displayName,
      appVersion: props.appVersion,
      data: props.data,
      ...(apiKeyId ? { apiKeyId } : {}),
      ...(props.migration ? { migration: props.migration } : {}),
      ...(props.ownApp ? { ownApp: true } : {}),
    };
    const item = new DynamodbTableItem(this, 'registry-entry', {
      tableName: props.registryTableName,
      hashKey: REGISTRY_KEY,
      item: JSON.stringify(marshall({ ...this.registryEntry, ...(tenant.offboarding ? { offboarding: tenant.offboarding } : {}) }, { removeUndefinedValues: true })),
      provider,
    });
    if (!(props.adminUser ?? true)) return;
    const owner = tenant.contacts.find((c) => c.role === 'owner') ?? tenant.contacts[0];
    new CognitoUser(this, 'admin-user', {
      userPoolId: props.userPoolId,
      username: owner.email,
      attributes: { email: owner.email, email_verified: 'true', [TENANT_ID_ATTRIBUTE]: tenant.id },
      desiredDeliveryMediums: ['EMAIL'],
      enabled: active,
      // The pre sign-up trigger admits users of registered, active tenants only.
      dependsOn: [item],
      lifecycle: { ignoreChanges: ['attributes["email_verified"]'] },
      provider,
    });
  }
}
