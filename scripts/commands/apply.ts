import { Command } from 'commander';
import { runApply } from '../../pipeline/apply';
import { DEPLOYMENT_ENVIRONMENT_VARIABLE, guardContext } from '../../pipeline/guards';
import { terraformVersion } from '../../pipeline/terraform';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import {
  addReportOptions,
  addSelectionOptions,
  addTerraformOptions,
  addWorkOptions,
  checkPipelinePaths,
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
import { inputFile } from '../paths';
import { readReportFile } from '../report-files';

/**
 * `lz apply`: the affected (or named) stacks in dependency order, each planned again, judged by
 * the guards and applied from its saved plan; dependants of a stack that did not succeed are
 * not run. L3 stacks run only inside their approval environment ($LZ_DEPLOYMENT_ENVIRONMENT).
 */
export interface ApplyCommandOptions extends WorkOptions, SelectionOptions, TerraformCliOptions, ReportOutputOptions {
  readonly withoutApproval?: boolean;
  readonly after?: string[];
}

export function registerApply(program: Command, io: CliIO): void {
  const cmd = program.command('apply');
  addSelectionOptions(cmd);
  cmd
    .option('--without-approval', 'leave stacks that need approval (L3) to their environment job instead of failing them')
    .option('--after <report>', 'JSON report of an earlier apply job of this run: affected dependencies must have been applied there (repeatable)', (v: string, p: string[] = []) => [...p, v]);
  addTerraformOptions(cmd, true);
  addWorkOptions(cmd);
  addReportOptions(cmd);
  cmd.action(async (opts: ApplyCommandOptions, c: Command) => {
    const parallelism = parseParallelism(opts.parallelism);
    checkPipelinePaths(opts, io);
    const tf = resolveTerraform(opts, opts, io);
    if ('missing' in tf) throw new CliError(`lz apply needs Terraform: ${tf.missing}`);
    const previous = (opts.after ?? []).map((f) => readReportFile(inputFile('--after', f, io.cwd, 'a JSON report of lz apply')));
    const lzOpts = landingZoneOptions(c, io);
    const lz = loadValidLandingZone(lzOpts, io);
    const syntheses = await loadSyntheses(lz, lzOpts, baseRefOf(c, io), opts, io, undefined, opts.stack);
    const selection = selectStacks(syntheses, opts, true);
    const runEnvironment = io.env[DEPLOYMENT_ENVIRONMENT_VARIABLE] || undefined;
    io.err(`applying ${selection.stacks.length} stack${selection.stacks.length === 1 ? '' : 's'}${runEnvironment ? ` in environment ${runEnvironment}` : ''}, ${parallelism} at a time`);
    const report = await runApply({
      syntheses,
      ctx: guardContext(lz),
      settings: lz.settings,
      selection: selection.stacks,
      config: tf.config,
      terraformVersion: await terraformVersion(tf.config, io.cwd),
      parallelism,
      runEnvironment,
      withoutApproval: opts.withoutApproval,
      previous,
      affected: new Set(selection.affected!.stacks.map((s) => s.spec.name)),
      progress: (l) => io.err(`  ${l}`),
    });
    emitReport(report, opts, io);
  });
}
