import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { S3Client } from '@aws-sdk/client-s3';
import { sharedStacks, tenantStacks } from '../model/inventory';
import { LandingZone } from '../model/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';
import { RuleContext } from './context';
import { auditReport, auditTenant, TenantEvidence } from './engine';
import type { LiveClients } from './live';
import { gitToplevel, headCommit, isDirty, repoRelative } from '../git/git';
import { AuditReport, EvidenceSource, Provenance, Severity, SEVERITIES } from './model';
import { ruleInfo, RULES } from './pack';
import { AuditFormat, auditFileName, renderAudit } from './report';
import { collectDesiredEvidence, collectStateEvidence, directoryReader, StateReader } from './sources/collect';

/**
 * The audit as a use case: gather each tenant's evidence from the chosen source, run the pack,
 * write the reports. The `lz audit` command, `npm start` and the benchmark all call it.
 */
export type AuditEvidenceChoice =
  /** Synthesize the desired state now (into a temporary folder), or read a synthesis already made. */
  | { readonly kind: 'desired'; readonly synthesized?: string }
  /** State files laid out like the state bucket; `label` names the folder in messages (as the user gave it). */
  | { readonly kind: 'state-dir'; readonly dir: string; readonly label?: string }
  /** The state bucket itself. */
  | { readonly kind: 's3' };

export interface AuditRunOptions {
  /** Only these tenants (ids already checked against the landing zone). @default every tenant */
  readonly tenantIds?: ReadonlyArray<string>;
  readonly evidence: AuditEvidenceChoice;
  /** Also read AWS (Organizations, the tenant account through `roleName`). @default off */
  readonly live?: { readonly roleName?: string };
  readonly formats: ReadonlyArray<AuditFormat>;
  /** Directory the reports are written to (created). */
  readonly outDir: string;
  /** Failures and errors at or above this severity are findings. */
  readonly failOn: Severity | 'none';
  /** ISO time written into the reports (never part of the evaluation). */
  readonly generatedAt: string;
  /** The landing-zone repository (its commit goes into the reports). @default the current directory */
  readonly repoDir?: string;
  /** Reports show passes in detail too (the Markdown lists them; the other formats always do). @default false */
  readonly verbose?: boolean;
}

export interface AuditDeps {
  readonly liveClients?: LiveClients;
  readonly s3?: S3Client;
}

export interface AuditRun {
  readonly report: AuditReport;
  readonly files: string[];
  /** Failures and errors at or above the chosen severity. */
  readonly findings: number;
}

/** A problem with the audit's inputs (a state folder that does not exist). */
export class AuditInputError extends Error {}

/** The time of a report: SOURCE_DATE_EPOCH (the reproducible-builds convention) when set, else now. */
export function reportTime(env: NodeJS.ProcessEnv): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  return new Date(epoch && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : Date.now()).toISOString();
}

function defaultLiveClients(lz: LandingZone): LiveClients {
  /* eslint-disable @typescript-eslint/no-require-imports -- the AWS SDK loads only for --live and --from-s3, not on every start */
  const { OrganizationsClient } = require('@aws-sdk/client-organizations') as typeof import('@aws-sdk/client-organizations');
  const { STSClient } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const { BackupClient } = require('@aws-sdk/client-backup') as typeof import('@aws-sdk/client-backup');
  const { CloudTrailClient } = require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail');
  return {
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    sts: new STSClient({ region: lz.settings.regions.home }),
    dynamodbFor: (credentials, region) => new DynamoDBClient({ region, credentials }),
    backupFor: (credentials, region) => new BackupClient({ region, credentials }),
    cloudtrailFor: (credentials, region) => new CloudTrailClient({ region, credentials }),
  };
}

interface Gathered {
  readonly source: EvidenceSource;
  readonly evidence: TenantEvidence[];
  /** The evidence in plain words, and what its input paths are relative to. */
  readonly evidenceText: string;
  readonly inputsRelativeTo: string;
}

