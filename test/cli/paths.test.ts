import * as fs from 'fs';
import * as path from 'path';
import { lz } from '../helpers/cli';
import { l1 } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';
import { fixtureArgs, gitFixture } from '../pipeline/helpers';

/**
 * Bad paths never end in a stack trace. Every command `lz --help` lists is run with every path
 * option it has (and the global --settings and --tenants) set to a path that is missing, of the
 * wrong kind, under a file, a loop of symbolic links or unreadable; each run must end with exit
 * 1 or 2 and a message that names the path, never "internal error" (exit 3) or a stack trace.
 * The table of path options is checked against each command's --help, so a new command or
 * path option cannot escape the test.
 */
type Kind = 'in-file' | 'in-json' | 'in-folder' | 'out-file' | 'out-folder' | 'executable';

interface CommandPaths {
  /** Arguments the command needs to get as far as using its paths. */
  readonly args?: ReadonlyArray<string>;
  readonly options: Readonly<Record<string, Kind>>;
  readonly positional?: Kind;
  /** The command reads the settings and manifests (the global --settings and --tenants). @default true */
  readonly landingZone?: boolean;
}

const GLOBAL: Readonly<Record<string, Kind>> = { '--settings': 'in-file', '--tenants': 'in-folder', '--cache-dir': 'out-folder' };
const PIPELINE = { '--terraform-bin': 'executable', '--plugin-cache': 'out-folder', '--work-dir': 'out-folder', '--report-json': 'out-file', '--report-md': 'out-file' } as const;

const fx = gitFixture({ 'acme.yaml': l1('acme') });
const work = tempDir('lz-paths-');
afterAll(() => {
  fx.cleanup();
  for (const p of ['unreadable-file', 'unreadable-dir', 'read-only-dir'].map((n) => path.join(work, n))) if (fs.existsSync(p)) fs.chmodSync(p, 0o700);
  fs.rmSync(work, { recursive: true, force: true });
});

const COMMANDS: Readonly<Record<string, CommandPaths>> = {
  validate: { options: {} },
  synth: { options: { '--out': 'out-folder' } },
  list: { options: {} },
  'new-tenant': { args: ['--id', 'newbie', '--name', 'Newbie', '--tier', 'L1', '--owner-name', 'Ann', '--owner-email', 'ann@newbie.example', '--dry-run'], options: {} },
  run: { options: { '--out': 'out-folder', '--work-dir': 'out-folder', '--audit-out': 'out-folder' } },
  affected: { options: { '--github-output': 'out-file', '--work-dir': 'out-folder', '--markers-dir': 'out-folder' } },
  // --online: a binary that is not there is an error, not a reason to plan offline (as in CI).
  plan: { args: ['--online'], options: PIPELINE },
  apply: { options: { '--after': 'in-json', '--markers-dir': 'out-folder', ...PIPELINE } },
  drift: { options: PIPELINE },
  // Every path is checked before AWS is asked for anything.
  migrate: { options: { '--after': 'in-json', '--evidence-out': 'out-file', '--evidence-dir': 'out-folder' } },
  // report merges job reports: it reads neither the settings nor the manifests.
  report: { landingZone: false, args: [path.join(work, 'plan.json')], options: { '--expect': 'in-json', '--out': 'out-file' }, positional: 'in-json' },
  audit: { options: { '--state-dir': 'in-folder', '--out': 'out-folder' } },
  codeowners: { options: { '--file': 'out-file' } },
  'byok-policy': { args: ['--tenant', 'acme'], options: {} },
  'tf-validate': { options: { '--synth-dir': 'in-folder', '--work-dir': 'out-folder', '--terraform-bin': 'executable' } },
  // Cost Explorer is never reached: the paths are checked first.
  'cost-report': { options: { '--out': 'out-folder' } },
};

/** The bad paths, by what the option expects; cases the file system does not enforce (as root) are left out. */
function badPaths(kind: Kind): Array<[string, string]> {
  const f = (n: string) => path.join(work, n);
  const enforced = (p: string, mode: number) => {
    try {
      fs.accessSync(p, mode);
      return false;
    } catch {
      return true;
    }
  };
  const unreadable: Array<[string, string]> = enforced(f('unreadable-file'), fs.constants.R_OK) ? [['unreadable', f('unreadable-file')]] : [];
  const unlistable: Array<[string, string]> = enforced(f('unreadable-dir'), fs.constants.R_OK) ? [['unreadable', f('unreadable-dir')]] : [];
  const unwritable: Array<[string, string]> = enforced(f('read-only-dir'), fs.constants.W_OK) ? [['in a folder without write permission', f('read-only-dir/out')]] : [];
  const common: Array<[string, string]> = [
    ['under a file', f('a-file/below')],
    ['a loop of symbolic links', f('loop')],
  ];
  switch (kind) {
    case 'in-file':
      return [['missing', f('missing/thing')], ['a folder', f('a-dir')], ...common, ...unreadable];
    case 'in-json':
      return [['missing', f('missing/thing.json')], ['a folder', f('a-dir')], ['not JSON', f('a-file')], ['JSON of another kind', f('other.json')], ...common, ...unreadable];
    case 'in-folder':
      return [['missing', f('missing/dir')], ['a file', f('a-file')], ...common, ...unlistable];
    case 'out-file':
      return [['a folder', f('a-dir')], ...common, ...unwritable];
    case 'out-folder':
      return [['a file', f('a-file')], ...common, ...unwritable];
    case 'executable':
      return [['missing', f('missing/terraform')], ['a folder', f('a-dir')], ['not executable', f('a-file')], ...common];
  }
}

