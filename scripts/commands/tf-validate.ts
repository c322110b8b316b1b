import * as path from 'path';
import { Command } from 'commander';
import { localStackSelection, localToolchainFor } from '../../pipeline/local/selection';
import { DEFAULT_VALIDATE_BATCH_SIZE, validateStacks } from '../../pipeline/local/validate';
import { renderValidation } from '../../pipeline/local/validate-report';
import { DEFAULT_WORK_DIR } from '../../pipeline/workspace';
import { CliError, EXIT_USAGE, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { inputFolder, outputFolder } from '../paths';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { addSelectionOptions, loadSyntheses, parseParallelism, SelectionOptions, selectStacks, WorkOptions } from '../pipeline-options';
import { stackFile } from '../../pipeline/synthesis-index';

/**
 * `lz tf-validate`: `terraform validate` of the synthesized stacks with the real provider from a
 * local mirror, no credentials and no network. Exit 0 when every stack is valid, 1 when one is
 * not, 2 when Terraform or the provider cannot be found.
 */
export interface TfValidateOptions extends SelectionOptions, WorkOptions {
  readonly synthDir?: string;
  readonly terraformBin?: string;
  readonly batchSize: string;
  readonly parallelism: string;
}

export function registerTfValidate(program: Command, io: CliIO): void {
  const cmd = program.command('tf-validate');
  addSelectionOptions(cmd);
  cmd
    .option('--synth-dir <dir>', 'validate this synthesis (e.g. cdktf.out) instead of synthesizing the working tree')
    .option('--terraform-bin <path>', 'Terraform binary (default: $LZ_TERRAFORM_BIN, else terraform)')
    .option('--batch-size <n>', 'stacks per Terraform run', String(DEFAULT_VALIDATE_BATCH_SIZE))
    .option('--parallelism <n>', 'Terraform runs at the same time', '2')
    .option('--work-dir <dir>', 'where the synthesis, the work copies and Terraform data go', DEFAULT_WORK_DIR)
    .option('--reuse-synth', 'with --affected: use the syntheses an earlier `lz affected` left in --work-dir')
    .action(async (opts: TfValidateOptions, c: Command) => {
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size: expected a whole number of at least 1, got "${opts.batchSize}"`);
      const parallelism = parseParallelism(opts.parallelism);
      if (opts.synthDir && (opts.affected || opts.reuseSynth)) throw new UsageError('--synth-dir validates a given synthesis: it excludes --affected and --reuse-synth');
      // Paths and the landing zone first, then the toolchain: a bad path is named whatever is installed.
      const workDir = outputFolder('--work-dir', opts.workDir, io.cwd);
      const synthDir = opts.synthDir ? inputFolder('--synth-dir', opts.synthDir, io.cwd, 'a synthesis (the output of lz synth)') : undefined;
      const lzOpts = landingZoneOptions(c, io);
      const lz = loadValidLandingZone(lzOpts, io);
      const toolchain = await localToolchainFor(opts.terraformBin ?? io.env.LZ_TERRAFORM_BIN ?? 'terraform', io.env, io.cwd, workDir);
      if ('missing' in toolchain) throw new CliError(`tf-validate needs Terraform and the provider: ${toolchain.missing}`, EXIT_USAGE);

      let stacks;
      if (opts.affected) {
        const syntheses = await loadSyntheses(lz, lzOpts, baseRefOf(c, io), opts, io);
        stacks = selectStacks(syntheses, opts).stacks.filter((s) => s.change !== 'removed').map((s) => ({ name: s.spec.name, file: stackFile(syntheses.head.stacks.get(s.spec.name)!, syntheses.head) }));
      } else {
        stacks = localStackSelection(lz, { synthDir, workDir, stack: opts.stack, tenant: opts.tenant });
      }
      if ('unknown' in stacks) throw new CliError(stacks.unknown);
      io.err(`validating ${stacks.length} stack${stacks.length === 1 ? '' : 's'} with Terraform ${toolchain.toolchain.terraformVersion} (provider mirror from ${toolchain.toolchain.mirror.from})`);
      const result = await validateStacks({ toolchain: toolchain.toolchain, stacks, workDir: path.join(workDir, 'tf-validate'), batchSize, parallelism, progress: (l) => io.err(`  ${l}`) });
      io.out(renderValidation(result, io.cwd));
      if (result.stacks.some((s) => !s.valid)) throw new CliError('');
    });
}
