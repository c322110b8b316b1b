import { createHash } from 'crypto';
import { CtyType } from './provider-schema';

/**
 * Stand-in values for attributes only the cloud knows (ids, ARNs, dates, counters), of the type
 * and shape the provider schema declares and deterministic: the same key always gives the same
 * value, so the state derived from the base revision and the head plan agree wherever the
 * configuration does. Strings take the form their name suggests: ARNs for `*arn`, twelve digits
 * for account ids, URLs, timestamps, UUID-like key ids.
 */
export interface FakeContext {
  /** Stable identity of the value, e.g. `platform/aws_kms_key.key/arn`. */
  readonly key: string;
  /** The attribute name (the last step of the path). */
  readonly name: string;
  /** The resource or data source type, e.g. `aws_kms_key`. */
  readonly resourceType: string;
  readonly region: string;
  readonly account: string;
  /** Give collections one element (data sources, whose values configurations index into). @default false */
  readonly nonEmptyCollections?: boolean;
}

export function digest(key: string, length = 16): string {
  return createHash('sha256').update(key).digest('hex').slice(0, length);
}

function digits(key: string, length: number): string {
  const hex = digest(key, 24);
  let out = '';
  for (let i = 0; out.length < length; i++) out += String(parseInt(hex[i % hex.length], 16) % 10);
  return out.replace(/^0/, '1');
}

/** The AWS service of a resource type, as it appears in ARNs (`aws_cloudwatch_log_group` → `logs`). */
export function serviceOf(resourceType: string): string {
  const t = resourceType.replace(/^aws_/, '');
  const prefixes: ReadonlyArray<[string, string]> = [
    ['cloudwatch_log', 'logs'],
    ['cloudwatch_event', 'events'],
    ['cloudwatch', 'cloudwatch'],
    ['api_gateway', 'apigateway'],
    ['apigatewayv2', 'apigateway'],
    ['cognito_identity', 'cognito-identity'],
    ['cognito', 'cognito-idp'],
    ['lambda', 'lambda'],
    ['s3', 's3'],
    ['iam', 'iam'],
    ['kms', 'kms'],
    ['organizations', 'organizations'],
    ['backup', 'backup'],
    ['dynamodb', 'dynamodb'],
    ['sqs', 'sqs'],
    ['sns', 'sns'],
    ['ebs', 'ec2'],
  ];
  for (const [p, s] of prefixes) if (t.startsWith(p)) return s;
  return t.split('_')[0];
}

function arn(c: FakeContext): string {
  const service = serviceOf(c.resourceType);
  const kind = c.resourceType.replace(/^aws_/, '').split('_').slice(1).join('-') || 'resource';
  const id = digest(c.key, 12);
  if (service === 's3') return `arn:aws:s3:::lz-fake-${id}`;
  if (service === 'iam' || service === 'organizations') return `arn:aws:${service}::${c.account}:${kind}/lz-fake-${id}`;
  return `arn:aws:${service}:${c.region}:${c.account}:${kind}/lz-fake-${id}`;
}

/** Lowercase letters and digits from a key. */
function alnum(key: string, length: number): string {
  const hex = digest(key, 64);
  let out = '';
  for (let i = 0; out.length < length; i++) out += 'abcdefghijklmnopqrstuvwxyz0123456789'[parseInt(hex.slice((i * 2) % 62, (i * 2) % 62 + 2), 16) % 36];
  return out;
}

/**
 * Identifiers the provider checks the form of when another resource uses them (an OU id as an
 * account's parent, a key id), by resource or data source type. Others get a plain stand-in.
 */
