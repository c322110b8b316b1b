import * as path from 'path';
import { Diagnostic } from './diagnostics';
import { DISK, FileSource, SourceEntry } from './file-source';
import { TenantProfile } from './profile';
import { parseWithSchema } from './schema-issues';
import { LandingZoneSettings, SettingsSchema } from './schema/settings';
import { TenantManifest, TenantSchema } from './schema/tenant';
import { ValidationCache } from './validation-cache';
import { lazyYamlSource, parseYamlBytes, readYamlBytes, YamlSource } from './yaml-source';

export interface LoadedSettings {
  readonly settings: LandingZoneSettings;
  readonly source: YamlSource;
}

export interface LoadedTenant {
  readonly manifest: TenantManifest;
  /**
   * What the tenant's tier means (model/profile.ts), decided once per landing zone (on first
   * read: a command about one tenant decides only that tenant's).
   */
  readonly profile: TenantProfile;
  readonly source: YamlSource;
  /** File name as found in the tenants directory, e.g. `acme.yaml`. */
  readonly fileName: string;
}

/**
 * A manifest file that is well-formed YAML. `manifest` is set only when it also passed the
 * schema; the semantic rules read `raw` so that they report their findings even when some
 * other field of the same file is wrong.
 */
export interface TenantDocument {
  readonly source: YamlSource;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly fileName: string;
  readonly manifest?: TenantManifest;
  /** The file's bytes as read. */
  readonly bytes: Buffer;
  /** Its key in the validation cache, when it is kept there. */
  readonly cacheKey?: string;
}

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml'] as const;
/** Files that may sit in the tenants directory without being manifests. */
const NON_MANIFEST_FILES = new Set(['tenant.schema.json', 'README.md', 'CODEOWNERS']);
/** A directory with more entries than this is almost certainly not a tenants directory. */
export const MAX_TENANT_FILES = 20000;

/** `file` relative to `cwd` when it is inside it, else as given. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** The settings last read, by file name and bytes: the base and head of a comparison usually have the same, and then share one object. */
let lastSettings: { readonly key: string; readonly loaded: LoadedSettings } | undefined;

export function loadSettings(file: string, cwd?: string, files: FileSource = DISK): { loaded?: LoadedSettings; diagnostics: Diagnostic[] } {
  const shown = displayPath(file, cwd);
  const bytes = readYamlBytes(file, shown, 'landing-zone settings file', files);
  if (!Buffer.isBuffer(bytes)) return { diagnostics: bytes };
  const key = `${shown}\0${bytes.toString('latin1')}`;
  if (lastSettings?.key === key) return { loaded: lastSettings.loaded, diagnostics: [] };
  const read = parseYamlBytes(shown, bytes, 'landing-zone settings file');
  if (!read.ok) return { diagnostics: read.diagnostics };
  const parsed = parseWithSchema(read.source, SettingsSchema, read.data);
  if (!parsed.value) return { diagnostics: parsed.diagnostics };
  lastSettings = { key, loaded: { settings: parsed.value, source: read.source } };
  return { loaded: lastSettings.loaded, diagnostics: [] };
}

export function listManifestFiles(dir: string, cwd?: string, source: FileSource = DISK): { files: string[]; diagnostics: Diagnostic[] } {
  const shown = displayPath(dir, cwd);
  let entries: SourceEntry[];
  try {
    entries = [...source.readDir(dir)];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      files: [],
      diagnostics: [
        {
          severity: 'error',
          file: shown,
          line: 0,
          column: 0,
          field: '',
          message: code === 'ENOENT' ? 'tenants directory does not exist' : `cannot read tenants directory (${code})`,
          expected: 'a directory of <id>.yaml tenant manifests',
          code: 'file',
        },
      ],
    };
  }
  if (entries.length > MAX_TENANT_FILES) {
    return {
      files: [],
      diagnostics: [{ severity: 'error', file: shown, line: 0, column: 0, field: '', message: `directory holds ${entries.length} entries`, expected: `at most ${MAX_TENANT_FILES} tenant manifests`, code: 'file' }],
    };
  }
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || NON_MANIFEST_FILES.has(entry.name)) continue;
    const ext = path.extname(entry.name).toLowerCase();
    if (entry.isFile && (MANIFEST_EXTENSIONS as ReadonlyArray<string>).includes(ext)) {
      files.push(path.join(dir, entry.name));
    } else {
      diagnostics.push({
        severity: 'warning',
        file: displayPath(path.join(dir, entry.name), cwd),
        line: 0,
        column: 0,
        field: '',
        message: entry.isDirectory ? 'subdirectory ignored: manifests are read from the tenants directory itself' : 'not a tenant manifest: ignored',
        expected: 'tenant manifests named <id>.yaml',
        code: 'ignored-file',
      });
    }
  }
  return { files, diagnostics };
}

/** A manifest that is not on disk yet (e.g. the one `lz new-tenant` is about to write). */
export interface PendingManifest {
  readonly fileName: string;
  readonly text: string;
}

/**
 * Reads and schema-checks every manifest; returns every readable document, plus every
 * problem found. `pending` manifests are checked as if they were files in `dir`.
 */
export function loadTenantDocuments(
  dir: string,
  pending: ReadonlyArray<PendingManifest> = [],
  cwd?: string,
  cache?: ValidationCache,
  source: FileSource = DISK,
): { documents: TenantDocument[]; diagnostics: Diagnostic[] } {
  const listed = listManifestFiles(dir, cwd, source);
  const diagnostics = [...listed.diagnostics];
  const documents: TenantDocument[] = [];
  const inputs: Array<{ file: string; bytes: () => Buffer | Diagnostic[] }> = [
    ...listed.files.map((file) => ({ file, bytes: () => readYamlBytes(file, displayPath(file, cwd), 'tenant manifest', source) })),
    ...pending.map((p) => ({ file: path.join(dir, p.fileName), bytes: () => Buffer.from(p.text, 'utf8') })),
  ];
  for (const { file, bytes: readBytes } of inputs) {
    const shown = displayPath(file, cwd);
    const bytes = readBytes();
    if (!Buffer.isBuffer(bytes)) {
      diagnostics.push(...bytes);
      continue;
    }
    const key = cache?.key(shown, bytes);
    const hit = key === undefined ? undefined : cache!.get(key);
    if (hit) {
      documents.push({ source: lazyYamlSource(shown, bytes, 'tenant manifest'), raw: hit.raw, fileName: path.basename(file), manifest: hit.manifest, bytes, cacheKey: key });
      continue;
    }
    const read = parseYamlBytes(shown, bytes, 'tenant manifest');
    if (!read.ok) {
      diagnostics.push(...read.diagnostics);
      continue;
    }
    const parsed = parseWithSchema(read.source, TenantSchema, read.data);
    diagnostics.push(...parsed.diagnostics);
    const raw = read.data as Record<string, unknown>;
    const kept = key !== undefined && parsed.diagnostics.length === 0;
    if (kept) cache!.set(key, { raw, ...(parsed.value ? { manifest: parsed.value } : {}) });
    documents.push({ source: read.source, raw, fileName: path.basename(file), manifest: parsed.value, bytes, ...(kept ? { cacheKey: key } : {}) });
  }
  return { documents, diagnostics };
}
