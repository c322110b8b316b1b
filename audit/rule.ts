import { Tier } from '../model/tiers';
import { RuleContext, RuleScope } from './context';
import { Evidence, RuleStatus } from './model';

/** What a rule's check returns; the engine adds the rule id and turns exceptions into `error`. */
export interface RuleOutcome {
  readonly status: Exclude<RuleStatus, 'error'>;
  readonly message: string;
  readonly evidence: ReadonlyArray<Evidence>;
}

/**
 * One compliance rule: a pure function of the evidence of one tenant, within the scope it
 * declares (the stacks by role, the resource types it judges; see RuleScope).
 */
export interface AuditRule {
  readonly id: string;
  readonly tiers: ReadonlyArray<Tier>;
  readonly scope: RuleScope;
  check(ctx: RuleContext): RuleOutcome;
}

export function pass(message: string, evidence: ReadonlyArray<Evidence>): RuleOutcome {
  return { status: 'pass', message, evidence };
}

export function fail(message: string, evidence: ReadonlyArray<Evidence>): RuleOutcome {
  return { status: 'fail', message, evidence };
}

export function notApplicable(message: string, evidence: ReadonlyArray<Evidence> = []): RuleOutcome {
  return { status: 'not-applicable', message, evidence };
}

/** Pass when no problem was found, else fail listing them. */
export function verdict(problems: ReadonlyArray<string>, ok: string, evidence: ReadonlyArray<Evidence>): RuleOutcome {
  return problems.length === 0 ? pass(ok, evidence) : fail(problems.join('; '), evidence);
}
