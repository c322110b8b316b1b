import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { zipSync } from 'fflate';

/**
 * Lambda code bundles: each function in functions/<name>/handler.ts is bundled with esbuild
 * (the AWS SDK v3 comes with the Node.js runtime and stays external) and zipped
 * deterministically (fixed timestamps and permissions), so the same source always gives the
 * same bytes and the same hash. Bundles are built once per process and shared by all stacks.
 */
export const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..', 'functions');
export const BUILD_DIR = path.resolve(__dirname, '..', '..', '.lz', 'build');

/** Node.js runtime of every function; the bundle targets the same major version. */
export const LAMBDA_RUNTIME = 'nodejs22.x';
const ESBUILD_TARGET = 'node22';
/** Zip entries get this timestamp (the DOS epoch) so that zips are byte-stable. */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

export interface FunctionBundle {
  readonly name: string;
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** Hex SHA-256 of the zip (the asset hash). */
  readonly sha256: string;
  /** Base64 SHA-256 of the zip, as Lambda's `source_code_hash` expects. */
  readonly sourceCodeHash: string;
  readonly bytes: number;
}

const cache = new Map<string, FunctionBundle>();

export function bundleFunction(name: string): FunctionBundle {
  const cached = cache.get(name);
  if (cached) return cached;
  const entry = path.join(FUNCTIONS_DIR, name, 'handler.ts');
  if (!fs.existsSync(entry)) throw new Error(`bundleFunction: no handler at ${entry}`);
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    absWorkingDir: FUNCTIONS_DIR,
  });
  const code = result.outputFiles[0].contents;
  const zip = Buffer.from(zipSync({ 'index.js': [code, { mtime: FIXED_MTIME, attrs: 0o644 << 16, level: 9 }] }));
  const sha256 = createHash('sha256').update(zip).digest('hex');
  fs.mkdirSync(path.join(BUILD_DIR, sha256), { recursive: true });
  const zipPath = path.join(BUILD_DIR, sha256, `${name}.zip`);
  if (!fs.existsSync(zipPath)) fs.writeFileSync(zipPath, zip);
  const bundle: FunctionBundle = { name, zipPath, sha256, sourceCodeHash: createHash('sha256').update(zip).digest('base64'), bytes: zip.length };
  cache.set(name, bundle);
  return bundle;
}
