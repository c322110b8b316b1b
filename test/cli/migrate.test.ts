import * as fs from 'fs';
import * as path from 'path';
import { lz } from '../helpers/cli';
import { l1, l2, makeFixture } from '../helpers/fixture';

/** `lz migrate` refuses what it cannot do before it touches AWS; the moves themselves are tested against local servers (test/migration). */
describe('lz migrate: arguments', () => {
  const fx = makeFixture({ tenants: { 'acme.yaml': l2('acme', { migration: { from: 'L1' } }), 'hooli.yaml': l1('hooli') } });
  afterAll(() => fx.cleanup());
  const run = (...args: string[]) => lz(['migrate', '--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history', ...args], fx.root, {});

  test.each([
    [['--cleanup', '--abort', '--reason', 'because of an incident'], 2, /--cleanup and --abort are different steps/],
    [['--abort'], 2, /--abort needs --reason/],
    [['--abort', '--reason', 'short'], 2, /--abort needs --reason/],
    [['--bulk-users', '--cleanup'], 2, /--bulk-users belongs to a move/],
    [['--tenant', 'nobody'], 1, /unknown tenant: nobody \(known: acme, hooli\)/],
    [['--format', 'yaml'], 2, /--format is text or json/],
  ])('%j', async (args, code, message) => {
    const r = await run(...(args as string[]));
    expect([r.code, r.stderr]).toEqual([code, expect.stringMatching(message as RegExp)]);
  });

  test('--after must be an apply report', async () => {
    const file = path.join(fx.root, 'plan.json');
    fs.writeFileSync(file, JSON.stringify({ formatVersion: 1, command: 'plan', mode: 'offline', base: { ref: 'main', commit: 'a'.repeat(40) }, head: { dirty: false }, stacks: [] }));
    expect(await run('--after', file)).toMatchObject({ code: 1, stderr: expect.stringMatching(/--after .*plan\.json: an lz plan report, not an lz apply report/) });
    // A damaged report is named with the field that is wrong.
    fs.writeFileSync(file, JSON.stringify({ formatVersion: 1, command: 'apply', stacks: [] }));
    expect(await run('--after', file)).toMatchObject({ code: 1, stderr: expect.stringMatching(/plan\.json: at \$\.mode: expected one of/) });
    expect(await run('--after', path.join(fx.root, 'missing.json'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not exist/) });
  });

  test('a tenant without a move, or nothing acknowledged for cleanup: nothing to do, no AWS call', async () => {
    expect(await run('--tenant', 'hooli')).toMatchObject({ code: 0, stdout: 'No tier moves to work on.\n' });
    expect(await run('--cleanup')).toMatchObject({ code: 0, stdout: 'No tier moves to work on.\n' });
  });
});
