import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { PolicyStatement } from '../../contract/policy-document';
import { Role, serviceTrust } from '../iam/role';
import { bundleFunction, LAMBDA_RUNTIME } from './function-bundle';

/** Where the function's code comes from. */
export type FunctionCode =
  /** This repository's code, bundled from functions/<name>/handler.ts. */
  | { readonly kind: 'bundle'; readonly name: string }
  /** A released build in the artifacts bucket (L3 tenants pinned to another app version). */
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

export interface AppFunctionProps {
  readonly functionName: string;
  readonly roleName: string;
  readonly code: FunctionCode;
  readonly description: string;
  readonly accountId: string;
  readonly region: string;
  readonly environment?: Record<string, string>;
  /** What the function may do besides writing its own logs and traces. @default none */
  readonly statements?: ReadonlyArray<PolicyStatement>;
  /** Customer-managed key for the log group. */
  readonly logKmsKeyArn: string;
  readonly logRetentionDays: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /**
   * Concurrent executions reserved for (and capping) this function, so that other functions of
   * the account cannot starve it. The account must keep 100 unreserved.
   * @default none: the function shares the account's unreserved pool
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  readonly reservedConcurrency?: number;
  /** SNS topic for the error alarm. @default no alarm actions */
  readonly alarmTopicArn?: string;
  readonly provider?: TerraformProvider;
}

/**
 * A Lambda function of the tenant app: its own log group (KMS, retention), its own role
 * (logs, traces and the given statements only), arm64, X-Ray tracing, JSON logs, and an
 * alarm on errors.
 */
export class AppFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly functionName: string;
  readonly functionArn: string;
  /** Literal ARN of the function's role, for trust policies that must stay readable offline. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 10;
    const memory = props.memoryMb ?? 256;
    if (timeout < 1 || timeout > 900) throw new Error(`AppFunction ${id}: timeoutSeconds must be 1-900; got ${timeout}`);
    if (memory < 128 || memory > 10240) throw new Error(`AppFunction ${id}: memoryMb must be 128-10240; got ${memory}`);
    if (props.reservedConcurrency !== undefined && !(Number.isInteger(props.reservedConcurrency) && props.reservedConcurrency >= 1)) {
      throw new Error(`AppFunction ${id}: reservedConcurrency must be a whole number of at least 1 (leave it out for none); got ${props.reservedConcurrency}`);
    }
    const provider = props.provider;
    const logGroupName = `/aws/lambda/${props.functionName}`;
    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: logGroupName, retentionInDays: props.logRetentionDays, kmsKeyId: props.logKmsKeyArn, provider });
    const logGroupArn = `arn:aws:logs:${props.region}:${props.accountId}:log-group:${logGroupName}`;
    this.role = new Role(this, 'role', {
      roleName: props.roleName,
      trustPolicy: serviceTrust('lambda.amazonaws.com'),
      statements: [
        { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroupArn}:*` },
        { Sid: 'Traces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ...(props.statements ?? []),
      ],
      provider,
    });
    let code: { filename?: string; sourceCodeHash?: string; s3Bucket?: string; s3Key?: string };
    if (props.code.kind === 'bundle') {
      const bundle = bundleFunction(props.code.name);
      const asset = new TerraformAsset(this, 'code', { path: bundle.zipPath, type: AssetType.FILE, assetHash: bundle.sha256 });
      code = { filename: asset.path, sourceCodeHash: bundle.sourceCodeHash };
    } else {
      code = { s3Bucket: props.code.bucket, s3Key: props.code.key };
    }
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      ...code,
      timeout,
      memorySize: memory,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroupName },
      environment: props.environment && Object.keys(props.environment).length > 0 ? { variables: props.environment } : undefined,
      dependsOn: [logGroup],
      provider,
    });
    this.functionName = props.functionName;
    this.functionArn = this.function.arn;
    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    new CloudwatchMetricAlarm(this, 'errors', {
      alarmName: `${props.functionName}-errors`,
      alarmDescription: `${props.functionName} reported errors`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: props.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: props.alarmTopicArn ? [props.alarmTopicArn] : undefined,
      okActions: props.alarmTopicArn ? [props.alarmTopicArn] : undefined,
      provider,
    });
  }
}
