import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stableStringify } from '../format/stable-json';
import { IDENTITY_VARIABLES } from '../stacks/identity-variables';

/**
 * Running Terraform (or OpenTofu: any binary with the same command line) for one stack at a
 * time: `init`, `plan -out`, `show -json`, `apply <planfile>`, each in the stack's synthesized
 * directory with its own data directory, a shared provider plugin cache and a time limit per
 * stack after which the process group gets SIGINT (Terraform stops gracefully and releases
 * its lock) and, after a grace period, SIGKILL.
 */
export interface TerraformConfig {
  /** Absolute path of the binary. */
  readonly binary: string;
  readonly initArgs: ReadonlyArray<string>;
  readonly planArgs: ReadonlyArray<string>;
  readonly applyArgs: ReadonlyArray<string>;
  /** Time limit of one stack (all its commands together), in ms. */
  readonly timeoutMs: number;
  /** Time between SIGINT and SIGKILL at the time limit, in ms. */
  readonly killGraceMs: number;
  /** Environment of every command (plus the TF_* variables set here). */
  readonly env: NodeJS.ProcessEnv;
  /** Shared provider plugin cache (TF_PLUGIN_CACHE_DIR). */
  readonly pluginCacheDir: string;
  /**
   * How long plan and apply wait for the stack's state lock (`-lock-timeout`), in ms: a
   * pull-request plan and an apply of the same stack take turns instead of failing.
   */
  readonly lockTimeoutMs: number;
  /**
   * The role every identity variable a stack declares is set to (`-var`): the read-only plan
   * role for plans and drift runs. Undefined: the variables' defaults, the roles that apply.
   */
  readonly identityRole?: string;
}

/** The binary for `name` (a path, or a command looked up on PATH), or undefined. */
export function resolveExecutable(name: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const isExecutable = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/') || name.includes(path.sep)) {
    const p = path.resolve(cwd, name);
    return isExecutable(p) ? p : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/**
 * Where AWS credentials would come from, judged from the environment and the shared config
 * files only (no network: an EC2 instance profile is not detected; pass --online there), or
 * undefined when there are none.
 */
export function awsCredentialSource(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID in the environment';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'container credentials';
  const home = env.HOME ?? env.USERPROFILE;
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? (home ? path.join(home, '.aws', 'credentials') : ''), env.AWS_CONFIG_FILE ?? (home ? path.join(home, '.aws', 'config') : '')].filter((f) => f && fs.existsSync(f));
  if (files.length > 0) return `${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE} in ` : ''}${files.join(', ')}`;
  return undefined;
}

export interface CommandResult {
  /** Exit code, or null when killed or not started. */
  readonly code: number | null;
  readonly timedOut: boolean;
  /** The whole standard output (show -json prints the plan document there). */
  readonly stdout: string;
  /** The end of standard error, then of standard output: what a failure report shows. */
  readonly output: string;
  /** Set when the command could not be started. */
  readonly startError?: string;
}

const OUTPUT_TAIL = 16 * 1024;

export interface RunCommandOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  /** Standard output and error are also appended here. */
  readonly logFile?: string;
}

/** Runs a command in its own process group, killing the group at the time limit. */
export function runCommand(file: string, args: ReadonlyArray<string>, opts: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    if (opts.timeoutMs <= 0) {
      resolve({ code: null, timedOut: true, stdout: '', output: '' });
      return;
    }
    const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : undefined;
    if (log !== undefined) fs.writeSync(log, `$ ${[path.basename(file), ...args].join(' ')}\n`);
    const child = spawn(file, [...args], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let graceTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGINT');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs);
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      stdout.push(b);
      if (log !== undefined) fs.writeSync(log, b);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-OUTPUT_TAIL);
      if (log !== undefined) fs.writeSync(log, b);
    });
    const started = Date.now();
    const finish = (r: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      if (log !== undefined) {
        fs.writeSync(log, `\n# ${r.startError ? `could not start: ${r.startError}` : `exit ${r.code ?? 'signal'}${r.timedOut ? ' (time limit)' : ''}`} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        fs.closeSync(log);
      }
      resolve(r);
    };
    child.on('error', (e) => finish({ code: null, timedOut: false, stdout: '', output: stderr, startError: e.message }));
    child.on('close', (code) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const combined = [stderr.trimEnd(), out.length > OUTPUT_TAIL ? '' : out.trimEnd()].filter(Boolean).join('\n');
      finish({ code, timedOut, stdout: out, output: combined.slice(-OUTPUT_TAIL) });
    });
  });
}