const env = { PATH: process.env.PATH, HOME: work };

// The bad paths exist before the cases are listed: which permission cases apply depends on them.
fs.mkdirSync(path.join(work, 'a-dir'));
fs.writeFileSync(path.join(work, 'a-file'), 'not JSON, not a folder\n');
fs.writeFileSync(path.join(work, 'other.json'), '{"hello": "world"}\n');
fs.writeFileSync(path.join(work, 'unreadable-file'), '{}');
fs.chmodSync(path.join(work, 'unreadable-file'), 0o000);
fs.mkdirSync(path.join(work, 'unreadable-dir'));
fs.chmodSync(path.join(work, 'unreadable-dir'), 0o000);
fs.mkdirSync(path.join(work, 'read-only-dir'));
fs.chmodSync(path.join(work, 'read-only-dir'), 0o500);
fs.symlinkSync(path.join(work, 'loop'), path.join(work, 'loop'));

beforeAll(async () => {
  const plan = await lz([...fixtureArgs(fx), 'plan', '--offline', '--report-json', path.join(work, 'plan.json'), '--work-dir', path.join(work, 'pipeline')], fx.root, env);
  if (plan.code !== 0) throw new Error(`could not make a plan report: ${plan.stderr}`);
});

function cases(): Array<[string, string[], string]> {
  const out: Array<[string, string[], string]> = [];
  for (const [command, spec] of Object.entries(COMMANDS)) {
    for (const [flag, kind] of Object.entries(spec.landingZone === false ? {} : GLOBAL)) {
      for (const [what, bad] of badPaths(kind)) {
        const others = fixtureArgs(fx).filter((_, i, a) => a[i] !== flag && a[i - 1] !== flag);
        out.push([`${command}: ${flag} ${what}`, [...others, flag, bad, command, ...(spec.args ?? [])], bad]);
      }
    }
    for (const [flag, kind] of Object.entries(spec.options)) {
      for (const [what, bad] of badPaths(kind)) out.push([`${command} ${flag} ${what}`, [...fixtureArgs(fx), command, ...(spec.args ?? []), flag, bad], bad]);
    }
    if (spec.positional) for (const [what, bad] of badPaths(spec.positional)) out.push([`${command} <${spec.positional}> ${what}`, [...fixtureArgs(fx), command, bad], bad]);
  }
  return out;
}

describe('every command, every path option, every kind of bad path', () => {
  test('the table covers every command of lz --help and every path option of its --help', async () => {
    const help = (await lz(['--help'], fx.root)).stdout;
    const commands = help
      .slice(help.indexOf('Commands:'))
      .split('\n')
      .slice(1)
      .map((l) => /^ {2}([a-z-]+)/.exec(l)?.[1])
      .filter((c): c is string => c !== undefined && c !== 'help');
    expect(commands.sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(help.match(/--[a-z-]+ <(file|dir|path|report)>/g)!.map((o) => o.split(' ')[0]).sort()).toEqual(Object.keys(GLOBAL).sort());
    for (const command of commands) {
      const text = (await lz([command, '--help'], fx.root)).stdout;
      const options = (text.match(/--[a-z-]+ <(file|dir|path|report)>/g) ?? []).map((o) => o.split(' ')[0]);
      expect([command, options.sort()]).toEqual([command, Object.keys(COMMANDS[command].options).sort()]);
      expect([command, /\[reports\.\.\.\]/.test(text)]).toEqual([command, COMMANDS[command].positional !== undefined]);
    }
  });

  test.each(cases())('%s: a one-line error naming the path, exit 1 or 2, no stack trace', async (_name, args, bad) => {
    const r = await lz(args, fx.root, env);
    const output = `${r.stdout}${r.stderr}`;
    expect(output).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
    expect([1, 2]).toContain(r.code);
    const shown = [bad, path.relative(fx.root, bad)];
    expect(output.split('\n').some((line) => shown.some((p) => line.includes(p)))).toBe(true);
  });

  test('report --out into a folder that does not exist yet creates it', async () => {
    const out = path.join(work, 'new', 'folder', 'summary.md');
    const r = await lz([...fixtureArgs(fx), 'report', path.join(work, 'plan.json'), '--out', out], fx.root, env);
    expect([r.code, fs.existsSync(out)]).toEqual([0, true]);
  });
});
