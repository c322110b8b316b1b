import { Command } from 'commander';
import { guardContext } from '../../pipeline/guards';
import { PlanMode, runPlan } from '../../pipeline/plan';
import { awsCredentialSource, terraformVersion } from '../../pipeline/terraform';
import { CliError, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import {
  addReportOptions,
  addSelectionOptions,
  addTerraformOptions,
  addWorkOptions,
  emitReport,
  loadSyntheses,
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
 * (every identity variable of the stack set to it), judged by the guards;
 * offline (a diff of the desired state between base and head) when there is no Terraform
 * binary or no AWS credentials, or with --offline. Exit 1 when a guard is violated or a stack
 * fails.
 */
export interface PlanCommandOptions extends WorkOptions, SelectionOptions, TerraformCliOptions, ReportOutputOptions {
  readonly offline?: boolean;
  readonly online?: boolean;
  readonly planRole?: string;
}

export function registerPlan(program: Command, io: CliIO): void {
  const cmd = program.command('plan').description('plan the affected (or named) stacks with Terraform, or offline without Terraform or credentials; guards fail the plan');
  addSelectionOptions(cmd);
  cmd
    .option('--offline', 'plan offline (desired-state diff) even when Terraform and credentials are there')
    .option('--online', 'plan with Terraform only: fail instead of planning offline when there is no binary')
    .option('--plan-role <name>', "role the providers assume in each account (every identity variable, -var); default: the settings' roles.plan, the read-only plan role");
  addTerraformOptions(cmd, false);
  addWorkOptions(cmd);
  addReportOptions(cmd);
  cmd.action(async (opts: PlanCommandOptions, c: Command) => {
    if (opts.offline && opts.online) throw new UsageError('--offline and --online exclude each other');
    const parallelism = parseParallelism(opts.parallelism);
    const lzOpts = landingZoneOptions(c, io);
    const lz = loadValidLandingZone(lzOpts, io);
    const mode = await planMode(opts, io, opts.planRole ?? lz.settings.roles.plan);
    const syntheses = await loadSyntheses(lz, lzOpts, baseRefOf(c, io), opts, io);
    const selection = selectStacks(syntheses, opts);
    io.err(`planning ${selection.stacks.length} stack${selection.stacks.length === 1 ? '' : 's'} ${mode.kind === 'offline' ? `offline (${mode.reason})` : `with ${mode.version ?? mode.config.binary}, ${parallelism} at a time`}`);
    const report = await runPlan({ syntheses, ctx: guardContext(lz), settings: lz.settings, selection: selection.stacks, mode, parallelism, progress: (l) => io.err(`  ${l}`) });
    emitReport(report, opts, io);
  });
}

async function planMode(opts: PlanCommandOptions, io: CliIO, identityRole: string): Promise<PlanMode> {
  const tf = resolveTerraform(opts, opts, io);
  if (opts.offline) return { kind: 'offline', reason: '--offline' };
  if ('missing' in tf) {
    if (opts.online) throw new CliError(`--online: ${tf.missing}`);
    return { kind: 'offline', reason: tf.missing };
  }
  if (!opts.online && !awsCredentialSource(io.env)) {
    return { kind: 'offline', reason: 'no AWS credentials found in the environment or ~/.aws (--online if an instance profile provides them)' };
  }
  return { kind: 'terraform', config: { ...tf.config, identityRole }, version: await terraformVersion(tf.config, io.cwd) };
}