/** The provider requirements of a stack: stacks with equal signatures share the cached plugins. */
export function providerSignature(cdkTfJsonFile: string): string {
  const json = JSON.parse(fs.readFileSync(cdkTfJsonFile, 'utf8')) as { terraform?: { required_providers?: unknown } };
  return stableStringify(json.terraform?.required_providers ?? {});
}

/** `-var` arguments that set every identity variable the stack declares to `role` (none without a role). */
export function identityVariableArgs(cdkTfJsonFile: string, role: string | undefined): string[] {
  if (role === undefined) return [];
  const json = JSON.parse(fs.readFileSync(cdkTfJsonFile, 'utf8')) as { variable?: Record<string, unknown> };
  return IDENTITY_VARIABLES.filter((v) => json.variable?.[v] !== undefined).map((v) => `-var=${v}=${role}`);
}

export function lockTimeoutArg(ms: number): string {
  return `-lock-timeout=${Math.ceil(ms / 1000)}s`;
}

export type TerraformStep = 'init' | 'plan' | 'show' | 'apply';

export interface StepOutcome {
  readonly step: TerraformStep;
  readonly ok: boolean;
  readonly result: CommandResult;
  /** plan with `-detailed-exitcode`: exit 2, the plan has changes. */
  readonly changes?: boolean;
}

/**
 * Terraform for one stack: commands run in the stack's synthesized directory; Terraform's data
 * directory, the plan file and the logs go to `runDir`. The time limit covers all of the
 * stack's commands: each gets what is left of it.
 */
export class StackTerraform {
  readonly planFile: string;
  private usedMs = 0;

  constructor(
    private readonly cfg: TerraformConfig,
    readonly stackDir: string,
    readonly runDir: string,
  ) {
    fs.mkdirSync(runDir, { recursive: true });
    fs.mkdirSync(cfg.pluginCacheDir, { recursive: true });
    this.planFile = path.join(runDir, 'plan.tfplan');
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...this.cfg.env,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_DATA_DIR: path.join(this.runDir, '.terraform'),
      TF_PLUGIN_CACHE_DIR: this.cfg.pluginCacheDir,
      // Without it Terraform >= 1.4 ignores the cache for providers missing from a lock file.
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
    };
  }

  init(): Promise<StepOutcome> {
    return this.step('init', ['init', '-input=false', '-no-color', ...this.cfg.initArgs]);
  }

  /** `plan -out`; with `detailedExitcode`, exit 2 (changes present) succeeds too and says so. */
  async plan(opts: { readonly detailedExitcode?: boolean } = {}): Promise<StepOutcome> {
    const args = [
      'plan',
      '-input=false',
      '-no-color',
      `-out=${this.planFile}`,
      lockTimeoutArg(this.cfg.lockTimeoutMs),
      ...identityVariableArgs(path.join(this.stackDir, 'cdk.tf.json'), this.cfg.identityRole),
      ...(opts.detailedExitcode ? ['-detailed-exitcode'] : []),
      ...this.cfg.planArgs,
    ];
    const outcome = await this.step('plan', args);
    if (opts.detailedExitcode && outcome.result.code === 2 && !outcome.result.timedOut) return { ...outcome, ok: true, changes: true };
    return opts.detailedExitcode && outcome.ok ? { ...outcome, changes: false } : outcome;
  }

  show(): Promise<StepOutcome> {
    return this.step('show', ['show', '-json', '-no-color', this.planFile]);
  }

  apply(): Promise<StepOutcome> {
    return this.step('apply', ['apply', '-input=false', '-no-color', lockTimeoutArg(this.cfg.lockTimeoutMs), ...this.cfg.applyArgs, this.planFile]);
  }

  private async step(step: TerraformStep, args: string[]): Promise<StepOutcome> {
    const started = Date.now();
    const result = await runCommand(this.cfg.binary, args, {
      cwd: this.stackDir,
      env: this.env,
      timeoutMs: this.cfg.timeoutMs - this.usedMs,
      killGraceMs: this.cfg.killGraceMs,
      logFile: path.join(this.runDir, `${step}.log`),
    });
    this.usedMs += Date.now() - started;
    return { step, ok: result.code === 0 && !result.timedOut, result };
  }
}

/** `terraform version -json` → "Terraform 1.9.8" (or the binary name when it says nothing usable). */
export async function terraformVersion(cfg: TerraformConfig, cwd: string): Promise<string | undefined> {
  const r = await runCommand(cfg.binary, ['version', '-json'], { cwd, env: cfg.env, timeoutMs: 30_000, killGraceMs: 1_000 });
  if (r.code !== 0) return undefined;
  try {
    const v = JSON.parse(r.stdout) as { terraform_version?: string };
    return v.terraform_version ? `${path.basename(cfg.binary)} ${v.terraform_version}` : undefined;
  } catch {
    return undefined;
  }
}
