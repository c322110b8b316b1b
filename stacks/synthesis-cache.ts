import * as fs from 'fs';
import * as path from 'path';

/**
 * Synthesized stacks kept by fingerprint (model/fingerprint.ts): `<dir>/<fp[0..2]>/<fp>/` holds
 * the stack's directory as CDKTF wrote it (`stack/`: cdk.tf.json and its assets) and
 * `entry.json` (its manifest.json entry and counts). Entries are written to a temporary folder
 * and renamed into place, so a reader sees a whole entry or none, concurrent runs that write the
 * same fingerprint lose nothing (the content is the same by definition), and the folder is safe
 * to delete at any time.
 */
export interface CachedStack {
  /** The stack's entry of CDKTF's manifest.json. */
  readonly manifestEntry: Readonly<Record<string, unknown>>;
  /** CDKTF's manifest version. */
  readonly version: string;
  readonly resources: number;
  readonly dataSources: number;
  /** Size of cdk.tf.json. */
  readonly bytes: number;
}

/** Temporary folders are named by process and sequence: unique without a clock. */
let puts = 0;

export class SynthesisCache {
  constructor(readonly dir: string) {}

  private entryDir(fingerprint: string): string {
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new Error(`not a fingerprint: ${fingerprint}`);
    return path.join(this.dir, fingerprint.slice(0, 2), fingerprint);
  }

  get(fingerprint: string): CachedStack | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.entryDir(fingerprint), 'entry.json'), 'utf8')) as CachedStack;
    } catch {
      return undefined;
    }
  }

  /** Moves a freshly synthesized stack directory into the cache (the directory is consumed). */
  put(fingerprint: string, stackDir: string, entry: CachedStack): void {
    const target = this.entryDir(fingerprint);
    if (fs.existsSync(path.join(target, 'entry.json'))) return;
    const tmp = `${target}.tmp-${process.pid}-${++puts}`;
    fs.mkdirSync(tmp, { recursive: true });
    try {
      fs.renameSync(stackDir, path.join(tmp, 'stack'));
      fs.writeFileSync(path.join(tmp, 'entry.json'), JSON.stringify(entry));
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        // Another run stored the same fingerprint first: same content, keep theirs.
        if (!fs.existsSync(path.join(target, 'entry.json'))) throw e;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Where a cached stack's directory is (it may not exist). */
  stackDir(fingerprint: string): string {
    return path.join(this.entryDir(fingerprint), 'stack');
  }

  /**
   * Copies a cached stack's directory to `stackDir` (which must not exist); `move` takes it
   * out of the cache instead (a cache made for one run, about to be removed).
   */
  materialize(fingerprint: string, stackDir: string, move = false): void {
    if (move) fs.renameSync(this.stackDir(fingerprint), stackDir);
    else fs.cpSync(this.stackDir(fingerprint), stackDir, { recursive: true, errorOnExist: true, force: false });
  }
}
