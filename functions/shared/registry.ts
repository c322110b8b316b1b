/**
 * Reads tenant registry entries (RegistryEntry, keyed by tenantId) with a per-container cache.
 * The cache means a status change (a suspension, an offboarding, a move to the tenant's own app)
 * reaches a warm container within REGISTRY_CACHE_TTL_MS: until then that container still acts
 * on the entry it read. Misses are never cached. `lz migrate` waits out that TTL after freezing
 * a tenant's writes, before it copies anything.
 *
 * A tenant whose data is moving has a migration marker in its entry and a migration record
 * next to it; `servingLocation` decides from both where its data is served and whether it may
 * write. Until the record says the copy was verified and switched, the old location serves.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  APP_HOSTS,
  migrationRecordKey,
  REGISTRY_KEY,
  type AppHost,
  type DataLocation,
  type MigrationRecordPhase,
  type MigrationRecordView,
  type RegistryEntry,
  type RegistryMigration,
  type StorageQuota,
  type TenantStatus,
  type TenantTier,
} from './contracts';
import { InvalidRegistryEntryError, TenantNotFoundError } from './errors';

/**
 * How long a warm container trusts a registry entry it read: the bound on how late a
 * suspension bites (README, "Security") and how long `lz migrate` waits after a freeze. A read
 * per tenant per container per 30 s costs nothing next to the requests it serves.
 */
export const REGISTRY_CACHE_TTL_MS = 30_000;
/** Retry-After of a write refused during a move, when the record names none. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Where a tenant's data is served from right now. */
export interface ServingLocation {
  readonly data: DataLocation;
  /** False while a move has frozen the tenant's writes. */
  readonly writable: boolean;
  /** Set when not writable. */
  readonly retryAfterSeconds?: number;
}

export interface TenantView {
  readonly entry: RegistryEntry;
  readonly serving: ServingLocation;
}

/** What the handlers need from the registry; tests may substitute it. */
export interface RegistryReader {
  /** The entry of the tenant; throws TenantNotFoundError or InvalidRegistryEntryError. */
  getEntry(tenantId: string): Promise<RegistryEntry>;
  /** The entry and where its data is served from (the migration record decides during a move). */
  locate(tenantId: string): Promise<TenantView>;
}

/**
 * | entry marker | record (same move id) | served from   | writes  |
 * |--------------|-----------------------|---------------|---------|
 * | none         | -                     | `data`        | yes     |
 * | present      | none, other move      | marker `from` | yes     |
 * | present      | frozen                | marker `from` | refused |
 * | present      | failed, moving        | marker `from` | yes     |
 * | present      | switched, cleaned     | `data`        | yes     |
 */
export function servingLocation(entry: RegistryEntry, record: MigrationRecordView | undefined): ServingLocation {
  const marker = entry.migration;
  if (!marker) return { data: entry.data, writable: true };
  if (!record || record.migrationId !== marker.id) return { data: marker.from, writable: true };
  if (record.phase === 'switched' || record.phase === 'cleaned') return { data: entry.data, writable: true };
  if (record.phase === 'frozen') return { data: marker.from, writable: false, retryAfterSeconds: record.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS };
  return { data: marker.from, writable: true };
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

/** Tenant ids are letters, digits, `-` and `_`: a key with `#` is a migration record, never an entry. */
const TENANT_ID = /^[A-Za-z0-9_-]+$/;

export class TenantRegistry implements RegistryReader {
  private readonly cache = new Map<string, { readonly view: TenantView; readonly expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TenantRegistryOptions) {
    this.ttlMs = options.ttlMs ?? REGISTRY_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async getEntry(tenantId: string): Promise<RegistryEntry> {
    return (await this.locate(tenantId)).entry;
  }

  async locate(tenantId: string): Promise<TenantView> {
    if (tenantId.length === 0 || tenantId.length > MAX_TENANT_ID_LENGTH || !TENANT_ID.test(tenantId)) throw new TenantNotFoundError(tenantId);
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > this.now()) return cached.view;

    const Item = await this.read(tenantId, false);
    // Misses are not cached: a tenant registered a moment ago must be usable at once.
    if (Item === undefined) {
      this.cache.delete(tenantId);
      throw new TenantNotFoundError(tenantId);
    }
    const entry = parseRegistryEntry(tenantId, Item);
    const record = entry.migration ? parseMigrationRecord(tenantId, await this.read(migrationRecordKey(tenantId, entry.migration.id), true)) : undefined;
    const view = { entry, serving: servingLocation(entry, record) };
    this.cache.set(tenantId, { view, expiresAt: this.now() + this.ttlMs });
    return view;
  }

  /** The migration record is read strongly consistent: a freeze must be seen by the first read after it was written. */
  private async read(key: string, consistent: boolean): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { [REGISTRY_KEY]: key }, ...(consistent ? { ConsistentRead: true } : {}) }));
    return Item;
  }
}

