/**
 * The audit's data model: what rules produce and what the reports render. Plain data, JSON-
 * serializable, so the JSON report is this model and the other formats are views of it.
 */
import { Tier } from '../model/tiers';

export type RuleStatus = 'pass' | 'fail' | 'not-applicable' | 'error';
export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: ReadonlyArray<Severity> = ['high', 'medium', 'low'];

/** Which evidence a result rests on. */
export type EvidenceSource = 'state' | 'show-json' | 'desired' | 'live';

/** One fact a rule looked at: where it is and what it says. */
export interface Evidence {
  /** Stack the resource belongs to (e.g. `tenant-acme`). */
  readonly stack: string;
  /** Terraform address (`aws_dynamodb_table.items_table_1A2B`) or an AWS identifier for live checks. */
  readonly address: string;
  readonly attribute: string;
  /** The value found, as JSON-compatible data (policies parsed, long strings kept whole). */
  readonly value: unknown;
}

export interface RuleResult {
  readonly ruleId: string;
  readonly status: RuleStatus;
  /** One sentence: what was found. */
  readonly message: string;
  readonly evidence: ReadonlyArray<Evidence>;
  /** The stacks whose evidence the result rests on (from the rule's declared scope). */
  readonly stacks?: ReadonlyArray<string>;
}

/** A rule as the pack defines it (the function lives in its own module). */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly tiers: ReadonlyArray<Tier>;
  /** Point of the isolation contract (DESIGN.md) the rule checks, e.g. "4. Keys". */
  readonly contract: string;
  /** Why it matters, for the report. */
  readonly rationale: string;
  /** What the rule reads: stacks by role, and the resource types it judges. */
  readonly scope: { readonly stacks: ReadonlyArray<string>; readonly resourceTypes: ReadonlyArray<string> };
}

/** Where one stack's evidence came from, kept per stack from the sources to the renderers. */
export interface StackInput {
  readonly stack: string;
  /** File, S3 URI or synthesized configuration it was read from (or was to be read from). */
  readonly input: string;
  /** Why it could not be read; absent when it was. */
  readonly problem?: string;
}

export interface TenantAudit {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly status: string;
  readonly source: EvidenceSource;
  /** Where each stack's evidence came from (files or S3 keys), for the auditor and the SARIF locations. */
  readonly stacks: ReadonlyArray<StackInput>;
  readonly results: ReadonlyArray<RuleResult>;
  /** Problems reading this tenant's evidence (corrupt state, missing stacks); the rules that needed it report `error`. */
  readonly problems: ReadonlyArray<string>;
}

/** The inputs whose evidence was read, in the order the stacks were collected. */
export function inputsRead(tenant: Pick<TenantAudit, 'stacks'>): string[] {
  return tenant.stacks.filter((s) => s.problem === undefined).map((s) => s.input);
}

/** The input a stack's evidence was read from, or undefined when it was not read. */
export function inputOfStack(tenant: Pick<TenantAudit, 'stacks'>, stack: string): string | undefined {
  const found = tenant.stacks.find((s) => s.stack === stack);
  return found && found.problem === undefined ? found.input : undefined;
}

export interface AuditTotals {
  readonly tenants: number;
  readonly pass: number;
  readonly fail: number;
  readonly notApplicable: number;
  readonly error: number;
  /** Tenants with at least one fail or error. */
  readonly tenantsFailing: number;
}

/** Where a report comes from, stated in every format so that an auditor can trace it. */
export interface Provenance {
  /** The tool and its version, e.g. `lz 0.1.0`. */
  readonly tool: string;
  /** The landing-zone repository's commit the audit ran at; absent outside a git repository. */
  readonly commit?: string;
  /** The working tree had uncommitted changes (the manifests may differ from the commit). */
  readonly dirty?: boolean;
  /** The evidence in plain words: the desired configuration or the deployed state, and where it was read. */
  readonly evidence: string;
  /** What the stacks' input paths are relative to (the synthesis, the state directory or the state bucket). */
  readonly inputsRelativeTo: string;
}

/** The provenance as one sentence (HTML header, JUnit and SARIF descriptions). */
export function provenanceText(p: Provenance): string {
  const commit = p.commit ? `commit ${p.commit.slice(0, 12)}${p.dirty ? ' with uncommitted changes' : ''}` : 'no git commit';
  return `${p.tool} at ${commit}. Evidence: ${p.evidence}. Input paths are relative to ${p.inputsRelativeTo}.`;
}

export interface AuditReport {
  readonly landingZone: string;
  /** ISO time of the run (reports only; never part of the evaluation). */
  readonly generatedAt: string;
  readonly source: EvidenceSource;
  readonly provenance: Provenance;
  readonly rules: ReadonlyArray<RuleInfo>;
  readonly tenants: ReadonlyArray<TenantAudit>;
  readonly totals: AuditTotals;
}

export function totalsOf(tenants: ReadonlyArray<TenantAudit>): AuditTotals {
  const all = tenants.flatMap((t) => t.results);
  return {
    tenants: tenants.length,
    pass: all.filter((r) => r.status === 'pass').length,
    fail: all.filter((r) => r.status === 'fail').length,
    notApplicable: all.filter((r) => r.status === 'not-applicable').length,
    error: all.filter((r) => r.status === 'error').length,
    tenantsFailing: tenants.filter((t) => t.results.some((r) => r.status === 'fail' || r.status === 'error')).length,
  };
}
