import * as fs from 'fs';
import * as path from 'path';
import { lz } from '../helpers/cli';
import { l1, l2, makeFixture } from '../helpers/fixture';
import { writeTenantSet } from '../../bench/tenant-set';
import { commitAll, fixtureArgs, gitFixture } from './helpers';

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

  test('at scale it prints counts, not a line per tenant or stack, when nothing changed; --verbose lists every tenant and stack', async () => {
    const fx = gitFixture({});
    try {
      const ids = writeTenantSet(fx.tenantsDir, 40);
      commitAll(fx.root, '40 tenants');
      const r = await lz([...fixtureArgs(fx), 'run', '--out', 'out'], fx.root, { PATH: process.env.PATH });
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(200);
      expect(lines.length).toBeLessThanOrEqual(40);
      expect(r.stdout).toMatch(/Tenants: 40\n {2}TIER +ACTIVE +SUSPENDED +OFFBOARDING +TOTAL\n {2}L1 pooled +\d+ +\d+ +0 +28\n {2}L2 dedicated data +8 +0 +0 +8\n {2}L3 dedicated stack +4 +0 +0 +4\n/);
      expect(r.stdout).toMatch(/\n {2}account +12 +\d+ +management \(12\)\n/);
      expect(r.stdout).toMatch(/\n {2}tenant +40 +\d+ +platform \(28\), tenant \(12\)\n/);
      for (const id of ids) expect(r.stdout).not.toContain(id);

      const verbose = await lz([...fixtureArgs(fx), 'synth', '--out', 'out', '--verbose'], fx.root);
      for (const id of ids) expect(verbose.stdout).toContain(`tenant-${id} `);
      const brief = await lz([...fixtureArgs(fx), 'synth', '--out', 'out'], fx.root);
      expect(brief.stdout.split('\n').filter((l) => /^ {2}(bootstrap|organization|platform|account|tenant) /.test(l))).toHaveLength(5);
      const all = await lz([...fixtureArgs(fx), 'run', '--out', 'out', '--verbose'], fx.root, { PATH: process.env.PATH });
      for (const id of ids) expect(all.stdout).toContain(`tenant-${id} `);
      expect(all.stdout).toMatch(new RegExp(`L1 pooled \\(28\\): ${ids[0]}, `));
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