const RECORD_PHASES: readonly MigrationRecordPhase[] = ['frozen', 'moving', 'switched', 'failed', 'cleaned'];

/** The fields of a migration record the functions need; a malformed record fails closed (an error, not a guess). */
export function parseMigrationRecord(tenantId: string, item: unknown): MigrationRecordView | undefined {
  if (item === undefined) return undefined;
  const problems: string[] = [];
  if (!isRecord(item)) throw new InvalidRegistryEntryError(tenantId, ['migration record is not a map']);
  const { migrationId, phase, retryAfterSeconds } = item;
  if (typeof migrationId !== 'string' || migrationId.length === 0) problems.push('migration record: migrationId must be a non-empty string');
  if (!RECORD_PHASES.includes(phase as MigrationRecordPhase)) problems.push(`migration record: phase must be one of ${RECORD_PHASES.join(', ')}`);
  if (retryAfterSeconds !== undefined && !(Number.isInteger(retryAfterSeconds) && (retryAfterSeconds as number) > 0)) problems.push('migration record: retryAfterSeconds must be a positive integer');
  if (problems.length > 0) throw new InvalidRegistryEntryError(tenantId, problems);
  return { migrationId: migrationId as string, phase: phase as MigrationRecordPhase, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds: retryAfterSeconds as number }) };
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
  if (item.usersMovingOut !== undefined && item.usersMovingOut !== true) problems.push('usersMovingOut must be true when present');

  const location = (raw: unknown, path: string): DataLocation | undefined => {
    if (!isRecord(raw)) {
      problems.push(`${path.slice(0, -1)} must be a map`);
      return undefined;
    }
    const externalId = optionalText(raw, path, 'externalId');
    return {
      mode: oneOf(raw, path, 'mode', MODES),
      accountId: text(raw, path, 'accountId', ACCOUNT_ID),
      region: text(raw, path, 'region', REGION),
      itemsTable: text(raw, path, 'itemsTable'),
      usersTable: text(raw, path, 'usersTable'),
      bucket: text(raw, path, 'bucket'),
      dataAccessRoleArn: text(raw, path, 'dataAccessRoleArn', ROLE_ARN),
      ...(externalId === undefined ? {} : { externalId }),
    };
  };
  const data = location(item.data, 'data.');
  let migration: RegistryMigration | undefined;
  if (item.migration !== undefined) {
    if (!isRecord(item.migration)) problems.push('migration must be a map');
    else {
      const from = location(item.migration.from, 'migration.from.');
      const id = text(item.migration, 'migration.', 'id');
      if (from) migration = { id, from };
    }
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
  return {
    tenantId,
    tier,
    status,
    displayName,
    appVersion,
    servedBy,
    data,
    quota,
    ...(apiKeyId === undefined ? {} : { apiKeyId }),
    ...(migration ? { migration } : {}),
    ...(item.usersMovingOut === true ? { usersMovingOut: true } : {}),
  };
}
