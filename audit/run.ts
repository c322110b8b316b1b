import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { sharedStacks, tenantStacks } from '../model/inventory';
import { LandingZone } from '../model/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';
import { RuleContext } from './context';
import { auditReport, auditTenant, TenantEvidence } from './engine';
import { LiveClients, readLiveFacts } from './live';
import { AuditReport, EvidenceSource, Severity, SEVERITIES } from './model';
import { ruleInfo } from './pack';
import { AuditFormat, auditFileName, renderAudit } from './report';
import { collectDesiredEvidence, collectStateEvidence, directoryReader, StateReader } from './sources/collect';
import { s3Reader } from './sources/s3-reader';

/**
 * The audit as a use case: gather each tenant's evidence from the chosen source, run the pack,
 * write the reports. The `lz audit` command, `npm start` and the benchmark all call it.
 */
export type AuditEvidenceChoice =
  /** Synthesize the desired state now (into a temporary folder), or read a synthesis already made. */
  | { readonly kind: 'desired'; readonly synthesized?: string }
  /** State files laid out like the state bucket. */
  | { readonly kind: 'state-dir'; readonly dir: string }
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
  return {
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    sts: new STSClient({ region: lz.settings.regions.home }),
    dynamodbFor: (credentials, region) => new DynamoDBClient({ region, credentials }),
  };
}

async function gatherEvidence(lz: LandingZone, tenants: LandingZone['tenants'], choice: AuditEvidenceChoice, deps: AuditDeps): Promise<{ source: EvidenceSource; evidence: TenantEvidence[] }> {
  if (choice.kind === 'state-dir' || choice.kind === 's3') {
    let reader: StateReader;
    if (choice.kind === 'state-dir') {
      checkStateDir(choice.dir, tenants);
      reader = directoryReader(choice.dir);
    } else {
      reader = s3Reader(deps.s3 ?? new S3Client({ region: lz.settings.state.region }), lz.settings.state.bucket);
    }
    return { source: 'state', evidence: await collectStateEvidence(tenants, reader) };
  }
  if (choice.synthesized) return { source: 'desired', evidence: collectDesiredEvidence(tenants, choice.synthesized) };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-audit-'));
  try {
    const result = synthesizeLandingZone(lz, { outdir: path.join(work, 'cdktf.out'), tenantIds: tenants.map((t) => t.manifest.id) });
    return { source: 'desired', evidence: collectDesiredEvidence(tenants, result.outdir) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A state folder the audit can read: it exists, is a folder, and holds the state of at least one
 * audited stack. A folder with none (the wrong folder, or one not laid out like the bucket) is
 * one clear error instead of a finding per missing stack.
 */
function checkStateDir(dir: string, tenants: LandingZone['tenants']): void {
  if (!fs.existsSync(dir)) throw new AuditInputError(`--state-dir ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new AuditInputError(`--state-dir ${dir} is not a folder (expected the state files laid out like the state bucket)`);
  const keys = [...new Set([...sharedStacks().filter((s) => s.kind !== 'bootstrap'), ...tenants.flatMap((t) => tenantStacks(t.profile))].map((s) => s.stateKey))];
  if (!keys.some((key) => fs.existsSync(path.join(dir, key)) || fs.existsSync(path.join(dir, `${key}.json`)))) {
    throw new AuditInputError(`--state-dir ${dir} holds no state file of the ${keys.length} audited stacks (expected the bucket's layout, e.g. ${path.join(dir, keys[keys.length - 1])}, or <key>.json from terraform show -json)`);
  }
}

/** Gathers the evidence, runs the rules, writes the reports. */
export async function runAudit(lz: LandingZone, opts: AuditRunOptions, deps: AuditDeps = {}): Promise<AuditRun> {
  const tenants = lz.tenants.filter((t) => !opts.tenantIds || opts.tenantIds.includes(t.manifest.id));
  const gathered = await gatherEvidence(lz, tenants, opts.evidence, deps);
  const { source } = gathered;
  let evidence = gathered.evidence;
  if (opts.live) {
    const clients = deps.liveClients ?? defaultLiveClients(lz);
    const roleName = opts.live.roleName;
    evidence = await Promise.all(
      evidence.map(async (e) => {
        const accountId = new RuleContext(lz.settings, e.tenant, e.profile, source, e.stacks).tenantAccountId;
        return { ...e, live: await readLiveFacts(clients, lz.settings, e.tenant, e.profile, accountId, { roleName }) };
      }),
    );
  }

  const audits = evidence.map((e) => auditTenant(lz.settings, e, source === 'state' ? sourceOf(e) : source));
  const report = auditReport(lz.settings, audits, source, opts.generatedAt);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const files = opts.formats.map((f) => {
    const file = path.join(opts.outDir, auditFileName(f));
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
