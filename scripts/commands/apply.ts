import { Command } from 'commander';
import { runApplyRecorded } from '../../pipeline/apply';
import { DEPLOYMENT_ENVIRONMENT_VARIABLE, guardContext } from '../../pipeline/guards';
import { markerRecorder, selectionSinceApplied } from '../../pipeline/since-applied';
import { SelectedStack } from '../../pipeline/stack-plan';
import { terraformVersion } from '../../pipeline/terraform';
import { gitToplevel, headCommit, isDirty } from '../../git/git';
import { CliError, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import {
  addAppliedOptions,
  addReportOptions,
  addSelectionOptions,
  addTerraformOptions,
  addWorkOptions,
  checkPipelinePaths,
  AppliedOptions,
  emitReport,
  loadSinceApplied,
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
 * not run. L3 tenant stacks run only inside their approval environment
 * ($LZ_DEPLOYMENT_ENVIRONMENT), and a job inside an environment applies only the stacks it
 * gates. With --since-applied the selection comes from the applied markers, and each stack's
 * outcome is recorded there as soon as it is known.
 */
export interface ApplyCommandOptions extends WorkOptions, SelectionOptions, TerraformCliOptions, ReportOutputOptions, AppliedOptions {
  readonly withoutApproval?: boolean;
  readonly after?: string[];
}

/** The CI run that records a marker, when the environment says (GitHub Actions). */
function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

export function registerApply(program: Command, io: CliIO): void {
  const cmd = program.command('apply');
  addSelectionOptions(cmd);
  cmd
    .option('--without-approval', 'leave stacks that need approval (L3) to their environment job instead of failing them')
    .option('--after <report>', 'JSON report of an earlier apply job of this run: affected dependencies must have been applied there (repeatable)', (v: string, p: string[] = []) => [...p, v]);
  addAppliedOptions(cmd, 'apply');
  addTerraformOptions(cmd, true);
  addWorkOptions(cmd);
  addReportOptions(cmd);
  cmd.action(async (opts: ApplyCommandOptions, c: Command) => {
    const parallelism = parseParallelism(opts.parallelism);
    checkPipelinePaths(opts, io);
    if (opts.sinceApplied && (opts.stack || opts.affected)) throw new UsageError('--since-applied chooses the stacks from the applied markers: it excludes --stack and --affected (narrow it with --tenant)');
    if (opts.markersDir && !opts.sinceApplied) throw new UsageError('--markers-dir goes with --since-applied');
    const tf = resolveTerraform(opts, opts, io);
    if ('missing' in tf) throw new CliError(`lz apply needs Terraform: ${tf.missing}`);
    const previous = (opts.after ?? []).map((f) => readReportFile(inputFile('--after', f, io.cwd, 'a JSON report of lz apply')));
    const lzOpts = landingZoneOptions(c, io);
    const lz = loadValidLandingZone(lzOpts, io);
    const runEnvironment = io.env[DEPLOYMENT_ENVIRONMENT_VARIABLE] || undefined;
    const cleanCheckout = () => {
      const top = gitToplevel(lzOpts.tenants);
      return top !== undefined && headCommit(top) !== undefined && !isDirty(top);
    };
    if (opts.sinceApplied && !cleanCheckout()) throw new CliError('--since-applied records the commit it applies: run it in a clean checkout (no uncommitted changes)');

    let stacks: ReadonlyArray<SelectedStack>;
    let affected: Set<string>;
    let pendingReasons: ReadonlyMap<string, string> | undefined;
    // Inside an environment only what it gates, and their dependencies' markers, are read: all its role may read.
    const applied = opts.sinceApplied ? await loadSinceApplied(lz, lzOpts, opts, io, c, { tenantIds: opts.tenant, environment: runEnvironment }) : undefined;
    const syntheses = applied?.syntheses ?? (await loadSyntheses(lz, lzOpts, baseRefOf(c, io), opts, io, undefined, opts.stack));
    if (applied) {
      stacks = selectionSinceApplied(applied, opts.tenant);
      affected = new Set(applied.result.stacks.map((a) => a.spec.name));
      pendingReasons = applied.reasons;
    } else {
      const selection = selectStacks(syntheses, opts, true);
      stacks = selection.stacks;
      affected = new Set(selection.affected!.stacks.map((s) => s.spec.name));
    }
    if (runEnvironment) {
      // A job inside a deployment environment applies what that environment gates, nothing else.
      const others = stacks.filter((s) => s.spec.approvalEnvironment !== runEnvironment);
      if (others.length > 0) io.err(`  in environment ${runEnvironment}: ${others.map((s) => s.spec.name).join(', ')} left to the job that applies ${others.length === 1 ? 'it' : 'them'}`);
      stacks = stacks.filter((s) => s.spec.approvalEnvironment === runEnvironment);
    }

    const store = applied?.store;
    const run = runUrl(io.env);
    const onOutcome = store ? markerRecorder(store, syntheses, run ? { run } : {}) : undefined;

    io.err(`applying ${stacks.length} stack${stacks.length === 1 ? '' : 's'}${runEnvironment ? ` in environment ${runEnvironment}` : ''}, ${parallelism} at a time${store ? `; recording each outcome in ${store.location}` : ''}`);
    const { report, recordErrors } = await runApplyRecorded({
      syntheses,
      ctx: guardContext(lz),
      settings: lz.settings,
      selection: stacks,
      config: tf.config,
      terraformVersion: await terraformVersion(tf.config, io.cwd),
      parallelism,
      runEnvironment,
      withoutApproval: opts.withoutApproval,
      previous,
      affected,
      ...(pendingReasons ? { pendingReasons } : {}),
      progress: (l) => io.err(`  ${l}`),
      ...(onOutcome ? { onOutcome } : {}),
    });
    for (const e of recordErrors) io.err(`✗ could not record the outcome of ${e}: the next run applies that stack again`);
    emitReport(report, opts, io);
    if (recordErrors.length > 0) throw new CliError(`${recordErrors.length} applied marker${recordErrors.length === 1 ? '' : 's'} could not be written`);
  });
}
