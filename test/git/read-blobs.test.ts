/**
 * Reading many files at one commit: one ls-tree for their blob ids, one cat-file for their
 * bytes, whatever the names (spaces, glob characters, non-ASCII, root-level files) and sizes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readBlobs } from '../../git/git';
import { tempDir } from '../helpers/synth';

const repo = tempDir('lz-blobs-');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
const files: Record<string, Buffer> = {
  'root.yaml': Buffer.from('root: true\n'),
  'tenants/acme.yaml': Buffer.from('id: acme\n'),
  'tenants/with space [x]*.yaml': Buffer.from('id: odd\n'),
  'tenants/nested/deep/ünï.yaml': Buffer.from('id: deep\n'),
  'tenants/big.bin': Buffer.alloc(300_000, 7),
  'tenants/empty.yaml': Buffer.alloc(0),
};
for (const [name, bytes] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
  fs.writeFileSync(path.join(repo, name), bytes);
}
git('init', '-q');
git('add', '-A');
git('commit', '-q', '-m', 'files');
// Changed after the commit: the commit's bytes are read, not the working tree's.
fs.writeFileSync(path.join(repo, 'tenants/acme.yaml'), 'id: changed\n');
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test('every file at the commit, in the order asked, byte for byte', () => {
  const names = Object.keys(files).reverse();
  expect(readBlobs(repo, 'HEAD', names).map((b) => Buffer.from(b))).toEqual(names.map((n) => files[n]));
});

test('a file the commit does not have is named', () => {
  expect(() => readBlobs(repo, 'HEAD', ['tenants/acme.yaml', 'tenants/missing.yaml'])).toThrow('git: tenants/missing.yaml does not exist at HEAD');
  // A folder is not a file.
  expect(() => readBlobs(repo, 'HEAD', ['tenants/nested'])).toThrow('git: tenants/nested does not exist at HEAD');
});
