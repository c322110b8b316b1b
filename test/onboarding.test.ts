import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lz } from './helpers/cli';
import { copyRepository } from './helpers/repository';

/**
 * Onboarding never turns CI red: on a copy of this repository, one tenant of each tier is added
 * with `lz new-tenant`, the steps it prints are followed, and the general test of the live
 * tenants (test/live-tenants.test.ts, which includes the CODEOWNERS check) passes there.
 */
describe('onboarding a tenant of each tier with lz new-tenant', () => {
  let root: string;
  beforeAll(() => {
    root = copyRepository();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the copy passes the general test of tenants/ once the printed steps are done', async () => {
    const existing = fs.readdirSync(path.join(root, 'tenants')).filter((f) => f.endsWith('.yaml'));
    const before = existing.length;
    // Ids no tenant of the live set has, whatever it holds.
    let n = 0;
    while (existing.some((f) => f.startsWith(`onb${n}-`))) n++;
    const id = (tier: string) => `onb${n}-${tier}`;
    const owner = ['--owner-name', 'Ana Silva', '--owner-email', 'ana@onboarded.example'];
    const added = [
      await lz(['new-tenant', '--id', id('pooled'), '--name', 'Pooled Newcomer', '--tier', 'L1', ...owner], root),
      await lz(['new-tenant', '--id', id('data'), '--name', 'Dedicated Newcomer', '--tier', 'L2', ...owner, '--account-email', `aws+${id('data')}@onboarded.example`, '--region', 'eu-central-1'], root),
      await lz(['new-tenant', '--id', id('stack'), '--name', 'Stack Newcomer', '--tier', 'L3', ...owner, '--account-email', `aws+${id('stack')}@onboarded.example`, '--approver', `@${id('stack')}/cab`], root),
    ];
    expect(added.map((r) => [r.code, r.stderr.split('\n').filter((l) => / error /.test(l))])).toEqual([[0, []], [0, []], [0, []]]);
    expect(fs.readdirSync(path.join(root, 'tenants')).filter((f) => f.endsWith('.yaml'))).toHaveLength(before + 3);

    // The L3 tenant's steps name the CODEOWNERS update; until it is done the check CI runs fails.
    expect(added[2].stdout).toContain('run `npm run lz -- codeowners`');
    expect((await lz(['codeowners', '--check'], root)).code).toBe(1);
    expect((await lz(['codeowners'], root)).code).toBe(0);

    const jest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--runTestsByPath', 'test/live-tenants.test.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect([jest.status, jest.stderr]).toEqual([0, expect.stringMatching(/Tests:\s+\d+ passed, \d+ total/)]);
  });
});
