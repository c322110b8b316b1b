import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { TENANT_KEY } from '../../functions/shared/contracts';

export interface TenantTableProps {
  readonly tableName: string;
  /** Sort key attribute; the partition key is always the tenant id. @default no sort key */
  readonly sortKey?: string;
  /** Customer-managed key ARN for server-side encryption. */
  readonly kmsKeyArn: string;
  /**
   * Emit change records (new and old images) for downstream consumers.
   * @default true
   */
  readonly stream?: boolean;
  readonly accountId: string;
  readonly region: string;
  readonly provider?: TerraformProvider;
}

/**
 * A table of tenant data: partitioned by tenant id (the IAM LeadingKeys guard depends on it),
 * on-demand, point-in-time recovery, deletion protection, SSE with a customer key. The pooled
 * tables and every dedicated tenant's tables are built from this one construct, so their
 * schema is the same.
 */
export class TenantTable extends Construct {
  readonly table: DynamodbTable;
  readonly tableName: string;
  /** Literal ARN, for policies that must stay readable offline. */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: TenantTableProps) {
    super(scope, id);
    if (!props.kmsKeyArn) throw new Error(`TenantTable ${id}: kmsKeyArn is required`);
    this.tableName = props.tableName;
    this.tableArn = `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.tableName}`;
    const stream = props.stream ?? true;
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: TENANT_KEY,
      rangeKey: props.sortKey,
      attribute: [{ name: TENANT_KEY, type: 'S' }, ...(props.sortKey ? [{ name: props.sortKey, type: 'S' }] : [])],
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      streamEnabled: stream,
      streamViewType: stream ? 'NEW_AND_OLD_IMAGES' : undefined,
      provider: props.provider,
    });
  }
}
