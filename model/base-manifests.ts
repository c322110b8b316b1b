import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { gitToplevel, listDirectoryAt, readBlobs, tryResolveCommit } from '../git/git';
import { MANIFEST_EXTENSIONS } from './load';

/**
 * The manifests as they were at a git revision: the "before" of a change. Tier downgrades,
 * removed manifests and account e-mail changes are only visible against it.
 */
export interface BaseTenant {
  readonly id: string;
  readonly tier?: string;
  readonly status?: string;
  readonly accountEmail?: string;
  readonly accountId?: string;
  /** `migration.from`: the move the manifest records. */
  readonly migrationFrom?: string;
  /** Path of the file at the base revision, relative to the repository root. */
  readonly file: string;
}

export type BaseManifests =
  | { readonly ok: true; readonly ref: string; readonly tenants: ReadonlyMap<string, BaseTenant> }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads every manifest of `tenantsDir` at `ref` with one `git cat-file --batch` call. `parsed`
 * may give the document of bytes already parsed (the same file in the working tree), which are
 * then not parsed again.
 */
export function readBaseManifests(tenantsDir: string, ref: string, parsed?: (bytes: Buffer) => Readonly<Record<string, unknown>> | undefined): BaseManifests {
  const dir = path.resolve(tenantsDir);
  if (!fs.existsSync(dir)) return { ok: false, reason: `${tenantsDir} does not exist` };
  const top = gitToplevel(dir);
  if (top === undefined) return { ok: false, reason: `${tenantsDir} is not inside a git repository` };
  const commit = tryResolveCommit(top, ref);
  if (commit === undefined) return { ok: false, reason: `git revision "${ref}" does not exist (no commits yet, or a shallow clone without it)` };
  const rel = path.relative(top, fs.realpathSync(dir)).split(path.sep).join('/');
  const listing = listDirectoryAt(top, commit, rel === '' ? '.' : rel).filter((f) => (MANIFEST_EXTENSIONS as ReadonlyArray<string>).includes(path.extname(f).toLowerCase()));
  const tenants = new Map<string, BaseTenant>();
  if (listing.length === 0) return { ok: true, ref, tenants };
  const blobs = readBlobs(top, commit, listing);
  for (const [i, file] of listing.entries()) {
    const stem = path.basename(file, path.extname(file));
    const doc = parsed?.(blobs[i]) ?? parseLeniently(blobs[i]);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const account = doc?.account && typeof doc.account === 'object' ? (doc.account as Record<string, unknown>) : undefined;
    const migration = doc?.migration && typeof doc.migration === 'object' ? (doc.migration as Record<string, unknown>) : undefined;
    const id = str(doc?.id) ?? stem;
    tenants.set(id, {
      id,
      tier: str(doc?.tier),
      status: str(doc?.status) ?? 'active',
      accountEmail: str(account?.email),
      accountId: str(account?.id),
      migrationFrom: str(migration?.from),
      file,
    });
  }
  return { ok: true, ref, tenants };
}

/** The base only supplies a few facts: a document that does not parse supplies none. */
function parseLeniently(bytes: Buffer): Readonly<Record<string, unknown>> | undefined {
  try {
    const doc = parse(bytes.toString('utf8'), { maxAliasCount: 50 });
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}
