/**
 * Reads tenant registry entries (RegistryEntry, keyed by tenantId) with a per-container cache.
 * The cache means a status change (a suspension, an offboarding, a move to the tenant's own app)
 * reaches a warm container within REGISTRY_CACHE_TTL_MS: until then that container still acts
 * on the entry it read. Misses are never cached.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  APP_HOSTS,
  REGISTRY_KEY,
  type AppHost,
  type DataLocation,
  type RegistryEntry,
  type StorageQuota,
  type TenantStatus,
  type TenantTier,
} from './contracts';
import { InvalidRegistryEntryError, TenantNotFoundError } from './errors';

/**
 * How long a warm container trusts a registry entry it read: the bound on how late a
 * suspension bites (README, "Security"). A read per tenant per container per 30 s costs
 * nothing next to the requests it serves.
 */
export const REGISTRY_CACHE_TTL_MS = 30_000;

/** What the handlers need from the registry; tests may substitute it. */
export interface RegistryReader {
  /** The entry of the tenant; throws TenantNotFoundError or InvalidRegistryEntryError. */
  getEntry(tenantId: string): Promise<RegistryEntry>;
}

export interface TenantRegistryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default REGISTRY_CACHE_TTL_MS */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** Longest tenant id worth a lookup; registry keys are far shorter (DynamoDB allows 2048 bytes). */
const MAX_TENANT_ID_LENGTH = 256;

export class TenantRegistry implements RegistryReader {
  private readonly cache = new Map<string, { readonly entry: RegistryEntry; readonly expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TenantRegistryOptions) {
    this.ttlMs = options.ttlMs ?? REGISTRY_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async getEntry(tenantId: string): Promise<RegistryEntry> {
    if (tenantId.length === 0 || tenantId.length > MAX_TENANT_ID_LENGTH) throw new TenantNotFoundError(tenantId);
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > this.now()) return cached.entry;

    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { [REGISTRY_KEY]: tenantId } }),
    );
    // Misses are not cached: a tenant registered a moment ago must be usable at once.
    if (Item === undefined) {
      this.cache.delete(tenantId);
      throw new TenantNotFoundError(tenantId);
    }
    const entry = parseRegistryEntry(tenantId, Item);
    this.cache.set(tenantId, { entry, expiresAt: this.now() + this.ttlMs });
    return entry;
  }
}

const TIERS: readonly TenantTier[] = ['L1', 'L2', 'L3'];
const STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'offboarding'];
const MODES: readonly DataLocation['mode'][] = ['pooled', 'dedicated'];
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

type Fields = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a registry item read for `tenantId`; every problem is reported at once. */
export function parseRegistryEntry(tenantId: string, item: unknown): RegistryEntry {
  const problems: string[] = [];
  if (!isRecord(item)) throw new InvalidRegistryEntryError(tenantId, ['item is not a map']);

  const text = (fields: Fields, path: string, name: string, pattern?: RegExp): string => {
    const value = fields[name];
    if (typeof value !== 'string' || value.length === 0) problems.push(`${path}${name} must be a non-empty string`);
    else if (pattern && !pattern.test(value)) problems.push(`${path}${name} is not valid: ${JSON.stringify(value)}`);
    return typeof value === 'string' ? value : '';
  };
  const optionalText = (fields: Fields, path: string, name: string): string | undefined =>
    fields[name] === undefined ? undefined : text(fields, path, name);
  const oneOf = <T extends string>(fields: Fields, path: string, name: string, allowed: readonly T[]): T => {
    const value = fields[name];
    if (!allowed.includes(value as T)) problems.push(`${path}${name} must be one of ${allowed.join(', ')}`);
    return value as T;
  };

  const id = text(item, '', 'tenantId');
  if (id !== '' && id !== tenantId) problems.push(`tenantId is ${JSON.stringify(id)}, expected ${JSON.stringify(tenantId)}`);
  const tier = oneOf(item, '', 'tier', TIERS);
  const status = oneOf(item, '', 'status', STATUSES);
  const displayName = text(item, '', 'displayName');
  const appVersion = text(item, '', 'appVersion');
  const servedBy = oneOf<AppHost>(item, '', 'servedBy', APP_HOSTS);
  const apiKeyId = optionalText(item, '', 'apiKeyId');

  const rawData = item.data;
  let data: DataLocation | undefined;
  if (!isRecord(rawData)) {
    problems.push('data must be a map');
  } else {
    const externalId = optionalText(rawData, 'data.', 'externalId');
    data = {
      mode: oneOf(rawData, 'data.', 'mode', MODES),
      accountId: text(rawData, 'data.', 'accountId', ACCOUNT_ID),
      region: text(rawData, 'data.', 'region', REGION),
      itemsTable: text(rawData, 'data.', 'itemsTable'),
      usersTable: text(rawData, 'data.', 'usersTable'),
      bucket: text(rawData, 'data.', 'bucket'),
      dataAccessRoleArn: text(rawData, 'data.', 'dataAccessRoleArn', ROLE_ARN),
      ...(externalId === undefined ? {} : { externalId }),
    };
  }

  const rawQuota = item.quota;
  let quota: StorageQuota | undefined;
  if (!isRecord(rawQuota)) {
    problems.push('quota must be a map');
  } else {
    const count = (name: keyof StorageQuota): number => {
      const value = rawQuota[name];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) problems.push(`quota.${name} must be a positive integer`);
      return value as number;
    };
    quota = { maxItems: count('maxItems'), maxFileBytes: count('maxFileBytes') };
  }

  if (problems.length > 0 || data === undefined || quota === undefined) throw new InvalidRegistryEntryError(tenantId, problems);
  return { tenantId, tier, status, displayName, appVersion, servedBy, data, quota, ...(apiKeyId === undefined ? {} : { apiKeyId }) };
}
