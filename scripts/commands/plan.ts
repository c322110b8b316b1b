import * as path from 'path';
import { Command } from 'commander';
import { guardContext } from '../../pipeline/guards';
import { LOCAL_TOOLCHAIN_DIR, localToolchainFor, SCHEMA_CACHE_VARIABLE } from '../../pipeline/local/selection';
import { PlanMode, runPlan } from '../../pipeline/plan';
import { awsCredentialSource, terraformVersion } from '../../pipeline/terraform';
import { CliError, EXIT_USAGE, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import {
  addReportOptions,
  addSelectionOptions,
  addTerraformOptions,
  addWorkOptions,
  checkPipelinePaths,
  emitReport,
  loadStacksOf,
  loadSyntheses,
  parseDuration,
  parseParallelism,
  ReportOutputOptions,
  resolveTerraform,
  selectStacks,
  SelectionOptions,
  TerraformCliOptions,
  WorkOptions,
} from '../pipeline-options';

/**
 * `lz plan`: per stack `terraform init`, `plan -out` and `show -json` as the read-only plan role
 * (every identity variable of the stack set to it), judged by the guards; with --local, real
 * Terraform and the provider from a local mirror with no credentials and no network, against a
 * state derived from the base revision; offline (a diff of the desired state between base and
 * head) when there is no Terraform binary or no AWS credentials, or with --offline. Exit 1 when a
 * guard is violated or a stack fails; 2 when --local finds no Terraform or provider mirror.
 */
export interface PlanCommandOptions extends WorkOptions, SelectionOptions, TerraformCliOptions, ReportOutputOptions {
  readonly offline?: boolean;
  readonly online?: boolean;
  readonly local?: boolean;
  readonly planRole?: string;
}

export function registerPlan(program: Command, io: CliIO): void {
  const cmd = program.command('plan');
  addSelectionOptions(cmd);
  cmd
    .option('--offline', 'plan offline (desired-state diff) even when Terraform and credentials are there')
    .option('--online', 'plan with Terraform only: fail instead of planning offline when there is no binary')
    .option('--local', 'plan with Terraform and the provider from a local mirror ($LZ_PROVIDER_MIRROR or TF_CLI_CONFIG_FILE), no credentials, no network, against a state derived from the base revision')
    .option('--plan-role <name>', "role the providers assume in each account (every identity variable, -var); default: the settings' roles.plan, the read-only plan role");
  addTerraformOptions(cmd, false);
  addWorkOptions(cmd);
  addReportOptions(cmd);
  cmd.action(async (opts: PlanCommandOptions, c: Command) => {
    if (opts.offline && opts.online) throw new UsageError('--offline and --online exclude each other');
    if (opts.local && (opts.offline || opts.online)) throw new UsageError(`--local excludes ${opts.offline ? '--offline' : '--online'}: it plans with Terraform offline, against a state derived from the base revision`);
    const parallelism = parseParallelism(opts.parallelism);
    checkPipelinePaths(opts, io);
    const lzOpts = landingZoneOptions(c, io);
    const lz = loadValidLandingZone(lzOpts, io);
    const mode = await planMode(opts, io, opts.planRole ?? lz.settings.roles.plan);
    let syntheses = await loadSyntheses(lz, lzOpts, baseRefOf(c, io), opts, io, undefined, opts.stack);
    const selection = selectStacks(syntheses, opts);
    // A local plan derives the remote state a stack reads from the stacks it depends on.
    if (mode.kind === 'terraform-local') syntheses = await loadStacksOf(syntheses, [...new Set(selection.stacks.flatMap((s) => s.spec.dependsOn))], lz, lzOpts, baseRefOf(c, io), opts, io);
    const how = mode.kind === 'offline' ? `offline (${mode.reason})` : mode.kind === 'terraform-local' ? `with local Terraform ${mode.local.toolchain.terraformVersion} (provider mirror from ${mode.local.toolchain.mirror.from})` : `with ${mode.version ?? mode.config.binary}, ${parallelism} at a time`;
    io.err(`planning ${selection.stacks.length} stack${selection.stacks.length === 1 ? '' : 's'} ${how}`);
    const report = await runPlan({ syntheses, ctx: guardContext(lz), settings: lz.settings, selection: selection.stacks, mode, parallelism, progress: (l) => io.err(`  ${l}`) });
    emitReport(report, opts, io);
  });
}

async function planMode(opts: PlanCommandOptions, io: CliIO, identityRole: string): Promise<PlanMode> {
  const tf = resolveTerraform(opts, opts, io);
  if (opts.offline) return { kind: 'offline', reason: '--offline' };
  if (opts.local) {
    const workDir = path.resolve(io.cwd, opts.workDir);
    const local = await localToolchainFor(opts.terraformBin ?? io.env.LZ_TERRAFORM_BIN ?? 'terraform', io.env, io.cwd, workDir);
    if ('missing' in local) throw new CliError(`--local needs Terraform and the provider: ${local.missing}`, EXIT_USAGE);
    const schemaCacheDir = io.env[SCHEMA_CACHE_VARIABLE] ? path.resolve(io.cwd, io.env[SCHEMA_CACHE_VARIABLE]) : path.join(workDir, LOCAL_TOOLCHAIN_DIR, 'provider-schemas');
    return { kind: 'terraform-local', local: { toolchain: local.toolchain, schemaCacheDir, timeoutMs: parseDuration('--timeout', opts.timeout) } };
  }
  if ('missing' in tf) {
    if (opts.online) throw new CliError(`--online: ${tf.missing}`);
    return { kind: 'offline', reason: tf.missing };
  }
  if (!opts.online && !awsCredentialSource(io.env)) {
    return { kind: 'offline', reason: 'no AWS credentials found in the environment or ~/.aws (--online if an instance profile provides them)' };
  }
  return { kind: 'terraform', config: { ...tf.config, identityRole }, version: await terraformVersion(tf.config, io.cwd) };
}
