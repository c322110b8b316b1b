import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyRepository, gitIn } from '../helpers/repository';

/**
 * An interrupted `lz affected` (or plan: both synthesize the base revision in a temporary git
 * worktree) leaves no registered worktree: a real child process is killed mid-synthesis with
 * SIGINT and SIGTERM and cleans up; after SIGKILL, which cannot be caught, the next run removes
 * what was left.
 */
describe('interrupting lz affected mid-synthesis', () => {
  const root = copyRepository({ tenants: 'fixture' });
  // A code change in the working tree: the base revision is then synthesized by its own code in a
  // worktree (with the same code at both revisions only the differing stacks are synthesized, with no worktree).
  fs.appendFileSync(path.join(root, 'modules', 'secure-bucket.ts'), '\n// changed code: the base is synthesized by its own code\n');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const env = { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(root, 'tsconfig.json'), LZ_BASE_REF: 'HEAD' };
  const args = ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'lz.ts'), 'affected', '--format', 'json'];
  const worktrees = () => gitIn(root, 'worktree', 'list', '--porcelain').split('\n\n').filter((e) => e.trim() !== '').map((e) => /^worktree (.+)$/m.exec(e)![1]);

  /** Starts lz affected and resolves once its base worktree is registered. */
  async function startAndWaitForWorktree(): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; tree: string }> {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const extra = worktrees().slice(1);
      if (extra.length > 0) return { child, exited, tree: extra[0] };
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error('lz affected registered no worktree within 90 s');
  }

  test.each([['SIGINT'], ['SIGTERM']] as const)('%s: the process removes its worktree and dies of the signal', async (signal) => {
    const { child, exited, tree } = await startAndWaitForWorktree();
    child.kill(signal);
    expect(await exited).toEqual({ code: null, signal });
    expect(worktrees()).toHaveLength(1);
    expect(fs.existsSync(tree)).toBe(false);
  });

  test('SIGKILL leaves the worktree; the next run removes it and leaves none of its own', async () => {
    const { child, exited, tree } = await startAndWaitForWorktree();
    child.kill('SIGKILL');
    await exited;
    expect(worktrees()).toContain(tree);
    const next = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    expect([next.status, next.stderr]).toEqual([0, expect.stringMatching(/compared \d+ stacks with HEAD/)]);
    expect(worktrees()).toHaveLength(1);
    expect(fs.existsSync(tree)).toBe(false);
  });
});
