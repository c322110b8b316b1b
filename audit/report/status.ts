import { RuleResult, RuleStatus } from '../model';

/**
 * How each result status is shown to people. One table, so every format labels the four
 * statuses the same way.
 */
export const STATUS_LABELS: Record<RuleStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  'not-applicable': 'not applicable',
};

/** Symbols for the Markdown summary table (GitHub renders the emoji). */
export const STATUS_SYMBOLS: Record<RuleStatus, string> = {
  pass: '✅',
  fail: '❌',
  error: '⚠️',
  'not-applicable': '—',
};

/** A fail or an error: something an auditor must look at. An error is a rule that could not decide. */
export function needsAttention(result: Pick<RuleResult, 'status'>): boolean {
  return result.status === 'fail' || result.status === 'error';
}
