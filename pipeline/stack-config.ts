import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_DOCUMENT_DEPTH } from '../format/json-document';
import { jsonDepth, stableStringify } from '../format/stable-json';

/**
 * A stack's synthesized Terraform JSON, normalized for comparison:
 *  - cdktf metadata (every `//` key) is dropped: Terraform ignores it, and it changes with
 *    construct paths that do not change infrastructure;
 *  - a string that names an asset file of the stack (`assets/<id>/<hash>/<file>`) becomes
 *    `asset:sha256:<digest of the file's bytes>`, so that moving identical bytes to another
 *    asset path is no change, while new bytes (a rebuilt Lambda zip) are one.
 */
export type TerraformJson = Record<string, unknown>;

export const ASSET_PREFIX = 'assets/';
export const ASSET_DIGEST_PREFIX = 'asset:sha256:';

export interface StackConfig {
  /** The normalized configuration. */
  readonly json: TerraformJson;
  /** SHA-256 of the normalized configuration: equal digests, equal stacks. */
  readonly digest: string;
}

export function loadStackConfig(file: string): StackConfig {
  const stackDir = path.dirname(file);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  // A synthesis can come from another job (--reuse-synth): normalize and the diff walk recursively.
  if (jsonDepth(raw, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) throw new Error(`${file} is nested deeper than ${MAX_DOCUMENT_DEPTH} levels: not a synthesized stack`);
  const assetDigests = new Map<string, string>();
  const json = normalize(raw, (ref) => {
    let d = assetDigests.get(ref);
    if (d === undefined) {
      const target = path.resolve(stackDir, ref);
      // Only files inside the stack directory are assets; anything else is a plain string.
      if (!target.startsWith(stackDir + path.sep) || !fs.existsSync(target) || !fs.statSync(target).isFile()) return undefined;
      d = createHash('sha256').update(fs.readFileSync(target)).digest('hex');
      assetDigests.set(ref, d);
    }
    return `${ASSET_DIGEST_PREFIX}${d}`;
  }) as TerraformJson;
  return { json, digest: createHash('sha256').update(stableStringify(json)).digest('hex') };
}

function normalize(value: unknown, asset: (ref: string) => string | undefined): unknown {
  if (typeof value === 'string') return value.startsWith(ASSET_PREFIX) ? (asset(value) ?? value) : value;
  if (Array.isArray(value)) return value.map((v) => normalize(v, asset));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '//') continue;
      out[k] = normalize(v, asset);
    }
    return out;
  }
  return value;
}
