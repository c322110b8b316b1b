import { lz } from '../helpers/cli';
import { l1, l2 } from '../helpers/fixture';
import { fixtureArgs, gitFixture } from '../pipeline/helpers';

/**
 * One definition of the base revision of a change (git/git.ts baseRevision): --base, else
 * $LZ_BASE_REF, else HEAD, an empty value counting as not given; a revision the user names that
 * does not exist is a usage error (exit 2) for every command.
 */
describe('the base revision', () => {
  const fx = gitFixture({ 'acme.yaml': l2('acme') });
  afterAll(() => fx.cleanup());
  const env = { PATH: process.env.PATH };

  test.each([['validate'], ['list'], ['synth', '--out', 'out'], ['affected'], ['plan', '--offline'], ['audit', '--out', 'audit'], ['run', '--out', 'out'], ['codeowners', '--check']])('%s: a --base that does not exist is a usage error (exit 2)', async (...command) => {
    const r = await lz([...fixtureArgs(fx), '--base', 'no-such-ref', ...command], fx.root, env);
    expect([r.code, r.stdout, r.stderr.trim()]).toEqual([2, '', expect.stringMatching(/^✗ --base no-such-ref: no such git revision in .* \(a branch, tag or commit is valid; in CI fetch the history/)]);
  });

  test('$LZ_BASE_REF naming a revision that does not exist: the same, naming the variable', async () => {
    const r = await lz([...fixtureArgs(fx), 'validate'], fx.root, { ...env, LZ_BASE_REF: 'gone' });
    expect([r.code, r.stderr.trim()]).toEqual([2, expect.stringMatching(/^✗ \$LZ_BASE_REF gone: no such git revision/)]);
  });

  test('an empty $LZ_BASE_REF means HEAD, for validate, affected and run alike', async () => {
    fx.write('acme.yaml', l1('acme'));
    try {
      const validate = await lz([...fixtureArgs(fx), 'validate'], fx.root, { ...env, LZ_BASE_REF: '' });
      expect([validate.code, validate.stdout + validate.stderr]).toEqual([1, expect.stringMatching(/tier moves down from L2 \(at HEAD\) to L1/)]);
      fx.write('beta.yaml', l1('beta'));
      fx.write('acme.yaml', l2('acme'));
      const affected = await lz([...fixtureArgs(fx), 'affected', '--format', 'json'], fx.root, { ...env, LZ_BASE_REF: '' });
      expect([affected.code, JSON.parse(affected.stdout).base.ref]).toEqual([0, 'HEAD']);
      const run = await lz([...fixtureArgs(fx), 'run', '--out', 'out'], fx.root, { ...env, LZ_BASE_REF: '' });
      expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/Offline plan of the working tree against HEAD /)]);
    } finally {
      fx.write('acme.yaml', l2('acme'));
      fx.remove('beta.yaml');
    }
  });
});
