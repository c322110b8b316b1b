import * as path from 'path';
import { Command, Option } from 'commander';
import { SEVERITIES, Severity } from '../../audit/model';
import { AUDIT_FORMATS, AuditFormat } from '../../audit/report/index';
import { AuditEvidenceChoice, AuditInputError, reportTime, runAudit } from '../../audit/run';
import { auditSummary } from '../../audit/summary';
import { CliError, EXIT_FINDINGS, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { inputFolder, outputFolder } from '../paths';
import { checkTenantIds, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';

interface AuditCommandOptions {
  readonly tenant?: string[];
  readonly stateDir?: string;
  readonly fromS3?: boolean;
  readonly live?: boolean;
  readonly liveRole?: string;
  readonly format: string;
  readonly out: string;
  readonly failOn: Severity | 'none';
  readonly verbose?: boolean;
}

function parseFormats(list: string): AuditFormat[] {
  const formats = list.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !(AUDIT_FORMATS as ReadonlyArray<string>).includes(f));
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format takes a comma-separated list of ${AUDIT_FORMATS.join(', ')}; got ${list}`);
  return formats as AuditFormat[];
}

function evidenceChoice(opts: AuditCommandOptions, io: CliIO): AuditEvidenceChoice {
  if (opts.stateDir && opts.fromS3) throw new UsageError('--state-dir and --from-s3 are two sources; choose one');
  if (opts.stateDir) return { kind: 'state-dir', dir: inputFolder('--state-dir', opts.stateDir, io.cwd, 'a folder of state files laid out like the state bucket'), label: opts.stateDir };
  if (opts.fromS3) return { kind: 's3' };
  return { kind: 'desired' };
}

export function registerAudit(program: Command, io: CliIO): void {
  program
    .command('audit')
    .option('--tenant <id>', 'only this tenant (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--state-dir <dir>', 'state files laid out like the state bucket (<dir>/tenants/<id>/tenant.tfstate, ...; terraform show -json output as <key>.json)')
    .option('--from-s3', "read state from the state bucket (each tenant's own prefix and the shared platform state)")
    .option('--live', 'also read AWS: the account in Organizations, and the tenant account through AssumeRole')
    .option('--live-role <name>', 'role to assume in tenant accounts for --live (default: the deployment role)')
    .option('--format <list>', `comma-separated: ${AUDIT_FORMATS.join(', ')}`, 'md,json,junit,html,sarif')
    .option('--out <dir>', 'directory for the reports', 'audit-report')
    .addOption(new Option('--fail-on <severity>', 'exit non-zero on failures of this severity or higher').choices([...SEVERITIES, 'none']).default('low'))
    .option('--verbose', 'the Markdown report lists every tenant and every passing result with its evidence (by default: failures and errors in detail, passes as counts)')
    .action(async (opts: AuditCommandOptions, cmd: Command) => {
      const formats = parseFormats(opts.format);
      const evidence = evidenceChoice(opts, io);
      const outDir = outputFolder('--out', opts.out, io.cwd);
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      if (opts.tenant) checkTenantIds(lz, opts.tenant);
      let run;
      try {
        run = await runAudit(lz, {
          tenantIds: opts.tenant,
          evidence,
          live: opts.live ? { roleName: opts.liveRole } : undefined,
          formats,
          outDir,
          failOn: opts.failOn,
          generatedAt: reportTime(io.env),
          repoDir: io.cwd,
          verbose: opts.verbose,
        });
      } catch (e) {
        if (e instanceof AuditInputError) throw new CliError(e.message);
        throw e;
      }
      io.out(auditSummary(run.report));
      io.out(`Reports: ${run.files.map((f) => path.relative(io.cwd, f)).join(', ')}`);
      if (run.findings > 0) throw new CliError(`${run.findings} finding${run.findings === 1 ? '' : 's'} at severity ${opts.failOn} or higher`, EXIT_FINDINGS);
    });
}
