import { createHash } from 'crypto';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { TENANT_API_ROUTES } from '../../functions/shared/contracts';
import { Tier, TIERS } from '../../model/tiers';
import { AppFunction } from '../compute/app-function';
import { Role, serviceTrust } from '../iam/role';

export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface TenantApiProps {
  readonly apiName: string;
  readonly handler: AppFunction;
  /**
   * The Lambda authorizer (functions/api-authorizer): verifies the access token and names the
   * tenant's API key as the usage identifier (API key source AUTHORIZER).
   */
  readonly authorizer: AppFunction;
  /** One usage plan per tier; each tenant's API key joins its tier's plan. */
  readonly throttling: Readonly<Record<Tier, Throttle>>;
  /**
   * AWS WAF rate-based rule: requests one IP address may send in 5 minutes before WAF blocks it
   * (at least 10).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
   */
  readonly requestsPerIpPer5Minutes: number;
  readonly logKmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly accountId: string;
  readonly region: string;
  readonly alarmTopicArn?: string;
  readonly provider?: TerraformProvider;
}

export const API_STAGE = 'v1';
/** How long API Gateway keeps an authorizer result per token; a suspension still bites within the registry cache lifetime (the handler checks). */
export const AUTHORIZER_RESULT_TTL_SECONDS = 60;
/** Authorization headers that are not a JWT (optionally after "Bearer ") are refused before the authorizer runs. */
export const AUTHORIZATION_HEADER_PATTERN = '^(Bearer )?[-_A-Za-z0-9]+\\.[-_A-Za-z0-9]+\\.[-_A-Za-z0-9]+$';

/**
 * The tenant API: a regional REST API whose every method goes through the Lambda authorizer
 * (an access token of the app's pool and client with the API scope) and requires an API key
 * that the authorizer supplies: the API key source is AUTHORIZER, so each request counts against
 * the verified tenant's own key in its tier's usage plan, never a key a client presents. Each
 * tier has a usage plan with its throttle; each tenant gets its own key in its tier's plan (from
 * the tenant stack), so one tenant cannot exhaust another's limits. AWS WAF blocks an IP address
 * that floods the API. Access logs go to a KMS-encrypted log group.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
 */
