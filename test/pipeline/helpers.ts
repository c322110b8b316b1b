import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Fixture, makeFixture, Manifest } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';

export const PLAN_FIXTURES = path.join(__dirname, 'fixtures', 'terraform-plan');

export function planFixture(name: string): string {
  return path.join(PLAN_FIXTURES, `${name}.tfplan.json`);
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD').trim();
}

/** A manifest fixture in its own git repository, with the given tenants committed. */
export function gitFixture(tenants: Record<string, Manifest | string>): Fixture {
  const fx = makeFixture({ tenants });
  git(fx.root, 'init', '-q');
  fs.writeFileSync(path.join(fx.root, '.gitignore'), '.lz/\nout/\ncdktf.out/\nreports/\n');
  commitAll(fx.root, 'base');
  return fx;
}

/** Global options of `lz` for a fixture. */
export function fixtureArgs(fx: Fixture): string[] {
  return ['--settings', fx.settingsFile, '--tenants', fx.tenantsDir];
}

/** What the fake terraform does for one stack; keys are stack names, `*` the default. */
export interface FakeStep {
  readonly exit?: number;
  readonly stderr?: string;
  /** Sleeps this long first (a hang when longer than the time limit). */
  readonly sleepMs?: number;
}

export interface FakeStack {
  readonly init?: FakeStep;
  readonly plan?: FakeStep;
  readonly apply?: FakeStep;
  /** Plan document `show -json` prints (a path). */
  readonly show?: string;
}

export type FakeScenario = Record<string, FakeStack>;

export interface FakeCall {
  readonly phase: 'start' | 'end';
  readonly pid: number;
  readonly stack: string;
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly at: number;
  readonly exit?: number;
}

export interface FakeTerraform {
  readonly bin: string;
  readonly dir: string;
  /** Environment that points the fake at its scenario and log. */
  readonly env: NodeJS.ProcessEnv;
  calls(): FakeCall[];
}

/**
 * A fake `terraform` (node script) that records every call (argv, cwd, TF_* environment, start
 * and end time) and replays plan documents for `show -json`. `init` simulates a provider
 * download into TF_PLUGIN_CACHE_DIR and fails when two downloads overlap, as a shared cache
 * without serialization would.
 */
export function fakeTerraform(scenario: FakeScenario): FakeTerraform {
  const dir = tempDir('lz-fake-tf-');
  const bin = path.join(dir, 'terraform');
  const log = path.join(dir, 'calls.jsonl');
  const scenarioFile = path.join(dir, 'scenario.json');
  fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
  fs.writeFileSync(
    bin,
    `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const command = args[0];
const stack = path.basename(process.cwd());
const scenario = JSON.parse(fs.readFileSync(process.env.FAKE_TF_SCENARIO, 'utf8'));
const my = scenario[stack] || scenario['*'] || {};
const pick = (k) => Object.fromEntries(Object.entries(process.env).filter(([n]) => n.startsWith('TF_') || n === 'CHECKPOINT_DISABLE' || n === 'LZ_DEPLOYMENT_ENVIRONMENT'));
const record = (phase, extra) => fs.appendFileSync(process.env.FAKE_TF_LOG, JSON.stringify({ phase, pid: process.pid, stack, command, args, cwd: process.cwd(), env: pick(), at: Date.now(), ...extra }) + '\\n');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const finish = (code, out, err) => { if (out) process.stdout.write(out); if (err) process.stderr.write(err); record('end', { exit: code }); process.exit(code); };
record('start');
if (command === 'version') finish(0, JSON.stringify({ terraform_version: '1.9.8', platform: 'linux_amd64' }));
const step = my[command] || {};
if (step.sleepMs) sleep(step.sleepMs);
if (step.exit) finish(step.exit, '', step.stderr || command + ' failed');
if (command === 'init') {
  const cache = process.env.TF_PLUGIN_CACHE_DIR;
  const marker = path.join(cache, 'registry.terraform.io', 'hashicorp', 'aws', 'installed');
  if (!fs.existsSync(marker)) {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    let fd;
    try { fd = fs.openSync(path.join(cache, 'downloading'), 'wx'); } catch { finish(1, '', 'Error: Failed to install provider: text file busy (concurrent download into the plugin cache)'); }
    sleep(300);
    fs.writeFileSync(marker, 'aws');
    fs.closeSync(fd);
    fs.rmSync(path.join(cache, 'downloading'));
  }
  finish(0, 'Terraform has been successfully initialized!\\n');
}
if (command === 'plan') {
  const out = args.find((a) => a.startsWith('-out='));
  if (!out) finish(1, '', 'plan without -out');
  fs.writeFileSync(out.slice(5), stack);
  // -detailed-exitcode: 2 when the plan document it will show has changes
  const changed = my.show && (JSON.parse(fs.readFileSync(my.show, 'utf8')).resource_changes || []).some((r) => !['no-op', 'read'].includes(r.change.actions.join(',')));
  finish(args.includes('-detailed-exitcode') && changed ? 2 : 0, 'Plan: saved\\n');
}
if (command === 'show') {
  const file = args[args.length - 1];
  const planned = fs.readFileSync(file, 'utf8');
  if (!my.show) finish(1, '', 'no plan document for ' + planned);
  finish(0, fs.readFileSync(my.show, 'utf8'));
}
if (command === 'apply') finish(0, 'Apply complete!\\n');
finish(1, '', 'unknown command ' + command);
`,
    { mode: 0o755 },
  );
  return {
    bin,
    dir,
    env: { PATH: process.env.PATH, HOME: dir, FAKE_TF_SCENARIO: scenarioFile, FAKE_TF_LOG: log, AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' },
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCall) : []),
  };
}

/** Start and end of each completed call, by command. */
export function intervals(calls: ReadonlyArray<FakeCall>, command: string): Array<{ stack: string; start: number; end: number; exit?: number }> {
  const starts = calls.filter((c) => c.phase === 'start' && c.command === command);
  return starts.map((s) => {
    const end = calls.find((c) => c.phase === 'end' && c.pid === s.pid);
    return { stack: s.stack, start: s.at, end: end?.at ?? Infinity, exit: end?.exit };
  });
}
