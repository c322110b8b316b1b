import { MigrationEvidence } from '../model/migration';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantManifest } from '../model/schema/tenant';
import { LiveFacts, RuleContext } from './context';
import { EvidenceError, StackEvidence } from './evidence';
import { AuditReport, EvidenceSource, RuleResult, TenantAudit, totalsOf } from './model';
import { RULE_INFO, RULES } from './pack';
import { AuditRule } from './rule';

export interface TenantEvidence {
  readonly tenant: TenantManifest;
  /** Evidence by stack name: this tenant's stacks and the shared ones; an EvidenceError where reading failed. */
  readonly stacks: ReadonlyMap<string, StackEvidence | EvidenceError>;
  readonly live?: LiveFacts;
  /** What `lz migrate` recorded of the tenant's moves (state sources only); an EvidenceError when unreadable. */
  readonly migration?: MigrationEvidence | EvidenceError;
  /** Where that evidence was read from. */
  readonly migrationInput?: string;
}

/**
 * Runs every rule for one tenant. A rule that cannot decide (missing or unreadable evidence, an
 * unexpected exception) yields `error`, never a pass; tiers a rule does not cover yield
 * `not-applicable`.
 */
export function auditTenant(settings: LandingZoneSettings, evidence: TenantEvidence, source: EvidenceSource, rules: ReadonlyArray<AuditRule> = RULES, asOf?: string): TenantAudit {
  const ctx = new RuleContext(settings, evidence.tenant, source, evidence.stacks, evidence.live, evidence.migration, asOf);
  const results: RuleResult[] = rules.map((rule) => {
    if (!rule.tiers.includes(evidence.tenant.tier)) {
      return { ruleId: rule.id, status: 'not-applicable', message: `applies to ${rule.tiers.join(', ')}`, evidence: [] };
    }
    try {
      return { ruleId: rule.id, ...rule.check(ctx) };
    } catch (e) {
      const why = e instanceof EvidenceError ? e.message : `could not evaluate: ${(e as Error).message}`;
      return { ruleId: rule.id, status: 'error', message: why, evidence: [] };
    }
  });
  const problems = [...evidence.stacks.values(), ...(evidence.migration instanceof EvidenceError ? [evidence.migration] : [])].filter((s): s is EvidenceError => s instanceof EvidenceError).map((e) => e.message);
  const inputs = [...[...evidence.stacks.values()].filter((s): s is StackEvidence => !(s instanceof EvidenceError)).map((s) => s.input), ...(evidence.migrationInput ? [evidence.migrationInput] : [])];
  return { tenantId: evidence.tenant.id, tier: evidence.tenant.tier, status: evidence.tenant.status, source, inputs, results, problems: [...problems, ...(evidence.live?.problems ?? [])] };
}

export function auditReport(settings: LandingZoneSettings, tenants: ReadonlyArray<TenantAudit>, source: EvidenceSource, generatedAt: string): AuditReport {
  return { landingZone: settings.name, generatedAt, source, rules: RULE_INFO, tenants, totals: totalsOf(tenants) };
}
