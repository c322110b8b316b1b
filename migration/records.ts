/**
 * The migration record of a move: an item in the tenant registry (`<tenant>#migration#<move>`)
 * that the functions read (phase, move id, Retry-After) and that holds the engine's own state:
 * which run owns the move (runId, heartbeat), its checkpoint, the last verification and the
 * figures. Every write after the start is conditional on the run still owning the record, so
 * two runs can never both switch a tenant.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { migrationRecordKey, REGISTRY_KEY, type DataLocation } from '../functions/shared/contracts';
import { isConditionalCheckFailed } from '../functions/shared/errors';
import type { CopyCheck, MoveKind, MovePhase } from '../model/migration';
import type { MoveId } from '../model/schema/tenant';
import type { Item } from './digest';

/** Where a resumed copy goes on. */
export interface Checkpoint {
  /** Per table (items, users): the last source key whose page was written. */
  readonly tables: Readonly<Record<string, { readonly lastKey?: Item; readonly done: boolean; readonly copied: number }>>;
  readonly objects: { readonly startAfter?: string; readonly done: boolean; readonly copied: number; readonly bytes: number };
}

export interface MoveRecord {
  readonly migrationId: MoveId;
  readonly kind: MoveKind;
  readonly phase: MovePhase;
  /** The run that owns the move, and when it last showed it is alive (ms since the epoch). */
  readonly runId: string;
  readonly heartbeatAt: number;
  readonly attempts: number;
  readonly retentionDays: number;
  readonly startedAt: string;
  readonly frozenAt?: string;
  readonly switchedAt?: string;
  readonly retainUntil?: string;
  readonly cleanedAt?: string;
  readonly retryAfterSeconds?: number;
  /** Human-readable old and new location. */
  readonly from: string;
  readonly to: string;
  /** Data moves: the old and new location (the old one is what cleanup deletes, whatever the registry says by then). */
  readonly source?: DataLocation;
  readonly target?: DataLocation;
  /** Users moves: the shared pool and the tenant's own pool. */
  readonly sourcePool?: string;
  readonly targetPool?: string;
  readonly checkpoint?: Checkpoint;
  readonly checks?: ReadonlyArray<CopyCheck>;
  readonly figures?: Readonly<Record<string, number>>;
  readonly failure?: string;
}

/** Another run owns the move (its heartbeat is recent), or took it over from this one. */
export class MoveOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveOwnershipError';
  }
}

export class MoveRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, moveId: MoveId): Promise<MoveRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(tenantId, moveId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { [REGISTRY_KEY]: _key, ...record } = Item;
    return record as MoveRecord;
  }

  /** Writes a whole record; `previousRunId` is the owner it replaces (none: the record must not exist). */
  async put(tenantId: string, record: MoveRecord, previousRunId: string | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(tenantId, record.migrationId), ...record },
          ...(previousRunId === undefined
            ? { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': REGISTRY_KEY } }
            : { ConditionExpression: '#run = :previous', ExpressionAttributeNames: { '#run': 'runId' }, ExpressionAttributeValues: { ':previous': previousRunId } }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new MoveOwnershipError(`the migration record of ${tenantId} ${record.migrationId} changed under this run: another run owns the move`);
      throw error;
    }
  }

  /**
   * Sets fields (a dotted path sets a nested one, e.g. `checkpoint.tables.items`) and the
   * heartbeat, if `runId` still owns the record.
   */
  async update(tenantId: string, moveId: MoveId, runId: string, fields: Readonly<Record<string, unknown>>, now: number): Promise<void> {
    const names: Record<string, string> = { '#run': 'runId', '#heartbeat': 'heartbeatAt' };
    const values: Record<string, unknown> = { ':run': runId, ':now': now };
    const sets = ['#heartbeat = :now'];
    Object.entries(fields).forEach(([path, value], i) => {
      const parts = path.split('.').map((part, j) => {
        names[`#f${i}_${j}`] = part;
        return `#f${i}_${j}`;
      });
      values[`:v${i}`] = value;
      sets.push(`${parts.join('.')} = :v${i}`);
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(tenantId, moveId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#run = :run',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new MoveOwnershipError(`run ${runId} no longer owns the move ${moveId} of ${tenantId}`);
      throw error;
    }
  }

  private key(tenantId: string, moveId: MoveId): Record<string, string> {
    return { [REGISTRY_KEY]: migrationRecordKey(tenantId, moveId) };
  }
}
