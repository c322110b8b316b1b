import { MigrationEvidence, migrationEvidenceKey } from '../model/migration';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantProfile } from '../model/profile';
import { TenantManifest } from '../model/schema/tenant';
import { LiveFacts, RuleContext } from './context';
import { EvidenceError, StackEvidence } from './evidence';
import { AuditReport, EvidenceSource, Provenance, RuleResult, StackInput, TenantAudit, totalsOf } from './model';
import { RULE_INFO, RULES } from './pack';
import { AuditRule } from './rule';

export interface TenantEvidence {
  readonly tenant: TenantManifest;
  readonly profile: TenantProfile;
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
  const tenantCtx = new RuleContext(settings, evidence.tenant, evidence.profile, source, evidence.stacks, evidence.live, undefined, evidence.migration, asOf);
  const results: RuleResult[] = rules.map((rule) => {
    if (!rule.tiers.includes(evidence.tenant.tier)) {
      return { ruleId: rule.id, status: 'not-applicable', message: `applies to ${rule.tiers.join(', ')}`, evidence: [] };
    }
    const ctx = tenantCtx.forScope(rule.scope);
    try {
      return { ruleId: rule.id, ...rule.check(ctx), stacks: ctx.stacksRead };
    } catch (e) {
      const why = e instanceof EvidenceError ? e.message : `could not evaluate: ${(e as Error).message}`;
      return { ruleId: rule.id, status: 'error', message: why, evidence: [], stacks: ctx.stacksRead };
    }
  });
  const stacks: StackInput[] = [...evidence.stacks.entries()].map(([stack, e]) => (e instanceof EvidenceError ? { stack, input: e.input, problem: e.message } : { stack, input: e.input }));
  const { migration } = evidence;
  const migrationKey = migrationEvidenceKey(evidence.tenant.id);
  if (migration instanceof EvidenceError) stacks.push({ stack: migrationKey, input: migration.input, problem: migration.message });
  else if (migration && evidence.migrationInput) stacks.push({ stack: migrationKey, input: evidence.migrationInput });
  const problems = stacks.flatMap((s) => (s.problem === undefined ? [] : [s.problem]));
  return { tenantId: evidence.tenant.id, tier: evidence.tenant.tier, status: evidence.tenant.status, source, stacks, results, problems: [...problems, ...(evidence.live?.problems ?? [])] };
}

export function auditReport(settings: LandingZoneSettings, tenants: ReadonlyArray<TenantAudit>, source: EvidenceSource, generatedAt: string, provenance: Provenance): AuditReport {
  return { landingZone: settings.name, generatedAt, source, provenance, rules: RULE_INFO, tenants, totals: totalsOf(tenants) };
}
