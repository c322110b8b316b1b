import { createHash } from 'crypto';
import * as path from 'path';
import { stableStringify } from '../format/stable-json';
import { baseRevision } from '../git/git';
import { compareDiagnostics, Diagnostic, hasErrors } from './diagnostics';
import { FileSource } from './file-source';
import { readBaseManifests } from './base-manifests';
import { displayPath, loadSettings, loadTenantDocuments, LoadedTenant, PendingManifest, TenantDocument } from './load';
import { tenantProfile } from './profile';
import { ValidationCache } from './validation-cache';
import { checkAcrossTenants } from './rules/cross-tenant';
import { checkAgainstBase } from './rules/history-rules';
import { checkSettings } from './rules/settings-rules';
import { checkTenantDocument } from './rules/tenant-rules';
import { LandingZoneSettings } from './schema/settings';

export interface ValidateOptions {
  readonly settingsFile: string;
  readonly tenantsDir: string;
  /**
   * Git revision the change starts from, for the history rules (tier downgrades, removed
   * manifests). `false` skips them. Default: `$LZ_BASE_REF`, else `HEAD`.
   */
  readonly baseRef?: string | false;
  /** Manifests to check as if they were already in the tenants directory. */
  readonly pending?: ReadonlyArray<PendingManifest>;
  /** Directory file names in diagnostics are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** The validation cache file (model/validation-cache.ts). @default no cache */
  readonly cacheFile?: string;
  /** Where the settings file and the tenants directory are read from. @default the disk */
  readonly files?: FileSource;
}

/** A landing zone whose settings and manifests passed every check. */
export interface LandingZone {
  readonly settings: LandingZoneSettings;
  /** Sorted by tenant id. */
  readonly tenants: ReadonlyArray<LoadedTenant>;
}

export interface ValidationResult {
  /** Set only when there is no error (warnings allowed). */
  readonly landingZone?: LandingZone;
  /** Every finding, sorted by file, line and column. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  readonly filesRead: number;
}

export function validateLandingZone(opts: ValidateOptions): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  const settingsResult = loadSettings(opts.settingsFile, opts.cwd, opts.files);
  diagnostics.push(...settingsResult.diagnostics);
  if (settingsResult.loaded) diagnostics.push(...checkSettings(settingsResult.loaded));
  const settings = settingsResult.loaded?.settings;

  const cache = opts.cacheFile ? ValidationCache.open(opts.cacheFile) : undefined;
  const { documents, diagnostics: loadDiagnostics } = loadTenantDocuments(opts.tenantsDir, opts.pending, opts.cwd, cache, opts.files);
  diagnostics.push(...loadDiagnostics);
  const settingsDigest = settings ? createHash('sha256').update(stableStringify(settings)).digest('hex') : undefined;
  for (const doc of documents) diagnostics.push(...checkedDocument(doc, settings, settingsDigest, cache));
  cache?.save();
  diagnostics.push(...checkAcrossTenants(documents));
  const baseRef = opts.baseRef === undefined ? baseRevision(undefined) : opts.baseRef;
  if (baseRef !== false) {
    // A base file with the bytes of a manifest read here parses to the same document.
    const parsed = new Map(documents.map((d) => [d.bytes.toString('latin1'), d.raw]));
    const base = readBaseManifests(opts.tenantsDir, baseRef, (bytes) => parsed.get(bytes.toString('latin1')));
    diagnostics.push(...checkAgainstBase(documents, base, displayPath(path.resolve(opts.tenantsDir), opts.cwd)));
  }

  const sorted = dedupe(diagnostics).sort(compareDiagnostics);
  const result = { diagnostics: sorted, filesRead: documents.length + 1 };
  if (hasErrors(sorted) || !settings) return result;
  const tenants = documents.map((d) => loadedTenant(settings, d)).sort((a, b) => (a.manifest.id < b.manifest.id ? -1 : a.manifest.id > b.manifest.id ? 1 : 0));
  return { ...result, landingZone: { settings, tenants } };
}

/** A valid tenant; its profile is decided when first read (and then kept, model/profile.ts). */
function loadedTenant(settings: LandingZoneSettings, doc: TenantDocument): LoadedTenant {
  const manifest = doc.manifest!;
  return {
    manifest,
    source: doc.source,
    fileName: doc.fileName,
    get profile() {
      return tenantProfile(settings, manifest);
    },
  };
}

/**
 * A document's own findings depend only on it and the settings: kept in the validation cache
 * under the settings' digest, so an unchanged manifest is checked once, by the working tree or
 * by the base revision of a comparison, whichever reads it first.
 */
function checkedDocument(doc: TenantDocument, settings: LandingZoneSettings | undefined, settingsDigest: string | undefined, cache: ValidationCache | undefined): ReadonlyArray<Diagnostic> {
  const cached = doc.cacheKey && settingsDigest ? cache?.checks(doc.cacheKey, settingsDigest) : undefined;
  if (cached) return cached;
  const diagnostics = checkTenantDocument(doc, settings);
  if (doc.cacheKey && settingsDigest) cache?.setChecks(doc.cacheKey, settingsDigest, diagnostics);
  return diagnostics;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}|${d.line}|${d.column}|${d.field}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
