import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { APP_FUNCTIONS, AppFunctionName, AppHost, ENV, SESSION_VENDING_FUNCTIONS, SIGN_IN_TRIGGERS, TENANT_API_TIMEOUT_SECONDS, USER_MIGRATION_ENV, USER_MIGRATION_FUNCTION } from '../../functions/shared/contracts';
import { Tier } from '../../model/tiers';
import { TenantApi, Throttle } from '../api/tenant-api';
import { AppFunction, FunctionCode } from '../compute/app-function';
import { IdentitySettings, TenantUserPool } from '../identity/tenant-user-pool';
import { PolicyStatement } from '../../contract/policy-document';

export { APP_FUNCTIONS, SESSION_VENDING_FUNCTIONS };
export type { AppFunctionName };

export interface TenantAppNames {
  readonly functionName: (fn: string) => string;
  readonly appRole: (fn: string) => string;
  readonly userPool: string;
  readonly userPoolClient: string;
  readonly api: string;
}

export interface TenantAppProps {
  readonly names: TenantAppNames;
  /**
   * Which app this is; its functions serve only the tenants whose registry entry names it
   * (`platform` for the shared app, `tenant` for an L3 tenant's own).
   */
  readonly host: AppHost;
  readonly accountId: string;
  readonly region: string;
  readonly organizationId: string;
  /** Version the functions report; with `codeFor` deciding where the code comes from. */
  readonly appVersion: string;
  readonly codeFor: (fn: AppFunctionName) => FunctionCode;
  /** The tenant registry the functions read (name, ARN, and the key that encrypts it). */
  readonly registryTable: { readonly name: string; readonly arn: string; readonly keyArn: string };
  /** The bus the functions publish to. */
  readonly eventBus: { readonly name: string; readonly arn: string };
  /** Data-access roles the app may vend tenant sessions for (ARN patterns), with a condition for patterns. */
  readonly dataAccessRoles: ReadonlyArray<{ readonly arn: string; readonly condition?: PolicyStatement['Condition'] }>;
  readonly identity: IdentitySettings;
  readonly throttling: Readonly<Record<Tier, Throttle>>;
  /** AWS WAF: requests one IP address may send to the API in 5 minutes. */
  readonly requestsPerIpPer5Minutes: number;
  /** Concurrent executions reserved for each Cognito trigger. @default none */
  readonly signInReservedConcurrency?: number;
  readonly logKmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly alarmTopicArn?: string;
  /** The shared pool's app client for the user migration triggers of L3 pools (the platform app). @default none */
  readonly userMigrationClientName?: string;
  /** An L3 tenant's own app whose users move in from the shared pool. @default none */
  readonly usersMoveIn?: UsersMoveIn;
  readonly provider?: TerraformProvider;
}

export interface UsersMoveIn {
  /** Users carry their old id (IMPORTANT: the attribute stays on the pool for good). */
  readonly previousUserIdAttribute: true;
  /** While the move lasts: the user migration trigger and where it checks passwords. @default none */
  readonly trigger?: {
    readonly tenantId: string;
    readonly sourceUserPoolId: string;
    readonly sourceClientId: string;
    /** Role in the platform account that may authenticate against the shared pool. */
    readonly sourceRoleArn: string;
  };
}

/**
 * The tenant app: Cognito user pool with its three triggers, the tenant API with its authorizer
 * and its handler. The platform runs one for all pooled and L2 tenants; every L3 tenant runs its
 * own, from the same code, in its own account.
 */
export class TenantApp extends Construct {
  readonly functions: Record<AppFunctionName, AppFunction>;
  /** The user migration trigger, while users move in. */
  readonly userMigration?: AppFunction;
  readonly userPool: TenantUserPool;
  readonly api: TenantApi;

