import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { Command, Option } from 'commander';
import { RuleContext } from '../../audit/context';
import { auditReport, auditTenant, TenantEvidence } from '../../audit/engine';
import { LiveClients, readLiveFacts } from '../../audit/live';
import { AuditReport, EvidenceSource, Severity, SEVERITIES } from '../../audit/model';
import { ruleInfo, RULES } from '../../audit/pack';
import { AUDIT_FORMATS, AuditFormat, auditFileName, renderAudit } from '../../audit/report';
import { collectDesiredEvidence, collectStateEvidence, directoryReader, StateReader } from '../../audit/sources/collect';
import { s3Reader } from '../../audit/sources/s3-reader';
import { LandingZone } from '../../model/validate';
import { synthesizeLandingZone } from '../../stacks/synthesize';
import { CliError, UsageError } from '../cli-error';
import { CliIO, table } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { checkTenantIds } from './synth';

/** Exit code when the audit found failures at or above the chosen severity. */
export const EXIT_FINDINGS = 4;

export interface AuditCommandOptions {
  readonly tenant?: string[];
  readonly stateDir?: string;
  readonly fromS3?: boolean;
  readonly live?: boolean;
  readonly liveRole?: string;
  readonly format: string;
  readonly out: string;
  readonly failOn: Severity | 'none';
  /** Synthesis output to audit as desired state instead of synthesizing again. */
  readonly desiredDir?: string;
}

export interface AuditRun {
  readonly report: AuditReport;
  readonly files: string[];
  /** Failures and errors at or above the chosen severity. */
  readonly findings: number;
}