async function gatherEvidence(lz: LandingZone, tenants: LandingZone['tenants'], choice: AuditEvidenceChoice, deps: AuditDeps, repoDir: string): Promise<Gathered> {
  if (choice.kind === 'state-dir') {
    checkStateDir(choice.dir, choice.label ?? choice.dir, tenants);
    const where = displayPath(choice.dir, repoDir);
    return {
      source: 'state',
      evidence: await collectStateEvidence(tenants, directoryReader(choice.dir)),
      evidenceText: `deployed state: Terraform state files (or terraform show -json of them) in ${where}, laid out like the state bucket`,
      inputsRelativeTo: `the state folder ${where}`,
    };
  }
  if (choice.kind === 's3') {
    const bucket = lz.settings.state.bucket;
    const { s3Reader } = require('./sources/s3-reader') as typeof import('./sources/s3-reader');
    const client = deps.s3 ?? new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client({ region: lz.settings.state.region });
    const reader: StateReader = s3Reader(client, bucket);
    return { source: 'state', evidence: await collectStateEvidence(tenants, reader), evidenceText: `deployed state: Terraform state read from the state bucket s3://${bucket}`, inputsRelativeTo: `the state bucket (s3://${bucket}/<key>)` };
  }
  const desired = 'desired configuration: what the manifests would deploy (the synthesized Terraform configuration), not the deployed state';
  if (choice.synthesized) {
    const where = displayPath(choice.synthesized, repoDir);
    return { source: 'desired', evidence: collectDesiredEvidence(tenants, choice.synthesized), evidenceText: `${desired}, read from the synthesis in ${where}`, inputsRelativeTo: `the synthesis ${where}` };
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-audit-'));
  try {
    const result = synthesizeLandingZone(lz, { outdir: path.join(work, 'cdktf.out'), tenantIds: tenants.map((t) => t.manifest.id) });
    return { source: 'desired', evidence: collectDesiredEvidence(tenants, result.outdir), evidenceText: `${desired}, synthesized for this audit`, inputsRelativeTo: 'the synthesis made for this audit (lz synth writes the same files)' };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A folder for reports: relative to the repository when inside it, else its last two parts (never a machine's temporary path). */
function displayPath(dir: string, repoDir: string): string {
  const top = gitToplevel(repoDir);
  if (top) {
    try {
      return repoRelative(top, dir);
    } catch {
      // outside the repository
    }
  }
  return path.basename(dir);
}

/** The tool, the commit and what the evidence is: the provenance every report format states. */
function provenanceOf(repoDir: string, gathered: Gathered, live: boolean): Provenance {
  const top = gitToplevel(repoDir);
  const commit = top ? headCommit(top) : undefined;
  return {
    tool: `lz ${TOOL_VERSION}`,
    ...(commit ? { commit, dirty: isDirty(top!) } : {}),
    evidence: `${gathered.evidenceText}${live ? '; with live reads of AWS (Organizations and the tenant accounts)' : ''}`,
    inputsRelativeTo: gathered.inputsRelativeTo,
  };
}

const TOOL_VERSION: string = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A state folder the audit can read: it exists, is a folder, and holds the state of at least one
 * audited stack. A folder with none (the wrong folder, or one not laid out like the bucket) is
 * one clear error instead of a finding per missing stack.
 */
function checkStateDir(dir: string, shown: string, tenants: LandingZone['tenants']): void {
  if (!fs.existsSync(dir)) throw new AuditInputError(`--state-dir ${shown} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new AuditInputError(`--state-dir ${shown} is not a folder (expected the state files laid out like the state bucket)`);
  const keys = [...new Set([...sharedStacks().filter((s) => s.kind !== 'bootstrap'), ...tenants.flatMap((t) => tenantStacks(t.profile))].map((s) => s.stateKey))];
  if (!keys.some((key) => fs.existsSync(path.join(dir, key)) || fs.existsSync(path.join(dir, `${key}.json`)))) {
    throw new AuditInputError(`--state-dir ${shown} holds no state file of the ${keys.length} audited stacks (expected the bucket's layout, e.g. ${path.join(dir, keys[keys.length - 1])}, or <key>.json from terraform show -json)`);
  }
}

/** Gathers the evidence, runs the rules, writes the reports. */
export async function runAudit(lz: LandingZone, opts: AuditRunOptions, deps: AuditDeps = {}): Promise<AuditRun> {
  const tenants = lz.tenants.filter((t) => !opts.tenantIds || opts.tenantIds.includes(t.manifest.id));
  const repoDir = opts.repoDir ?? process.cwd();
  const gathered = await gatherEvidence(lz, tenants, opts.evidence, deps, repoDir);
  const { source } = gathered;
  let evidence = gathered.evidence;
  if (opts.live) {
    const clients = deps.liveClients ?? defaultLiveClients(lz);
    const roleName = opts.live.roleName;
    evidence = await Promise.all(
      evidence.map(async (e) => {
        const accountId = new RuleContext(lz.settings, e.tenant, e.profile, source, e.stacks).tenantAccountId;
        const { readLiveFacts } = require('./live') as typeof import('./live');
        return { ...e, live: await readLiveFacts(clients, lz.settings, e.tenant, e.profile, accountId, { roleName }) };
      }),
    );
  }

  const audits = evidence.map((e) => auditTenant(lz.settings, e, source === 'state' ? sourceOf(e) : source, RULES, opts.generatedAt));
  const report = auditReport(lz.settings, audits, source, opts.generatedAt, provenanceOf(repoDir, gathered, opts.live !== undefined));
  fs.mkdirSync(opts.outDir, { recursive: true });
  const files = opts.formats.map((f) => {
    const file = path.join(opts.outDir, auditFileName(f));
    fs.writeFileSync(file, renderAudit(report, f, { verbose: opts.verbose }));
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