export class TenantApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly usagePlans: Record<Tier, ApiGatewayUsagePlan>;
  readonly stageName = API_STAGE;

  constructor(scope: Construct, id: string, props: TenantApiProps) {
    super(scope, id);
    const provider = props.provider;
    if (!(Number.isInteger(props.requestsPerIpPer5Minutes) && props.requestsPerIpPer5Minutes >= 10)) {
      throw new Error(`TenantApi ${id}: requestsPerIpPer5Minutes must be a whole number of at least 10 (the AWS WAF minimum); got ${props.requestsPerIpPer5Minutes}`);
    }
    this.api = new ApiGatewayRestApi(this, 'api', {
      name: props.apiName,
      description: 'Tenant API: the tenant comes only from verified token claims',
      endpointConfiguration: { types: ['REGIONAL'] },
      apiKeySource: 'AUTHORIZER',
      // File bodies pass through as bytes; JSON stays text.
      binaryMediaTypes: ['application/octet-stream'],
      provider,
    });
    const authorizer = new ApiGatewayAuthorizer(this, 'authorizer', {
      name: 'tenant-access-token',
      restApiId: this.api.id,
      type: 'TOKEN',
      authorizerUri: props.authorizer.function.invokeArn,
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: AUTHORIZATION_HEADER_PATTERN,
      authorizerResultTtlInSeconds: AUTHORIZER_RESULT_TTL_SECONDS,
      provider,
    });
    new LambdaPermission(this, 'invoke-authorizer', {
      statementId: 'TenantApiAuthorizer',
      action: 'lambda:InvokeFunction',
      functionName: props.authorizer.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:${props.region}:${props.accountId}:${this.api.id}/authorizers/${authorizer.id}`,
      provider,
    });

    const resources = new Map<string, ApiGatewayResource>();
    const resourceFor = (path: string): string => {
      if (path === '/') return this.api.rootResourceId;
      const existing = resources.get(path);
      if (existing) return existing.id;
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const part = path.slice(path.lastIndexOf('/') + 1);
      const resource = new ApiGatewayResource(this, `resource${path.replace(/[^A-Za-z0-9]+/g, '-')}`, { restApiId: this.api.id, parentId: resourceFor(parent), pathPart: part, provider });
      resources.set(path, resource);
      return resource.id;
    };
    const routeConstructs: Array<ApiGatewayMethod | ApiGatewayIntegration> = [];
    for (const route of TENANT_API_ROUTES) {
      for (const method of route.methods) {
        const key = `${method}${route.resource.replace(/[^A-Za-z0-9]+/g, '-')}`;
        const m = new ApiGatewayMethod(this, `method-${key}`, {
          restApiId: this.api.id,
          resourceId: resourceFor(route.resource),
          httpMethod: method,
          authorization: 'CUSTOM',
          authorizerId: authorizer.id,
          apiKeyRequired: true,
          provider,
        });
        const integration = new ApiGatewayIntegration(this, `integration-${key}`, {
          restApiId: this.api.id,
          resourceId: m.resourceId,
          httpMethod: m.httpMethod,
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          uri: props.handler.function.invokeArn,
          provider,
        });
        routeConstructs.push(m, integration);
      }
    }
    new LambdaPermission(this, 'invoke', {
      statementId: 'TenantApi',
      action: 'lambda:InvokeFunction',
      functionName: props.handler.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:${props.region}:${props.accountId}:${this.api.id}/*/*/*`,
      provider,
    });

    // API Gateway writes access logs with an account-wide role.
    const cloudwatchRole = new Role(this, 'cloudwatch-role', { roleName: `${props.apiName}-cloudwatch`.slice(0, 64), trustPolicy: serviceTrust('apigateway.amazonaws.com', props.accountId), provider });
    new IamRolePolicyAttachment(this, 'cloudwatch-role-policy', { role: cloudwatchRole.role.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs', provider });
    const account = new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: cloudwatchRole.arn, provider });
    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', { name: `/aws/apigateway/${props.apiName}`, retentionInDays: props.logRetentionDays, kmsKeyId: props.logKmsKeyArn, provider });

    const routeHash = createHash('sha256').update(JSON.stringify(TENANT_API_ROUTES)).digest('hex');
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: this.api.id,
      triggers: { routes: routeHash },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: routeConstructs,
      provider,
    });
    const stage = new ApiGatewayStage(this, 'stage', {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: API_STAGE,
      xrayTracingEnabled: true,
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', apiKeyId: '$context.identity.apiKeyId', tenantId: '$context.authorizer.tenantId', method: '$context.httpMethod', resource: '$context.resourcePath', status: '$context.status', latency: '$context.responseLatency' }),
      },
      dependsOn: [account],
      provider,
    });
    const waf = new Wafv2WebAcl(this, 'waf', {
      name: `${props.apiName}-waf`,
      description: `Flood protection of ${props.apiName}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: [
        {
          name: 'requests-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.requestsPerIpPer5Minutes, aggregate_key_type: 'IP', evaluation_window_sec: 300 } },
          visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${props.apiName}-requests-per-ip`, sampledRequestsEnabled: true },
        },
      ],
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${props.apiName}-waf`, sampledRequestsEnabled: true },
      provider,
    });
    new Wafv2WebAclAssociation(this, 'waf-association', { resourceArn: stage.arn, webAclArn: waf.arn, provider });
    const maxRate = Math.max(...TIERS.map((t) => props.throttling[t].rateLimit));
    const maxBurst = Math.max(...TIERS.map((t) => props.throttling[t].burstLimit));
    new ApiGatewayMethodSettings(this, 'settings', {
      restApiId: this.api.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: { metricsEnabled: true, loggingLevel: 'ERROR', dataTraceEnabled: false, throttlingRateLimit: maxRate * 10, throttlingBurstLimit: maxBurst * 10 },
      provider,
    });
    this.usagePlans = {} as Record<Tier, ApiGatewayUsagePlan>;
    for (const tier of TIERS) {
      this.usagePlans[tier] = new ApiGatewayUsagePlan(this, `plan-${tier}`, {
        name: `${props.apiName}-${tier}`,
        description: `Per-tenant limits of tier ${tier}`,
        throttleSettings: { rateLimit: props.throttling[tier].rateLimit, burstLimit: props.throttling[tier].burstLimit },
        apiStages: [{ apiId: this.api.id, stage: stage.stageName }],
        provider,
      });
    }
    new CloudwatchMetricAlarm(this, 'errors-5xx', {
      alarmName: `${props.apiName}-5xx`,
      alarmDescription: `${props.apiName} returned 5xx responses`,
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensions: { ApiName: props.apiName, Stage: API_STAGE },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: props.alarmTopicArn ? [props.alarmTopicArn] : undefined,
      provider,
    });
  }
}
