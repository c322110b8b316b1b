import { unescapeTerraformTemplate } from '../terraform/template';
import { ResourceRecord, StackEvidence } from './evidence';

/**
 * Resolving what one resource says about another, the same way for every source: desired
 * state refers by `${type.name.attribute}`, state by the value itself (an ARN, an id, a name).
 */
const REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/;

export function referencedRecord(stack: StackEvidence, value: unknown): { record: ResourceRecord; attribute: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = REFERENCE.exec(value);
  if (!m) return undefined;
  const address = `${m[1] ?? ''}${m[2]}.${m[3]}`;
  const record = stack.resources.find((r) => r.address === address);
  return record ? { record, attribute: m[4] } : undefined;
}

/** A record of `type` whose reference or identifying value (`arn`, `id`, `name`...) equals `value`. */
export function recordFor(stack: StackEvidence, types: ReadonlyArray<string>, value: unknown, keys: ReadonlyArray<string> = ['arn', 'id', 'key_id', 'name', 'bucket']): ResourceRecord | undefined {
  const ref = referencedRecord(stack, value);
  if (ref && types.includes(ref.record.type)) return ref.record;
  if (typeof value !== 'string' || value === '') return undefined;
  return stack.resources.find((r) => types.includes(r.type) && keys.some((k) => r.values[k] === value));
}

export type KeyIdentity =
  | { readonly kind: 'managed'; readonly record: ResourceRecord; readonly alias?: string }
  | { readonly kind: 'external-arn'; readonly arn: string }
  | { readonly kind: 'unknown'; readonly value: unknown };

const KEY_TYPES = ['aws_kms_key', 'aws_kms_external_key'];

/** Which key a `kms_key_id`-like value names: a key of the stack (by reference, ARN, id or alias) or an ARN outside it. */
export function keyIdentity(stack: StackEvidence, value: unknown): KeyIdentity {
  let target: unknown = value;
  let alias: string | undefined;
  if (typeof value === 'string' && (value.startsWith('alias/') || /^arn:aws[a-z-]*:kms:[^:]+:[^:]+:alias\//.test(value))) {
    alias = value.slice(value.indexOf('alias/'));
    const aliasRecord = stack.resources.find((r) => r.type === 'aws_kms_alias' && r.values.name === alias);
    if (!aliasRecord) return { kind: 'unknown', value };
    target = aliasRecord.values.target_key_id ?? aliasRecord.values.target_key_arn;
  }
  const record = recordFor(stack, KEY_TYPES, target, ['arn', 'key_id', 'id']);
  if (record) return { kind: 'managed', record, alias: alias ?? aliasOf(stack, record) };
  if (typeof value === 'string' && /^arn:aws[a-z-]*:kms:/.test(value)) return { kind: 'external-arn', arn: value };
  return { kind: 'unknown', value };
}

/** The alias name pointing at a key record, if the stack has one. */
export function aliasOf(stack: StackEvidence, key: ResourceRecord): string | undefined {
  for (const a of stack.resources.filter((r) => r.type === 'aws_kms_alias')) {
    const target = a.values.target_key_id;
    const ref = referencedRecord(stack, target);
    if ((ref && ref.record === key) || (typeof target === 'string' && (target === key.values.key_id || target === key.values.id || target === key.values.arn))) return String(a.values.name);
  }
  return undefined;
}

/** A policy document from a resource attribute (escaped template in desired state, plain JSON in state). */
export function policyOf(record: ResourceRecord, attribute = 'policy'): { Version?: string; Statement: Array<Record<string, any>> } | undefined {
  const raw = record.values[attribute];
  if (typeof raw !== 'string' || raw === '') return undefined;
  const doc = JSON.parse(unescapeTerraformTemplate(raw));
  return { ...doc, Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
}

export function asList<T = string>(v: unknown): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? (v as T[]) : [v as T];
}

/** Principals of a statement as ARNs/services, flattened (`*` for anyone). */
export function principalsOf(statement: Record<string, any>): string[] {
  const p = statement.Principal;
  if (p === '*') return ['*'];
  if (!p || typeof p !== 'object') return [];
  return [...asList(p.AWS), ...asList(p.Service), ...asList(p.Federated)];
}

/** Whether a record lives in the tenant account: by provider alias, else by the account in its ARN. */
export function inAccount(record: ResourceRecord, accountId: string | undefined, alias = 'aws.tenant'): boolean {
  if (record.provider) return record.provider === alias;
  const arn = record.values.arn;
  return typeof arn === 'string' && accountId !== undefined && arn.split(':')[4] === accountId;
}
