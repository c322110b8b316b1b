import * as fs from 'fs';
import * as path from 'path';
import type { S3Client } from '@aws-sdk/client-s3';
import { stableStringify } from '../format/stable-json';
import { appliedMarkerKey, StackSpec } from '../model/inventory';
import { AppliedMarker, MarkerError, parseMarker } from './applied';

/**
 * Where the applied markers live: the state bucket (S3, AWS SDK v3), or a directory laid out
 * like it (`--markers-dir`, for a run without the bucket, as `lz audit --state-dir` reads
 * state). Each marker sits beside its stack's state, so a role that may write a stack's state
 * may record it, and no other.
 */
export interface MarkerStore {
  /** Where markers are read and written, for messages. */
  readonly location: string;
  /** The markers of these stacks, by stack name (undefined: none recorded). */
  read(specs: ReadonlyArray<StackSpec>): Promise<Map<string, AppliedMarker | undefined>>;
  write(spec: StackSpec, marker: AppliedMarker): Promise<void>;
}

/** Reads run this many at a time. */
const READ_CONCURRENCY = 16;

async function readAll(specs: ReadonlyArray<StackSpec>, readOne: (spec: StackSpec) => Promise<AppliedMarker | undefined>): Promise<Map<string, AppliedMarker | undefined>> {
  const out = new Map<string, AppliedMarker | undefined>();
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++];
      out.set(spec.name, await readOne(spec));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, specs.length) }, worker));
  return new Map(specs.map((s) => [s.name, out.get(s.name)]));
}

function checked(marker: AppliedMarker, spec: StackSpec, where: string): AppliedMarker {
  if (marker.stack !== spec.name) throw new MarkerError(`${where}: records stack ${marker.stack}, not ${spec.name}`);
  return marker;
}

export function s3MarkerStore(client: S3Client, bucket: string): MarkerStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK loads only when the bucket is read, not on every pipeline command
  const { GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const where = (spec: StackSpec) => `s3://${bucket}/${appliedMarkerKey(spec.stateKey)}`;
  return {
    location: `s3://${bucket}`,
    read: (specs) =>
      readAll(specs, async (spec) => {
        try {
          const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: appliedMarkerKey(spec.stateKey) }));
          return checked(parseMarker(await out.Body!.transformToString('utf-8'), where(spec)), spec, where(spec));
        } catch (e) {
          const name = (e as { name?: string }).name;
          if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
          if (e instanceof MarkerError) throw e;
          throw new MarkerError(`reading ${where(spec)}: ${name ?? 'Error'}: ${(e as Error).message}`);
        }
      }),
    async write(spec, marker) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: appliedMarkerKey(spec.stateKey), Body: stableStringify(marker) + '\n', ContentType: 'application/json' }));
      } catch (e) {
        throw new MarkerError(`writing ${where(spec)}: ${(e as { name?: string }).name ?? 'Error'}: ${(e as Error).message}`);
      }
    },
  };
}

export function dirMarkerStore(dir: string): MarkerStore {
  const file = (spec: StackSpec) => path.join(dir, ...appliedMarkerKey(spec.stateKey).split('/'));
  return {
    location: dir,
    read: (specs) =>
      readAll(specs, async (spec) => {
        const f = file(spec);
        if (!fs.existsSync(f)) return undefined;
        return checked(parseMarker(fs.readFileSync(f, 'utf8'), f), spec, f);
      }),
    async write(spec, marker) {
      fs.mkdirSync(path.dirname(file(spec)), { recursive: true });
      fs.writeFileSync(file(spec), stableStringify(marker) + '\n');
    },
  };
}
