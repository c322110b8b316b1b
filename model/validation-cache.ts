import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic } from './diagnostics';
import { workingTreeCodeDigest } from './fingerprint';
import { TenantManifest } from './schema/tenant';

/**
 * What reading one manifest file gave, kept by content: the parsed YAML and the schema's
 * verdict depend only on the file's name and bytes and on the code (the schema, the YAML
 * rules), so a file seen before with the same bytes and code is not parsed again. Only files
 * that parsed cleanly are kept, with the findings of the document's own checks under the
 * settings they ran with (by digest). Checks that read other manifests or the base revision
 * always run. One JSON file, replaced atomically: safe to delete, safe under
 * concurrent runs (the last writer wins; entries are only ever correct).
 */
export interface CachedManifest {
  readonly raw: Readonly<Record<string, unknown>>;
  /** Set when the document passed the schema. */
  readonly manifest?: TenantManifest;
  /** The document's own findings (model/rules/tenant-rules.ts) under the settings with this digest. */
  readonly checks?: { readonly settings: string; readonly diagnostics: ReadonlyArray<Diagnostic> };
}

const VERSION = 2;

/** One instance per cache file and process: both sides of a comparison then share parsed documents. */
const open = new Map<string, ValidationCache>();

export class ValidationCache {
  /** The cache of `file`, read once per process (entries are only ever correct, so a long-lived copy stays valid). */
  static open(file: string): ValidationCache {
    const key = path.resolve(file);
    let cache = open.get(key);
    if (!cache) {
      cache = new ValidationCache(key);
      open.set(key, cache);
    }
    return cache;
  }

  private readonly entries = new Map<string, CachedManifest>();
  private readonly used = new Set<string>();
  private added = 0;
  private readonly code: string;

  constructor(readonly file: string) {
    this.code = workingTreeCodeDigest();
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; code?: string; entries?: Record<string, CachedManifest> };
      // Entries made by other code are useless: the schema may have changed.
      if (doc.version === VERSION && doc.code === this.code && doc.entries && typeof doc.entries === 'object') {
        for (const [k, v] of Object.entries(doc.entries)) this.entries.set(k, v);
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  key(displayName: string, bytes: Uint8Array): string {
    return createHash('sha256').update(`${displayName}\0`).update(bytes).digest('hex');
  }

  get(key: string): CachedManifest | undefined {
    const hit = this.entries.get(key);
    if (hit) this.used.add(key);
    return hit;
  }

  set(key: string, entry: CachedManifest): void {
    this.entries.set(key, entry);
    this.used.add(key);
    this.added++;
  }

  /** The document's own findings under the settings with this digest, when they were recorded. */
  checks(key: string, settings: string): ReadonlyArray<Diagnostic> | undefined {
    const checks = this.entries.get(key)?.checks;
    return checks?.settings === settings ? checks.diagnostics : undefined;
  }

  setChecks(key: string, settings: string, diagnostics: ReadonlyArray<Diagnostic>): void {
    const entry = this.entries.get(key);
    if (entry) this.set(key, { ...entry, checks: { settings, diagnostics } });
  }

  /** Writes the cache back when it learned something; keeps this run's entries and, up to a bound, older ones. */
  save(): void {
    if (this.added === 0) return;
    const keep = [...this.entries.keys()].filter((k) => this.used.has(k));
    for (const k of this.entries.keys()) if (!this.used.has(k) && keep.length < 4 * this.used.size) keep.push(k);
    const doc = { version: VERSION, code: this.code, entries: Object.fromEntries(keep.map((k) => [k, this.entries.get(k)!])) };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(doc));
    fs.renameSync(tmp, this.file);
    this.added = 0;
  }
}
