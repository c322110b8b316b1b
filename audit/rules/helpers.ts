import { unmarshall } from '@aws-sdk/util-dynamodb';
import { sessionVendingRoleArns } from '../../model/profile';
import { RuleContext, StackRole } from '../context';
import { ResourceRecord, StackEvidence } from '../evidence';
import { Evidence } from '../model';
import { inAccount, policyOf, recordFor, referencedRecord } from '../references';
import { wildcardMatch } from '../wildcard';

/** Evidence entry for one attribute of a record. */
export function ev(record: ResourceRecord, attribute: string, value: unknown = record.values[attribute]): Evidence {
  return { stack: record.stack, address: record.address, attribute, value };
}

/** The record of `type` in a stack of the scope whose `attribute` is `name`. */
export function byName(ctx: RuleContext, role: StackRole, type: string, name: string, attribute = 'name'): ResourceRecord | undefined {
  return ctx.records(role, type).find((r) => r.values[attribute] === name);
}

/** Records of the given types in the tenant stack (by `role`: `tenant`, or `data` for a dedicated tenant) that live in the tenant account. */
export function tenantAccountRecords(ctx: RuleContext, types: string | ReadonlyArray<string>, role: StackRole = 'tenant'): ResourceRecord[] {
  const stack = ctx.stack(role);
  const account = ctx.tenantAccountId;
  const bucket = account && ctx.profile.data.account === 'tenant' ? ctx.profile.data.bucketName(account) : undefined;
  return ctx.records(role, types).filter((r) => {
    if (inAccount(r, account)) return true;
    if (r.provider) return false;
    // show -json records carry no provider alias; resources without an ARN are placed by what they attach to.
    if (r.values.event_bus_name === ctx.own.tenantBus) return true;
    const b = recordFor(stack, ['aws_s3_bucket'], r.values.bucket, ['id', 'bucket']);
    return b !== undefined && b.values.bucket === bucket;
  });
}

export const KEY_TYPES = ['aws_kms_key', 'aws_kms_external_key'] as const;

/** The KMS keys that protect the tenant's data: the platform key for pooled data, the tenant account's keys otherwise. */
export function tenantKeys(ctx: RuleContext): ResourceRecord[] {
  if (ctx.profile.data.account === 'platform') return ctx.records('data', 'aws_kms_key');
  return tenantAccountRecords(ctx, KEY_TYPES, 'data');
}

/** The resource a `bucket` (or similar) attribute of `record` refers to, by reference or by value. */
export function target(stack: StackEvidence, record: ResourceRecord, attribute: string, types: ReadonlyArray<string>, keys?: ReadonlyArray<string>): ResourceRecord | undefined {
  return recordFor(stack, types, record.values[attribute], keys);
}

/** Records of `type` in the `role` stack attached to `bucket` through their `bucket` attribute. */
export function bucketPart(ctx: RuleContext, role: StackRole, type: string, bucket: ResourceRecord): ResourceRecord | undefined {
  const stack = ctx.stack(role);
  return ctx.records(role, type).find((r) => target(stack, r, 'bucket', ['aws_s3_bucket'], ['id', 'bucket']) === bucket);
}

/** Inline policies of a role (aws_iam_role_policy whose `role` names it). */
export function inlinePolicies(ctx: RuleContext, role: StackRole, roleRecord: ResourceRecord): ResourceRecord[] {
  const stack = ctx.stack(role);
  return ctx.records(role, 'aws_iam_role_policy').filter((p) => {
    const ref = referencedRecord(stack, p.values.role);
    return ref ? ref.record === roleRecord : p.values.role === roleRecord.values.name || p.values.role === roleRecord.values.id;
  });
}

/** The tenant's data-access role, where the profile puts it (the platform's shared role for pooled data). */
export function dataAccessRole(ctx: RuleContext): { stack: StackEvidence; role?: ResourceRecord; name: string } {
  const { name } = ctx.profile.dataAccessRole;
  return { stack: ctx.stack('data'), role: byName(ctx, 'data', 'aws_iam_role', name), name };
}

/** The roles that may vend sessions for this tenant's data. */
export function expectedVendingRoles(ctx: RuleContext): string[] {
  return sessionVendingRoleArns(ctx.profile, { platform: ctx.platformAccountId, tenant: ctx.tenantAccountId });
}

/** The tenant's registry entries in the tenant stack (the item attribute is DynamoDB JSON), by table. */
export function registryEntries(ctx: RuleContext): Array<{ record: ResourceRecord; table: unknown; entry: Record<string, any> }> {
  return ctx.records('tenant', 'aws_dynamodb_table_item').map((record) => ({
    record,
    table: record.values.table_name,
    entry: unmarshall(JSON.parse(String(record.values.item))) as Record<string, any>,
  }));
}

export { policyOf };

/** Whether an action pattern list (with `*`/`?` wildcards) covers `action` (no regular expression: see wildcard.ts). */
export function covers(actions: unknown, action: string): boolean {
  const list = Array.isArray(actions) ? actions : [actions];
  return list.some((a) => typeof a === 'string' && wildcardMatch(a, action));
}
