import * as fs from 'fs';
import * as path from 'path';
import { CommandResult, resolveExecutable, runCommand } from '../terraform';
import { cliConfigText, compareVersions, discoverProviderMirror, mirrorVersions, ProviderMirror, satisfiesConstraint, terraformPlatform } from './mirror';

/**
 * Terraform and its providers for runs that need no credentials and no network (tf-validate,
 * plan --local): the binary, its version, the provider mirror, and the environment of every
 * Terraform process lz starts (its own CLI configuration, no checkpoint calls, no prompts).
 */
export interface LocalToolchain {
  readonly binary: string;
  /** e.g. `1.11.4`. */
  readonly terraformVersion: string;
  readonly mirror: ProviderMirror;
  /** Environment of every Terraform child process. */
  readonly env: NodeJS.ProcessEnv;
}

export type ToolchainResolution = { readonly toolchain: LocalToolchain } | { readonly missing: string };

export interface ToolchainOptions {
  /** Binary name or path (default terraform). */
  readonly binary: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where the CLI configuration and the plugin cache are written. */
  readonly workDir: string;
}

export async function resolveLocalToolchain(o: ToolchainOptions): Promise<ToolchainResolution> {
  const binary = resolveExecutable(o.binary, o.env, o.cwd);
  if (!binary) return { missing: `no Terraform binary: "${o.binary}" is ${o.binary.includes('/') ? 'not an executable file' : 'not on PATH'} (install Terraform 1.11 or set --terraform-bin or LZ_TERRAFORM_BIN)` };
  const discovery = await discoverProviderMirror(o.env);
  if ('missing' in discovery) return { missing: discovery.missing };
  fs.mkdirSync(o.workDir, { recursive: true });
  const cliConfig = path.join(o.workDir, 'terraform.tfrc');
  fs.writeFileSync(cliConfig, cliConfigText(discovery.mirror));
  const pluginCache = path.join(o.workDir, 'plugin-cache');
  fs.mkdirSync(pluginCache, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...o.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_PLUGIN_CACHE_DIR: pluginCache,
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
  };
  for (const k of ['TF_DATA_DIR', 'TF_WORKSPACE', 'TF_CLI_ARGS', 'TF_CLI_ARGS_init', 'TF_CLI_ARGS_plan', 'TF_CLI_ARGS_validate', 'TF_CLI_ARGS_show']) delete env[k];
  const r = await runCommand(binary, ['version', '-json'], { cwd: o.workDir, env, timeoutMs: 60_000, killGraceMs: 1_000 });
  let version: string | undefined;
  try {
    version = (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = undefined;
  }
  if (r.code !== 0 || !version) return { missing: `${binary} version -json did not print a Terraform version (${r.startError ?? r.output.split('\n')[0] ?? `exit ${r.code}`}); lz needs Terraform 1.5 or later` };
  return { toolchain: { binary, terraformVersion: version, mirror: discovery.mirror, env } };
}

/** Runs Terraform commands of the toolchain in `dir`, each with a time limit, output appended to `dir`/terraform.log. */
export function terraformIn(toolchain: LocalToolchain, dir: string, timeoutMs = 30 * 60_000): (args: string[]) => Promise<CommandResult> {
  return (args) => runCommand(toolchain.binary, args, { cwd: dir, env: toolchain.env, timeoutMs, killGraceMs: 5_000, logFile: path.join(dir, 'terraform.log') });
}

/** The version lz uses for one provider, and whether it differs from what the stacks require. */
export interface ProviderChoice {
  /** e.g. `registry.terraform.io/hashicorp/aws`. */
  readonly source: string;
  /** The constraints of the stacks, e.g. `6.25.0`. */
  readonly required: ReadonlyArray<string>;
  readonly version: string;
  /** True when no mirrored version meets every constraint, so the work copy asks for `version` instead. */
  readonly relaxed: boolean;
}

export class MissingProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingProviderError';
  }
}

/**
 * For each provider the stacks need: the newest mirrored version that meets all their
 * constraints, else the newest mirrored version at all (the constraint is then relaxed in the
 * work copy only, and reports say so). No mirrored version: MissingProviderError.
 */
export function chooseProviderVersions(mirror: ProviderMirror, required: ReadonlyMap<string, ReadonlySet<string>>): Map<string, ProviderChoice> {
  const out = new Map<string, ProviderChoice>();
  for (const [source, constraints] of [...required].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const available = mirrorVersions(mirror, source);
    if (available.length === 0) throw new MissingProviderError(`the provider mirror (${mirror.from}) holds no ${source} for ${terraformPlatform()}`);
    const list = [...constraints].sort();
    const fit = available.find((v) => list.every((c) => satisfiesConstraint(v, c)));
    out.set(source, { source, required: list, version: fit ?? available.sort(compareVersions).reverse()[0], relaxed: fit === undefined });
  }
  return out;
}

/** `hashicorp/aws 5.100.0` (and what the stacks require when it differs). */
export function describeProviders(choices: Iterable<ProviderChoice>): string {
  return [...choices].map((c) => `${shortSource(c.source)} ${c.version}${c.relaxed ? ` (the stacks require ${c.required.join(', ')}; not in the mirror)` : ''}`).join(', ');
}

export function shortSource(source: string): string {
  return source.replace(/^registry\.terraform\.io\//, '');
}

/** A provider source as Terraform normalizes it: `aws` → `registry.terraform.io/hashicorp/aws`. */
export function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join('/')}`;
  return parts.join('/');
}
