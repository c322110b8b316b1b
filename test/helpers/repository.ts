import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURE_TENANTS, REPO_ROOT } from './fixture';
import { tempDir } from './synth';

const GIT_CONFIG = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...GIT_CONFIG, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A copy of this repository as a user would clone it: every file git tracks or would track
 * (working-tree contents, so uncommitted changes count; nothing ignored), `node_modules`
 * symlinked, committed in a fresh repository. With `tenants: 'fixture'` its tenants/ is the
 * tests' own set instead of the live one.
 */
export function copyRepository(opts: { readonly tenants?: 'live' | 'fixture' } = {}): string {
  const root = tempDir('lz-repo-copy-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(REPO_ROOT, f)) && fs.statSync(path.join(REPO_ROOT, f)).isFile());
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, f), path.join(root, f));
  }
  if (opts.tenants === 'fixture') {
    for (const f of fs.readdirSync(path.join(root, 'tenants')).filter((f) => f.endsWith('.yaml'))) fs.rmSync(path.join(root, 'tenants', f));
    for (const f of fs.readdirSync(FIXTURE_TENANTS)) {
      const text = fs.readFileSync(path.join(FIXTURE_TENANTS, f), 'utf8').replace(/^# yaml-language-server: \$schema=\S+/, '# yaml-language-server: $schema=./tenant.schema.json');
      fs.writeFileSync(path.join(root, 'tenants', f), text);
    }
  }
  gitIn(root, 'init', '-q');
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'copy of the repository');
  // The symlink is not a directory, so .gitignore's `node_modules/` does not cover it.
  fs.appendFileSync(path.join(root, '.git', 'info', 'exclude'), '/node_modules\n');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}