function parseFormats(list: string): AuditFormat[] {
  const formats = list.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !(AUDIT_FORMATS as ReadonlyArray<string>).includes(f));
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format takes a comma-separated list of ${AUDIT_FORMATS.join(', ')}; got ${list}`);
  return formats as AuditFormat[];
}

function generatedAt(env: NodeJS.ProcessEnv): string {
  // SOURCE_DATE_EPOCH (reproducible-builds convention) pins the time for byte-stable reports.
  const epoch = env.SOURCE_DATE_EPOCH;
  return new Date(epoch && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : Date.now()).toISOString();
}

function defaultLiveClients(lz: LandingZone): LiveClients {
  return {
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    sts: new STSClient({ region: lz.settings.regions.home }),
    dynamodbFor: (credentials, region) => new DynamoDBClient({ region, credentials }),
  };
}

/** Gathers the evidence, runs the rules, writes the reports. */
export async function runAudit(lz: LandingZone, opts: AuditCommandOptions, io: CliIO, deps: { liveClients?: LiveClients; s3?: S3Client } = {}): Promise<AuditRun> {
  if (opts.stateDir && opts.fromS3) throw new UsageError('--state-dir and --from-s3 are two sources; choose one');
  const formats = parseFormats(opts.format);
  if (opts.tenant) checkTenantIds(lz, opts.tenant);
  const tenants = lz.tenants.map((t) => t.manifest).filter((t) => !opts.tenant || opts.tenant.includes(t.id));

  let source: EvidenceSource;
  let evidence: TenantEvidence[];
  if (opts.stateDir || opts.fromS3) {
    let reader: StateReader;
    if (opts.stateDir) {
      const dir = path.resolve(io.cwd, opts.stateDir);
      if (!fs.existsSync(dir)) throw new CliError(`--state-dir ${opts.stateDir} does not exist`);
      reader = directoryReader(dir);
    } else {
      reader = s3Reader(deps.s3 ?? new S3Client({ region: lz.settings.state.region }), lz.settings.state.bucket);
    }
    source = 'state';
    evidence = await collectStateEvidence(tenants, reader);
  } else if (opts.desiredDir) {
    source = 'desired';
    evidence = collectDesiredEvidence(tenants, opts.desiredDir);
  } else {
    source = 'desired';
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-audit-'));
    try {
      const result = synthesizeLandingZone(lz, { outdir: path.join(work, 'cdktf.out'), tenantIds: tenants.map((t) => t.id) });
      evidence = collectDesiredEvidence(tenants, result.outdir);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  if (opts.live) {
    const clients = deps.liveClients ?? defaultLiveClients(lz);
    evidence = await Promise.all(
      evidence.map(async (e) => {
        const accountId = new RuleContext(lz.settings, e.tenant, source, e.stacks).tenantAccountId;
        return { ...e, live: await readLiveFacts(clients, lz.settings, e.tenant, accountId, { roleName: opts.liveRole }) };
      }),
    );
  }

  const at = generatedAt(io.env);
  const audits = evidence.map((e) => auditTenant(lz.settings, e, source === 'state' ? sourceOf(e) : source, RULES, at));
  const report = auditReport(lz.settings, audits, source, at);
  const outDir = path.resolve(io.cwd, opts.out);
  fs.mkdirSync(outDir, { recursive: true });
  const files = formats.map((f) => {
    const file = path.join(outDir, auditFileName(f));
    fs.writeFileSync(file, renderAudit(report, f));
    return file;
  });
  const threshold = opts.failOn === 'none' ? -1 : SEVERITIES.indexOf(opts.failOn);
  const findings = audits.flatMap((a) => a.results).filter((r) => (r.status === 'fail' || r.status === 'error') && SEVERITIES.indexOf(ruleInfo(r.ruleId).severity) <= threshold).length;
  return { report, files, findings };
}

/** A tenant's evidence source: state, or show-json when its tenant stack came from terraform show -json. */
function sourceOf(e: TenantEvidence): EvidenceSource {
  const stack = [...e.stacks.values()].find((s) => !(s instanceof Error) && s.stack.startsWith('tenant-'));
  return stack && !(stack instanceof Error) ? stack.source : 'state';
}

/** The summary printed to the terminal: totals, then every failure and error. */
export function auditSummary(report: AuditReport): string {
  const t = report.totals;
  const lines = [`Audit of ${t.tenants} tenants (${report.source === 'desired' ? 'desired state: the synthesized configuration' : report.source}): ${t.pass} pass, ${t.fail} fail, ${t.error} could not be evaluated, ${t.notApplicable} not applicable; ${t.tenantsFailing} tenants with findings`];
  const rows = report.tenants.flatMap((a) => a.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => [a.tenantId, r.ruleId, ruleInfo(r.ruleId).severity, r.status, r.message.length > 140 ? `${r.message.slice(0, 137)}...` : r.message]));
  if (rows.length > 0) lines.push(table(['TENANT', 'RULE', 'SEVERITY', 'STATUS', 'FINDING'], rows, '  '));
  return lines.join('\n');
}

export function registerAudit(program: Command, io: CliIO): void {
  program
    .command('audit')
    .description("check each tenant's state against the isolation contract and write reports for people and CI")
    .option('--tenant <id>', 'only this tenant (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--state-dir <dir>', 'state files laid out like the state bucket (<dir>/tenants/<id>/tenant.tfstate, ...; terraform show -json output as <key>.json)')
    .option('--from-s3', "read state from the state bucket (each tenant's own prefix and the shared platform state)")
    .option('--live', 'also read AWS: the account in Organizations, and the tenant account through AssumeRole')
    .option('--live-role <name>', 'role to assume in tenant accounts for --live (default: the deployment role)')
    .option('--format <list>', `comma-separated: ${AUDIT_FORMATS.join(', ')}`, 'md,json,junit,html,sarif')
    .option('--out <dir>', 'directory for the reports', 'audit-report')
    .addOption(new Option('--fail-on <severity>', 'exit non-zero on failures of this severity or higher').choices([...SEVERITIES, 'none']).default('low'))
    .action(async (opts: AuditCommandOptions, cmd: Command) => {
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const run = await runAudit(lz, opts, io);
      io.out(auditSummary(run.report));
      io.out(`Reports: ${run.files.map((f) => path.relative(io.cwd, f)).join(', ')}`);
      if (run.findings > 0) throw new CliError(`${run.findings} finding${run.findings === 1 ? '' : 's'} at severity ${opts.failOn} or higher`, EXIT_FINDINGS);
    });
}
