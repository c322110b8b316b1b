import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { awsMigrationServices } from '../../migration/aws-services';
import { directoryEvidenceStore } from '../../migration/evidence';
import { appliedTenants, MigrateAction, migrateTenants, MigrationRunReport, migrationRunPassed, MigrationServices, movesOf } from '../../migration/run';
import { stableStringify } from '../../model/stable-json';
import { LandingZone } from '../../model/validate';
import { CliError, UsageError } from '../cli-error';
import { CliIO, table } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';

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
  const known = new Map(lz.tenants.map((t) => [t.manifest.id, t.manifest]));
  const unknown = (opts.tenant ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new CliError(`--tenant: no manifest for ${unknown.join(', ')}`);
  let tenants = opts.tenant ? opts.tenant.map((id) => known.get(id)!) : [...known.values()];
  tenants = tenants.filter((t) => movesOf(t, action).length > 0);
  if (opts.after?.length) {
    const { ready, held } = appliedTenants(tenants, opts.after.map((f) => readApplyReport(path.resolve(io.cwd, f))));
    for (const h of held) io.err(`${h.tenantId}: left for later, its tenant stack is ${h.status} in the apply report`);
    tenants = ready;
  }
  const services = deps.services ?? awsMigrationServices(lz.settings, { progress: (line) => io.err(line) });
  const evidence = opts.evidenceDir ? { ...services, evidence: directoryEvidenceStore(path.resolve(io.cwd, opts.evidenceDir)) } : services;
  const report = await migrateTenants(tenants, evidence, { action, bulkUsers: opts.bulkUsers, reason: opts.reason });
  if (opts.evidenceOut) {
    const file = path.resolve(io.cwd, opts.evidenceOut);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${stableStringify(report)}\n`);
  }
  return report;
}

/** The few fields of an apply report (`lz apply --report-json`) the selection needs. */
function readApplyReport(file: string): { stacks: Array<{ tenantId?: string; kind: string; status: string }> } {
  if (!fs.existsSync(file)) throw new CliError(`--after: ${file} does not exist`);
  let doc: { command?: unknown; stacks?: unknown };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`--after: ${file} is not JSON: ${(e as Error).message}`);
  }
  if (doc?.command !== 'apply' || !Array.isArray(doc.stacks)) throw new CliError(`--after: ${file} is not an lz apply report (command "apply" and its stacks)`);
  return doc as { stacks: Array<{ tenantId?: string; kind: string; status: string }> };
}

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description("carry out the tier moves the manifests record (after the apply): copy, verify, switch; or delete acknowledged old copies")
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
