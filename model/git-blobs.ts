import { execFileSync } from 'child_process';

/**
 * The contents of several files at one commit, read with a single `git cat-file --batch`
 * (one process for any number of files). Sizes in its output are bytes, hence Buffers.
 */
export function readBlobs(repoRoot: string, commit: string, files: ReadonlyArray<string>): Buffer[] {
  if (files.length === 0) return [];
  const batch = execFileSync('git', ['cat-file', '--batch'], {
    cwd: repoRoot,
    input: files.map((f) => `${commit}:${f}`).join('\n') + '\n',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
  });
  const out: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    // Each entry: "<sha> <type> <size>\n<size bytes>\n", or "<object> missing\n".
    const nl = batch.indexOf(0x0a, offset);
    const header = batch.subarray(offset, nl).toString('utf8').split(' ');
    if (header[1] === 'missing') throw new Error(`git: ${file} does not exist at ${commit}`);
    const size = Number(header[2]);
    out.push(batch.subarray(nl + 1, nl + 1 + size));
    offset = nl + 1 + size + 1;
  }
  return out;
}