const ID_SHAPES: ReadonlyArray<[RegExp, (c: FakeContext) => string]> = [
  [/^aws_organizations_organizational_unit$/, (c) => `ou-${alnum(c.key, 4)}-${alnum(`${c.key}/2`, 8)}`],
  [/^aws_organizations_organization$/, (c) => `o-${alnum(c.key, 10)}`],
  [/^aws_organizations_account$/, (c) => digits(c.key, 12)],
  [/^aws_organizations_(policy|resource_policy)$/, (c) => `p-${alnum(c.key, 8)}`],
  [/^aws_kms_(key|external_key|replica_key|replica_external_key)$/, (c) => uuid(c.key)],
  [/^aws_api_gateway_(rest_api|resource|deployment|api_key|usage_plan|authorizer)$/, (c) => alnum(c.key, 10)],
  [/^aws_cognito_user_pool$/, (c) => `${c.region}_${alnum(c.key, 9)}`],
  [/^aws_cognito_user_pool_client$/, (c) => alnum(c.key, 26)],
  [/^aws_caller_identity$/, (c) => c.account],
];

/**
 * Other attributes whose form the provider checks where a configuration passes them on, by
 * resource or data source type and attribute name: an Identity Store group or user id becomes an
 * SSO account assignment's principal_id, which must be `([0-9a-f]{10}-|)` and a UUID.
 */
const ATTRIBUTE_SHAPES: ReadonlyArray<[RegExp, RegExp, (c: FakeContext) => string]> = [[/^aws_identitystore_(group|user)$/, /^(id|group_id|user_id)$/, (c) => uuid(c.key)]];

function uuid(key: string): string {
  const h = digest(key, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function fakeString(c: FakeContext): string {
  const n = c.name.toLowerCase();
  const attributeShape = ATTRIBUTE_SHAPES.find(([type, name]) => type.test(c.resourceType) && name.test(n));
  if (attributeShape) return attributeShape[2](c);
  if (n === 'id') {
    const shape = ID_SHAPES.find(([re]) => re.test(c.resourceType));
    if (shape) return shape[1](c);
  }
  if (n === 'arn' || n.endsWith('_arn') || n.endsWith('arn') || n === 'arns') return arn(c);
  if (n === 'account_id' || n.endsWith('_account_id') || n === 'owner_id' || n === 'owner') return digits(c.key, 12);
  if (n === 'key_id' || n.endsWith('uuid')) return uuid(c.key);
  if (n === 'url' || n.endsWith('_url') || n.endsWith('endpoint') || n === 'invoke_url') return `https://${serviceOf(c.resourceType)}.${c.region}.amazonaws.com/${c.account}/lz-fake-${digest(c.key, 12)}`;
  if (/(date|time|_at|timestamp)$/.test(n) || n === 'last_modified' || n === 'created' || n === 'creation_date') return '2024-01-01T00:00:00Z';
  return `lz-fake-${digest(c.key, 12)}`;
}

/**
 * Attributes that configurations refer to (identifiers, ARNs, names, URLs): a managed resource's
 * derived state gets stand-ins for these; its other computed attributes stay null, which every
 * provider check accepts, where a stand-in could break a format or enum check.
 */
export function isIdentityAttribute(name: string): boolean {
  const n = name.toLowerCase();
  return /^(id|arn|name|url|endpoint|key_id|owner_id|account_id|invoke_arn|qualified_arn|qualified_invoke_arn|root_resource_id)$/.test(n) || /_(id|arn|url|name|endpoint)$/.test(n);
}

/** A value of `type` for the attribute in `c`. */
export function fakeValue(type: CtyType | undefined, c: FakeContext): unknown {
  if (type === undefined || type === 'dynamic') return null;
  if (type === 'string') return fakeString(c);
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === 'list' || kind === 'set') return c.nonEmptyCollections ? [fakeValue(inner as CtyType, { ...c, key: `${c.key}[0]` })] : [];
    if (kind === 'map') return {};
    if (kind === 'object') {
      const attrs = inner as Record<string, CtyType>;
      return Object.fromEntries(Object.entries(attrs).map(([k, t]) => [k, fakeValue(t, { ...c, key: `${c.key}.${k}`, name: k })]));
    }
    if (kind === 'tuple') return (inner as CtyType[]).map((t, i) => fakeValue(t, { ...c, key: `${c.key}[${i}]` }));
  }
  return null;
}
