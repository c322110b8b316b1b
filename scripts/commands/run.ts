import * as path from 'path';
import { Command } from 'commander';
import { LandingZone } from '../../model/validate';
import { computeAffected } from '../../pipeline/affected';
import { GitError } from '../../git/git';
import { guardContext } from '../../pipeline/guards';
import { PROVIDER_MIRROR_VARIABLE } from '../../pipeline/local/mirror';
import { localStackSelection, localToolchainFor } from '../../pipeline/local/selection';
import { validateStacks } from '../../pipeline/local/validate';
import { renderValidation } from '../../pipeline/local/validate-report';
import { runPlan } from '../../pipeline/plan';
import { reportPassed } from '../../pipeline/report';
import { renderText } from '../../pipeline/report-text';
import { RevisionSynthesisError } from '../../pipeline/revision-synthesis';
import { DEFAULT_WORK_DIR, prepareSyntheses, Syntheses } from '../../pipeline/workspace';
import { CliError, EXIT_FINDINGS } from '../cli-error';
import { CliIO } from '../io';
import { outputFolder } from '../paths';
import { baseRefOf, LandingZoneOptions, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { reportTime, runAudit } from '../../audit/run';
import { auditSummary } from '../../audit/summary';
import { stackSummary, stackTable, synthesize, tenantLists, tenantSummary } from '../synthesis';

/**
 * The main job, offline: validate, synthesize every stack, print a summary a platform
 * engineer can read (counts by tier, status and stack kind; every tenant and stack with
 * --verbose), `terraform validate` every stack when Terraform and a provider mirror are there
 * (else the command to run), then the offline plan of the working tree against the base
 * revision (default HEAD, the last commit), and end with the compliance audit of the desired
 * state. Needs no cloud account and no Terraform binary; fails only on invalid input, a stack
 * Terraform finds invalid, a plan that a guard refuses, or audit findings.
 */
export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--work-dir <dir>', 'where the base revision is synthesized for the offline plan', DEFAULT_WORK_DIR)
    .option('--audit-out <dir>', 'where the audit reports go', 'audit-report')
    .option('--verbose', 'also list every tenant and every stack (by default: counts, and in detail only what changed or failed)')
    .action(async (opts: { out: string; workDir: string; auditOut: string; verbose?: boolean }, cmd: Command) => {
      outputFolder('--out', opts.out, io.cwd);
      outputFolder('--work-dir', opts.workDir, io.cwd);
      outputFolder('--audit-out', opts.auditOut, io.cwd);
      const lzOpts = landingZoneOptions(cmd, io);
      const t0 = Date.now();
      const lz = loadValidLandingZone(lzOpts, io);
      const { settings } = lz;
      io.out(`Landing zone "${settings.name}": organization ${settings.organization.id}, management account ${settings.organization.managementAccountId}, platform account ${settings.organization.platformAccountId}, home region ${settings.regions.home}`);
      io.out(`✓ validated ${lz.tenants.length} tenant manifests and ${path.relative(io.cwd, lzOpts.settings)} in ${Date.now() - t0} ms\n`);
      io.out(`Tenants: ${lz.tenants.length}`);
      io.out(tenantSummary(lz));
      if (opts.verbose) io.out(tenantLists(lz));
      const t1 = Date.now();
      const result = await synthesize(lz, lzOpts, { out: opts.out }, io);
      const total = result.stacks.reduce((n, s) => n + s.resources, 0);
      io.out(`\nStacks: ${result.stacks.length} synthesized to ${path.relative(io.cwd, result.outdir)} in ${((Date.now() - t1) / 1000).toFixed(1)} s, ${total} resources`);
      io.out(opts.verbose ? stackTable(lz, result) : stackSummary(result));
      io.out(`\nState: bucket s3://${settings.state.bucket} (${settings.state.region}), one key per stack, tenant stacks under tenants/<id>/, S3 native locking`);
      io.out('Order: bootstrap → organization → platform and account stacks → tenant stacks');

      const validated = await terraformValidate(lz, result.outdir, path.resolve(io.cwd, opts.workDir), io);
      const planPassed = await offlinePlan(lz, lzOpts, result.outdir, baseRefOf(cmd, io), path.resolve(io.cwd, opts.workDir), io);

      io.out(`\nCompliance audit of the desired state (reports in ${opts.auditOut}/)`);
      const audit = await runAudit(lz, {
        evidence: { kind: 'desired', synthesized: result.outdir },
        formats: ['md', 'json', 'junit', 'html', 'sarif'],
        outDir: path.resolve(io.cwd, opts.auditOut),
        failOn: 'low',
        generatedAt: reportTime(io.env),
      });
      io.out(auditSummary(audit.report));
      if (!validated) throw new CliError('Terraform finds stacks invalid (see above)');
      if (!planPassed) throw new CliError('the offline plan of the working tree fails its guards (see above)');
      if (audit.findings > 0) throw new CliError(`the audit of the desired state has ${audit.findings} findings (see above)`, EXIT_FINDINGS);
    });
}

/**
 * `tf-validate` of every synthesized stack when Terraform and a provider mirror are there (a few
 * seconds: one Terraform run), else the command to run; false when a stack is invalid.
 */
async function terraformValidate(lz: LandingZone, synthDir: string, workDir: string, io: CliIO): Promise<boolean> {
  const toolchain = await localToolchainFor(io.env.LZ_TERRAFORM_BIN ?? 'terraform', io.env, io.cwd, workDir);
  if ('missing' in toolchain) {
    io.out(`\nTerraform validation: skipped (${toolchain.missing.split(':')[0]}). With Terraform and a provider mirror (${PROVIDER_MIRROR_VARIABLE}): npm run lz -- tf-validate`);
    return true;
  }
  const stacks = localStackSelection(lz, { synthDir, workDir });
  if ('unknown' in stacks) throw new CliError(stacks.unknown);
  io.out(`\nTerraform validation of every stack (Terraform ${toolchain.toolchain.terraformVersion}, real provider, offline)`);
  const result = await validateStacks({ toolchain: toolchain.toolchain, stacks, workDir: path.join(workDir, 'tf-validate') });
  io.out(renderValidation(result, io.cwd));
  return result.stacks.every((s) => s.valid);
}

/** The offline plan of the working tree against `baseRef`; false when a guard refuses it. */
async function offlinePlan(lz: LandingZone, lzOpts: LandingZoneOptions, headDir: string, baseRef: string, workDir: string, io: CliIO): Promise<boolean> {
  io.out(`\nOffline plan of the working tree against ${baseRef} (desired state; no Terraform, no credentials)`);
  let syntheses: Syntheses;
  try {
    syntheses = await prepareSyntheses({ lz, settingsFile: lzOpts.settings, tenantsDir: lzOpts.tenants, baseRef, workDir, headDir, cacheDir: lzOpts.synthCache, validationCache: lzOpts.validationCache, workers: lzOpts.synthWorkers });
  } catch (e) {
    // Outside a clone, or before the first commit, there is nothing to compare with.
    if (e instanceof GitError) {
      io.out(`  skipped: ${e.message}`);
      return true;
    }
    if (e instanceof RevisionSynthesisError) throw new CliError(e.message);
    throw e;
  }
  const affected = computeAffected(syntheses.base, syntheses.head);
  const report = await runPlan({
    syntheses,
    ctx: guardContext(lz),
    settings: lz.settings,
    selection: affected.stacks.map((a) => ({ spec: a.spec, change: a.change })),
    mode: { kind: 'offline', reason: 'the main job plans offline' },
  });
  io.out(renderText(report));
  return reportPassed(report);
}
