import { Command } from 'commander';
import { directoryEvidenceStore } from '../../migration/evidence';
import { appliedTenants, MigrateAction, migrateTenants, MigrationRunReport, migrationRunPassed, MigrationServices, movesOf } from '../../migration/run';
import { stableStringify } from '../../format/stable-json';
import { LandingZone } from '../../model/validate';
import { CliError, UsageError } from '../cli-error';
import { table } from '../../format/text-table';
import { CliIO } from '../io';
import { checkTenantIds, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { inputFile, outputFile, outputFolder, writeOutputFile } from '../paths';
import { readReportFile } from '../report-files';

/**
 * `lz migrate`: carries out the tier moves the manifests record (after the apply), deletes old
 * copies the manifests acknowledge (`--cleanup`), or lifts a freeze a killed run left
 * (`--abort`). Each tenant's evidence goes next to its state; `--evidence-out` writes the run's.
 */
export interface MigrateCommandOptions {
  readonly tenant?: string[];
  readonly after?: string[];
  readonly bulkUsers?: boolean;
  readonly cleanup?: boolean;
  readonly abort?: boolean;
  readonly reason?: string;
  readonly evidenceOut?: string;
  readonly evidenceDir?: string;
  readonly format: 'text' | 'json';
}

export async function runMigrate(lz: LandingZone, opts: MigrateCommandOptions, io: CliIO, deps: { services?: MigrationServices } = {}): Promise<MigrationRunReport> {
  if (opts.cleanup && opts.abort) throw new UsageError('--cleanup and --abort are different steps; choose one');
  if (opts.abort && (!opts.reason || opts.reason.trim().length < 10)) throw new UsageError('--abort needs --reason "<why the freeze is lifted, at least 10 characters>"');
  if (opts.bulkUsers && (opts.cleanup || opts.abort)) throw new UsageError('--bulk-users belongs to a move, not to --cleanup or --abort');
  const action: MigrateAction = opts.cleanup ? 'cleanup' : opts.abort ? 'abort' : 'move';
  // Every path is checked before anything is asked of AWS.
  const applied = (opts.after ?? []).map((f) => {
    const report = readReportFile(inputFile('--after', f, io.cwd, 'a JSON report of lz apply'));
    if (report.command !== 'apply') throw new CliError(`--after ${f}: an lz ${report.command} report, not an lz apply report`);
    return report;
  });
  const evidenceOut = opts.evidenceOut ? outputFile('--evidence-out', opts.evidenceOut, io.cwd) : undefined;
  const evidenceDir = opts.evidenceDir ? outputFolder('--evidence-dir', opts.evidenceDir, io.cwd) : undefined;
  if (opts.tenant) checkTenantIds(lz, opts.tenant);
  const manifests = lz.tenants.map((t) => t.manifest);
  let tenants = (opts.tenant ? manifests.filter((t) => opts.tenant!.includes(t.id)) : manifests).filter((t) => movesOf(t, action, lz.settings).length > 0);
  if (applied.length > 0) {
    const { ready, held } = appliedTenants(tenants, applied);
    for (const h of held) io.err(`${h.tenantId}: left for later, its tenant stack is ${h.status} in the apply report`);
    tenants = ready;
  }
  // The AWS SDK is loaded only when this run reaches AWS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const services = deps.services ?? (require('../../migration/aws-services') as typeof import('../../migration/aws-services')).awsMigrationServices(lz.settings, { progress: (line) => io.err(line) });
  const evidence = evidenceDir ? { ...services, evidence: directoryEvidenceStore(evidenceDir) } : services;
  const report = await migrateTenants(tenants, evidence, { action, bulkUsers: opts.bulkUsers, reason: opts.reason }, lz.settings);
  if (evidenceOut) writeOutputFile(evidenceOut, `${stableStringify(report)}\n`);
  return report;
}

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .option('--tenant <id>', 'only this tenant (repeatable); default every tenant with a move (or, with --cleanup, an acknowledged one)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--after <report>', 'an lz apply report: tenants whose tenant stack did not apply there are left for later (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--bulk-users', 'users move: create the users who have not signed in yet (only they set a new password)')
    .option('--cleanup', 'delete the old copies acknowledgements.migrationCleanup names, once their retention has passed')
    .option('--abort', "lift a freeze a killed run left: the tenant writes to its old location again")
    .option('--reason <text>', 'why the freeze is lifted (with --abort)')
    .option('--evidence-out <file>', "write the run's evidence (counts, checksums, times per tenant) as JSON")
    .option('--evidence-dir <dir>', "keep each tenant's evidence under <dir>/tenants/<id>/migration.json instead of the state bucket")
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: MigrateCommandOptions, cmd: Command) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format is text or json; got ${opts.format}`);
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const report = await runMigrate(lz, opts, io);
      if (opts.format === 'json') io.out(stableStringify(report));
      else if (report.tenants.length === 0) io.out('No tier moves to work on.');
      else io.out(table(['TENANT', 'MOVE', 'STATUS', 'WHAT HAPPENED'], report.tenants.map((t) => [t.tenantId, t.move, t.status, t.message])));
      if (!migrationRunPassed(report)) {
        const bad = report.tenants.filter((t) => t.status === 'failed' || t.status === 'error');
        throw new CliError(`${bad.length} move${bad.length === 1 ? '' : 's'} did not go through: ${bad.map((t) => `${t.tenantId} ${t.move}`).join(', ')} (those tenants work where they were)`);
      }
    });
}
