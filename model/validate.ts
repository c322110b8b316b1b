import * as path from 'path';
import { baseRevision } from '../git/git';
import { compareDiagnostics, Diagnostic, hasErrors } from './diagnostics';
import { readBaseManifests } from './base-manifests';
import { displayPath, loadSettings, loadTenantDocuments, LoadedTenant, PendingManifest } from './load';
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
  const settingsResult = loadSettings(opts.settingsFile, opts.cwd);
  diagnostics.push(...settingsResult.diagnostics);
  if (settingsResult.loaded) diagnostics.push(...checkSettings(settingsResult.loaded));
  const settings = settingsResult.loaded?.settings;

  const cache = opts.cacheFile ? new ValidationCache(opts.cacheFile) : undefined;
  const { documents, diagnostics: loadDiagnostics } = loadTenantDocuments(opts.tenantsDir, opts.pending, opts.cwd, cache);
  cache?.save();
  diagnostics.push(...loadDiagnostics);
  for (const doc of documents) diagnostics.push(...checkTenantDocument(doc, settings));
  diagnostics.push(...checkAcrossTenants(documents));
  const baseRef = opts.baseRef === undefined ? baseRevision(undefined) : opts.baseRef;
  if (baseRef !== false) {
    diagnostics.push(...checkAgainstBase(documents, readBaseManifests(opts.tenantsDir, baseRef), displayPath(path.resolve(opts.tenantsDir), opts.cwd)));
  }

  const sorted = dedupe(diagnostics).sort(compareDiagnostics);
  const result = { diagnostics: sorted, filesRead: documents.length + 1 };
  if (hasErrors(sorted) || !settings) return result;
  const tenants = documents
    .map((d) => ({ manifest: d.manifest!, profile: tenantProfile(settings, d.manifest!), source: d.source, fileName: d.fileName }))
    .sort((a, b) => (a.manifest.id < b.manifest.id ? -1 : a.manifest.id > b.manifest.id ? 1 : 0));
  return { ...result, landingZone: { settings, tenants } };
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
