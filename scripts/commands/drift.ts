import * as path from 'path';
import { Command } from 'commander';
import { allStacksInOrder } from '../../pipeline/affected';
import { runDrift } from '../../pipeline/drift';
import { guardContext } from '../../pipeline/guards';
import { driftByTenant } from '../../pipeline/report';
import { terraformVersion } from '../../pipeline/terraform';
import { DEFAULT_WORK_DIR, prepareHeadOnly } from '../../pipeline/workspace';
import { CliError, EXIT_DRIFT } from '../cli-error';
import { CliIO } from '../io';
import { checkTenantIds, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { addReportOptions, addTerraformOptions, checkPipelinePaths, collect, emitReport, parseParallelism, ReportOutputOptions, resolveTerraform, TerraformCliOptions } from '../pipeline-options';

/**
 * `lz drift`: plans every stack (or a tenant's) with Terraform as the read-only plan role and
 * `-detailed-exitcode`, and reports per tenant which stacks drifted and which resources, in the
 * plan's report formats. Exit 0: no drift; 5: drift; 1: a stack could not be planned.
 */
export interface DriftCommandOptions extends TerraformCliOptions, ReportOutputOptions {
  readonly tenant?: string[];
  readonly planRole?: string;
  readonly workDir: string;
}

export function registerDrift(program: Command, io: CliIO): void {
  const cmd = program
    .command('drift')
    .option('--tenant <id...>', "only this tenant's stacks (repeatable)", collect)
    .option('--plan-role <name>', "role the providers assume in each account; default: the settings' roles.plan")
    .option('--work-dir <dir>', 'where the synthesis, plans and logs go', DEFAULT_WORK_DIR);
  addTerraformOptions(cmd, false);
  addReportOptions(cmd);
  cmd.action(async (opts: DriftCommandOptions, c: Command) => {
    const parallelism = parseParallelism(opts.parallelism);
    checkPipelinePaths(opts, io);
    const tf = resolveTerraform(opts, opts, io);
    if ('missing' in tf) throw new CliError(`lz drift needs Terraform and credentials: ${tf.missing}`);
    const lzOpts = landingZoneOptions(c, io);
    const lz = loadValidLandingZone(lzOpts, io);
    if (opts.tenant) checkTenantIds(lz, opts.tenant);
    const syntheses = await prepareHeadOnly({ lz, tenantsDir: lzOpts.tenants, workDir: path.resolve(io.cwd, opts.workDir), cacheDir: lzOpts.synthCache, workers: lzOpts.synthWorkers });
    const wanted = opts.tenant ? new Set(opts.tenant) : undefined;
    const selection = allStacksInOrder(syntheses.base, syntheses.head)
      .filter((spec) => !wanted || (spec.tenantId !== undefined && wanted.has(spec.tenantId)))
      .map((spec) => ({ spec, change: 'unchanged' as const }));
    const identityRole = opts.planRole ?? lz.settings.roles.plan;
    io.err(`checking ${selection.length} stack${selection.length === 1 ? '' : 's'} for drift as ${identityRole}, ${parallelism} at a time`);
    const report = await runDrift({
      syntheses,
      ctx: guardContext(lz),
      settings: lz.settings,
      selection,
      config: { ...tf.config, identityRole },
      terraformVersion: await terraformVersion(tf.config, io.cwd),
      parallelism,
      progress: (l) => io.err(`  ${l}`),
    });
    emitReport(report, opts, io);
    const drifted = driftByTenant(report);
    if (drifted.length > 0) {
      const stacks = drifted.reduce((n, t) => n + t.stacks.length, 0);
      throw new CliError(`drift: ${stacks} stack${stacks === 1 ? '' : 's'} of ${drifted.map((t) => t.tenant).join(', ')} differ${stacks === 1 ? 's' : ''} from the configuration`, EXIT_DRIFT);
    }
  });
}
