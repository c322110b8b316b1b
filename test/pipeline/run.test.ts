import * as fs from 'fs';
import * as path from 'path';
import { lz } from '../helpers/cli';
import { l1, l2, makeFixture } from '../helpers/fixture';
import { fixtureArgs, gitFixture } from './helpers';

describe('the main job: offline plan against the last commit, then the audit of the desired state', () => {
  test('a clean checkout: nothing to change, exit 0; a new tenant in the working tree: its stacks, all creates', async () => {
    const fx = gitFixture({ 'acme.yaml': l1('acme') });
    try {
      const clean = await lz([...fixtureArgs(fx), 'run', '--out', 'out'], fx.root, { PATH: process.env.PATH });
      expect(clean.code).toBe(0);
      expect(clean.stdout).toMatch(/\nOffline plan of the working tree against HEAD \(desired state; no Terraform, no credentials\)\nPlan: offline \(desired-state diff\) \(the main job plans offline\); base HEAD \([0-9a-f]{12}\)/);
      expect(clean.stdout).toMatch(/ 0 stacks: 0 to delete, 0 to replace, 0 to update, 0 to create, 0 to import, 0 to forget; 0 guard violations/);
      expect(clean.stdout).toMatch(/✓ plan passed\n/);
      // ...and ends with the audit of the desired state.
      expect(clean.stdout.trimEnd().split('\n').pop()).toMatch(/^Audit of 1 tenants \(desired state: the synthesized configuration\): \d+ pass, 0 fail, 0 could not be evaluated, \d+ not applicable; 0 tenants with findings$/);
      expect(fs.readdirSync(path.join(fx.root, 'audit-report')).sort()).toEqual(['audit.html', 'audit.json', 'audit.junit.xml', 'audit.md', 'audit.sarif']);

      fx.write('beta.yaml', l2('beta'));
      const added = await lz([...fixtureArgs(fx), 'run', '--out', 'out'], fx.root, { PATH: process.env.PATH });
      expect(added.code).toBe(0);
      const stacks = added.stdout.slice(added.stdout.indexOf('\nStacks that change or fail\n'));
      // The account and the two support assignments of the default support policy.
      expect(stacks).toMatch(/account-beta\s+added\s+planned\s+3\s+0\s+0\s+0\s+0/);
      expect(stacks).toMatch(/tenant-beta\s+added\s+planned\s+[1-9]\d*\s+0\s+0\s+0/);
      expect(fs.existsSync(path.join(fx.root, 'out', 'stacks', 'tenant-beta', 'cdk.tf.json'))).toBe(true);
    } finally {
      fx.cleanup();
    }
  });

  test('outside a git checkout the plan is skipped and the job still succeeds', async () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme') } });
    try {
      const r = await lz([...fixtureArgs(fx), '--no-history', 'run', '--out', 'out'], fx.root, { PATH: process.env.PATH });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ {2}skipped: .* is not inside a git repository/);
    } finally {
      fx.cleanup();
    }
  });
});
