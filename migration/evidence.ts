/**
 * The evidence of a tenant's moves, as the audit reads it: one JSON document per tenant next to
 * its state (`tenants/<id>/migration.json` in the state bucket, or the same layout in a
 * directory), rebuilt from the migration records after every run. Moves of earlier runs that
 * have no record any more stay in the document.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as path from 'path';
import { MIGRATION_EVIDENCE_FORMAT, migrationEvidenceKey, parseMigrationEvidence, type MigrationEvidence, type MoveEvidence } from '../model/migration';
import { stableStringify } from '../format/stable-json';
import type { MoveRecord } from './records';

export interface EvidenceStore {
  /** Where the document of a tenant is kept, for messages. */
  where(tenantId: string): string;
  read(tenantId: string): Promise<string | undefined>;
  write(tenantId: string, text: string): Promise<void>;
}

export function s3EvidenceStore(s3: S3Client, bucket: string): EvidenceStore {
  return {
    where: (tenantId) => `s3://${bucket}/${migrationEvidenceKey(tenantId)}`,
    async read(tenantId) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: migrationEvidenceKey(tenantId) }));
        return await out.Body!.transformToString('utf-8');
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
        throw e;
      }
    },
    async write(tenantId, text) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: migrationEvidenceKey(tenantId), Body: text, ContentType: 'application/json' }));
    },
  };
}

/** The state-directory layout `lz audit --state-dir` reads. */
export function directoryEvidenceStore(dir: string): EvidenceStore {
  const file = (tenantId: string) => path.join(dir, migrationEvidenceKey(tenantId));
  return {
    where: file,
    async read(tenantId) {
      return fs.existsSync(file(tenantId)) ? fs.promises.readFile(file(tenantId), 'utf8') : undefined;
    },
    async write(tenantId, text) {
      await fs.promises.mkdir(path.dirname(file(tenantId)), { recursive: true });
      await fs.promises.writeFile(file(tenantId), text);
    },
  };
}

/** What the audit needs of a record: where the data is served from, the checks, the times. */
export function moveEvidence(record: MoveRecord): MoveEvidence {
  const servedFromNew = record.phase === 'switched' || record.phase === 'cleaned';
  return {
    id: record.migrationId,
    kind: record.kind,
    phase: record.phase,
    servedFrom: servedFromNew ? record.to : record.from,
    from: record.from,
    to: record.to,
    startedAt: record.startedAt,
    ...(record.switchedAt ? { switchedAt: record.switchedAt } : {}),
    ...(record.retainUntil ? { retainUntil: record.retainUntil } : {}),
    ...(record.cleanedAt ? { cleanedAt: record.cleanedAt } : {}),
    attempts: record.attempts,
    checks: record.checks ?? [],
    ...(record.figures ? { figures: record.figures } : {}),
    ...(record.failure ? { failure: record.failure } : {}),
  };
}

/** Merges the records into the tenant's document (by move id) and writes it; returns what was written. */
export async function recordEvidence(store: EvidenceStore, tenantId: string, records: ReadonlyArray<MoveRecord>, now: Date): Promise<MigrationEvidence> {
  const existing = await store.read(tenantId);
  const earlier = existing === undefined ? [] : parseMigrationEvidence(existing, store.where(tenantId), tenantId).moves;
  const byId = new Map<string, MoveEvidence>(earlier.map((m) => [m.id, m]));
  for (const r of records) byId.set(r.migrationId, moveEvidence(r));
  const doc: MigrationEvidence = {
    formatVersion: MIGRATION_EVIDENCE_FORMAT,
    tenantId,
    updatedAt: now.toISOString(),
    moves: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
  await store.write(tenantId, `${stableStringify(doc)}\n`);
  return doc;
}
