/**
 * Counts and content checksums, computed the same way on both sides of a copy: every entry in
 * key order, in a canonical form (map keys sorted, set members sorted, binary as base64), one
 * line each into one SHA-256. Two sides match when count and checksum both match.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash, type Hash } from 'crypto';
import type { SideDigest } from '../model/migration';

export type Item = Record<string, AttributeValue>;

/** Canonical JSON of an attribute value: DynamoDB sets are unordered, so their members are sorted. */
export function canonicalValue(value: AttributeValue): string {
  if (value.S !== undefined) return JSON.stringify({ S: value.S });
  if (value.N !== undefined) return JSON.stringify({ N: value.N });
  if (value.B !== undefined) return JSON.stringify({ B: Buffer.from(value.B).toString('base64') });
  if (value.BOOL !== undefined) return JSON.stringify({ BOOL: value.BOOL });
  if (value.NULL !== undefined) return '{"NULL":true}';
  if (value.SS !== undefined) return JSON.stringify({ SS: [...value.SS].sort() });
  if (value.NS !== undefined) return JSON.stringify({ NS: [...value.NS].sort() });
  if (value.BS !== undefined) return JSON.stringify({ BS: value.BS.map((b) => Buffer.from(b).toString('base64')).sort() });
  if (value.L !== undefined) return `{"L":[${value.L.map(canonicalValue).join(',')}]}`;
  if (value.M !== undefined) return `{"M":${canonicalItem(value.M)}}`;
  throw new Error(`attribute value of an unknown type: ${Object.keys(value).join(', ')}`);
}

export function canonicalItem(item: Item): string {
  return `{${Object.keys(item)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalValue(item[k])}`)
    .join(',')}}`;
}

/** Accumulates entries (in key order) into a SideDigest. */
export class Digest {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private bytes = 0;

  constructor(private readonly location: string) {}

  add(line: string, bytes = 0): void {
    this.hash.update(line);
    this.hash.update('\n');
    this.count += 1;
    this.bytes += bytes;
  }

  result(withBytes = false): SideDigest {
    return { location: this.location, count: this.count, sha256: this.hash.digest('hex'), ...(withBytes ? { bytes: this.bytes } : {}) };
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
