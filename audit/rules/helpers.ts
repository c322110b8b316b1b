import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SESSION_VENDING_FUNCTIONS } from '../../functions/shared/contracts';
import { plannedMove } from '../../model/migration';
import { RuleContext } from '../context';
import { managed, ResourceRecord, StackEvidence } from '../evidence';
import { Evidence } from '../model';
import { inAccount, policyOf, recordFor, referencedRecord } from '../references';

/** Evidence entry for one attribute of a record. */
export function ev(record: ResourceRecord, attribute: string, value: unknown = record.values[attribute]): Evidence {
  return { stack: record.stack, address: record.address, attribute, value };
}

export function byName(stack: StackEvidence, type: string, name: string, attribute = 'name'): ResourceRecord | undefined {
  return managed(stack, type).find((r) => r.values[attribute] === name);
}

/** Records of the tenant stack that live in the tenant account. */
export function tenantAccountRecords(ctx: RuleContext, stack: StackEvidence): ResourceRecord[] {
  const account = ctx.tenantAccountId;
  const bucket = account ? ctx.own.dataBucket(account, ctx.tenant.homeRegion) : undefined;
  return stack.resources.filter((r) => {
    if (r.mode !== 'managed') return false;
    if (inAccount(r, account)) return true;
    if (r.provider) return false;
    // show -json records carry no provider alias; resources without an ARN are placed by what they attach to.
    if (r.values.event_bus_name === ctx.own.tenantBus) return true;
    const b = recordFor(stack, ['aws_s3_bucket'], r.values.bucket, ['id', 'bucket']);
    return b !== undefined && b.values.bucket === bucket;
  });
}

/** The KMS keys that protect the tenant's data: the platform key for L1, the tenant account's keys otherwise. */
export function tenantKeys(ctx: RuleContext): ResourceRecord[] {
  if (ctx.tenant.tier === 'L1') return managed(ctx.platformStack(), 'aws_kms_key');
  return tenantAccountRecords(ctx, ctx.tenantStack()).filter((r) => r.type === 'aws_kms_key' || r.type === 'aws_kms_external_key');
}

/** The resource a `bucket` (or similar) attribute of `record` refers to, by reference or by value. */
export function target(stack: StackEvidence, record: ResourceRecord, attribute: string, types: ReadonlyArray<string>, keys?: ReadonlyArray<string>): ResourceRecord | undefined {
  return recordFor(stack, types, record.values[attribute], keys);
}

/** Records of `type` attached to `bucket` through their `bucket` attribute. */
export function bucketPart(stack: StackEvidence, type: string, bucket: ResourceRecord): ResourceRecord | undefined {
  return managed(stack, type).find((r) => target(stack, r, 'bucket', ['aws_s3_bucket'], ['id', 'bucket']) === bucket);
}

/** Inline policies of a role (aws_iam_role_policy whose `role` names it). */
export function inlinePolicies(stack: StackEvidence, role: ResourceRecord): ResourceRecord[] {
  return managed(stack, 'aws_iam_role_policy').filter((p) => {
    const ref = referencedRecord(stack, p.values.role);
    return ref ? ref.record === role : p.values.role === role.values.name || p.values.role === role.values.id;
  });
}

/** The tenant's data-access role, where it should be for the tier (platform stack for L1). */
export function dataAccessRole(ctx: RuleContext): { stack: StackEvidence; role?: ResourceRecord; name: string } {
  if (ctx.tenant.tier === 'L1') {
    const stack = ctx.platformStack();
    return { stack, role: byName(stack, 'aws_iam_role', ctx.shared.dataAccessRole), name: ctx.shared.dataAccessRole };
  }
  const stack = ctx.tenantStack();
  return { stack, role: byName(stack, 'aws_iam_role', ctx.own.dataAccessRole), name: ctx.own.dataAccessRole };
}

/** The roles that may vend sessions for this tenant's data. */
export function expectedVendingRoles(ctx: RuleContext): string[] {
  const app = ctx.byokReady
    ? SESSION_VENDING_FUNCTIONS.map((fn) => `arn:aws:iam::${ctx.tenantAccountId}:role/${ctx.own.appRole(fn)}`)
    : SESSION_VENDING_FUNCTIONS.map((fn) => `arn:aws:iam::${ctx.platformAccountId}:role/${ctx.shared.appRole(fn)}`);
  // `lz migrate` vends tagged sessions too: of the pooled role always, of a dedicated one while its move is under way.
  const move = plannedMove(ctx.tenant);
  const migrating = ctx.tenant.tier === 'L1' || (move !== undefined && !move.cleanupAcknowledged);
  return migrating ? [...app, `arn:aws:iam::${ctx.platformAccountId}:role/${ctx.shared.migrationRole}`] : app;
}

/** The tenant's registry entries (the item attribute is DynamoDB JSON), by table. */
export function registryEntries(stack: StackEvidence): Array<{ record: ResourceRecord; table: unknown; entry: Record<string, any> }> {
  return managed(stack, 'aws_dynamodb_table_item').map((record) => ({
    record,
    table: record.values.table_name,
    entry: unmarshall(JSON.parse(String(record.values.item))) as Record<string, any>,
  }));
}

export { policyOf };

/** Whether an action pattern list (with `*`/`?` wildcards) covers `action`. */
export function covers(actions: unknown, action: string): boolean {
  const list = Array.isArray(actions) ? actions : [actions];
  return list.some((a) => typeof a === 'string' && new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action));
}