  constructor(scope: Construct, id: string, props: TenantAppProps) {
    super(scope, id);
    const readRegistry: PolicyStatement[] = [
      { Sid: 'ReadTenantRegistry', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: props.registryTable.arn },
      // The registry's key, through DynamoDB only (the key policy names these roles the same way).
      {
        Sid: 'RegistryKeyThroughDynamoDB',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: props.registryTable.keyArn,
        Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${props.region}.amazonaws.com` } },
      },
    ];
    const vendSessions: PolicyStatement[] = props.dataAccessRoles.map((r, i) => ({
      Sid: `VendTenantSessions${i}`,
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Resource: r.arn,
      ...(r.condition ? { Condition: r.condition } : {}),
    }));
    const publish: PolicyStatement = { Sid: 'PublishEvents', Effect: 'Allow', Action: 'events:PutEvents', Resource: props.eventBus.arn };
    // The authorizer hands API Gateway the verified tenant's API key, by value.
    const readApiKeys: PolicyStatement = { Sid: 'ReadTenantApiKeys', Effect: 'Allow', Action: 'apigateway:GET', Resource: `arn:aws:apigateway:${props.region}::/apikeys/*` };
    const statements: Record<AppFunctionName, PolicyStatement[]> = {
      'pre-sign-up': [...readRegistry],
      'post-confirmation': [...readRegistry, ...vendSessions, publish],
      'pre-token-generation': [...readRegistry],
      'api-authorizer': [...readRegistry, readApiKeys],
      'tenant-api': [...readRegistry, ...vendSessions],
    };
    const descriptions: Record<AppFunctionName, string> = {
      'pre-sign-up': 'Cognito pre sign-up: admin-created users of active tenants only; users never choose a tenant',
      'post-confirmation': 'Cognito post confirmation: writes the user profile and publishes UserConfirmed',
      'pre-token-generation': 'Cognito pre token generation: tenant id and tier claims from the registry',
      'api-authorizer': 'API authorizer: access tokens of this app only; the usage plan follows the verified tenant',
      'tenant-api': 'Tenant API: tenant from verified claims, data through tenant-scoped sessions',
    };
    const environment = {
      [ENV.REGISTRY_TABLE]: props.registryTable.name,
      [ENV.EVENT_BUS_NAME]: props.eventBus.name,
      [ENV.SELF_SIGN_UP]: String(props.identity.selfSignUp),
      [ENV.APP_VERSION]: props.appVersion,
      [ENV.APP_HOST]: props.host,
    };
    this.functions = {} as Record<AppFunctionName, AppFunction>;
    const fn = (name: AppFunctionName, extraEnvironment: Record<string, string> = {}) => {
      this.functions[name] = new AppFunction(this, name, {
        functionName: props.names.functionName(name),
        roleName: props.names.appRole(name),
        code: props.codeFor(name),
        description: descriptions[name],
        accountId: props.accountId,
        region: props.region,
        environment: { ...environment, ...extraEnvironment },
        statements: statements[name],
        logKmsKeyArn: props.logKmsKeyArn,
        logRetentionDays: props.logRetentionDays,
        timeoutSeconds: name === 'tenant-api' ? TENANT_API_TIMEOUT_SECONDS : 5,
        reservedConcurrency: SIGN_IN_TRIGGERS.includes(name) && props.signInReservedConcurrency ? props.signInReservedConcurrency : undefined,
        alarmTopicArn: props.alarmTopicArn,
        provider: props.provider,
      });
    };
    for (const name of APP_FUNCTIONS) if (name !== 'api-authorizer') fn(name);
    const trigger = props.usersMoveIn?.trigger;
    if (trigger) {
      // The same code whatever version the app pins: it is part of the move, not of the app.
      this.userMigration = new AppFunction(this, USER_MIGRATION_FUNCTION, {
        functionName: props.names.functionName(USER_MIGRATION_FUNCTION),
        roleName: props.names.appRole(USER_MIGRATION_FUNCTION),
        code: { kind: 'bundle', name: USER_MIGRATION_FUNCTION },
        description: "Cognito user migration: moves this tenant's users in from the shared pool at their first sign-in",
        accountId: props.accountId,
        region: props.region,
        environment: {
          [USER_MIGRATION_ENV.TENANT_ID]: trigger.tenantId,
          [USER_MIGRATION_ENV.SOURCE_USER_POOL_ID]: trigger.sourceUserPoolId,
          [USER_MIGRATION_ENV.SOURCE_CLIENT_ID]: trigger.sourceClientId,
          [USER_MIGRATION_ENV.SOURCE_ROLE_ARN]: trigger.sourceRoleArn,
        },
        statements: [{ Sid: 'CheckPasswordsInTheSharedPool', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: trigger.sourceRoleArn }],
        logKmsKeyArn: props.logKmsKeyArn,
        logRetentionDays: props.logRetentionDays,
        timeoutSeconds: 5,
        alarmTopicArn: props.alarmTopicArn,
        provider: props.provider,
      });
    }
    this.userPool = new TenantUserPool(this, 'identity', {
      poolName: props.names.userPool,
      clientName: props.names.userPoolClient,
      identity: props.identity,
      triggers: {
        preSignUp: this.functions['pre-sign-up'],
        postConfirmation: this.functions['post-confirmation'],
        preTokenGeneration: this.functions['pre-token-generation'],
        ...(this.userMigration ? { userMigration: this.userMigration } : {}),
      },
      previousUserIdAttribute: props.usersMoveIn?.previousUserIdAttribute,
      migrationClientName: props.userMigrationClientName,
      provider: props.provider,
    });
    // The authorizer accepts tokens of this pool's one client only.
    fn('api-authorizer', { [ENV.USER_POOL_ID]: this.userPool.pool.id, [ENV.USER_POOL_CLIENT_ID]: this.userPool.client.id });
    this.api = new TenantApi(this, 'api', {
      apiName: props.names.api,
      handler: this.functions['tenant-api'],
      authorizer: this.functions['api-authorizer'],
      throttling: props.throttling,
      requestsPerIpPer5Minutes: props.requestsPerIpPer5Minutes,
      logKmsKeyArn: props.logKmsKeyArn,
      logRetentionDays: props.logRetentionDays,
      accountId: props.accountId,
      region: props.region,
      alarmTopicArn: props.alarmTopicArn,
      provider: props.provider,
    });
  }

  /** ARNs of the roles that vend tenant sessions (trusted by the data-access roles). */
  get sessionVendingRoleArns(): string[] {
    return SESSION_VENDING_FUNCTIONS.map((fn) => this.functions[fn].roleArn);
  }
}
