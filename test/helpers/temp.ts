import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Folders the helpers made for the current test file; removed after it (test/helpers/jest-cleanup.ts). */
const made: string[] = [];

/** A fresh folder under the system's temporary folder, removed when the test file has run. */
export function tempDir(prefix = 'lz-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
