/**
 * EventBridge event-pattern matching for the subset of the pattern language the landing zone
 * writes and audits: exact values, `prefix`, `exists` and `anything-but` (value or list), on
 * nested fields. No local implementation of TestEventPattern is published on npm; this one
 * refuses what it does not know (an unknown operator throws), so a pattern it cannot evaluate
 * never counts as "does not match".
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export type Pattern = { readonly [key: string]: ReadonlyArray<unknown> | Pattern };

function leafMatches(rule: unknown, present: boolean, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return present && rule === value;
  const ops = Object.entries(rule as Record<string, unknown>);
  if (ops.length !== 1) throw new Error(`unsupported pattern operator ${JSON.stringify(rule)}`);
  const [op, arg] = ops[0];
  switch (op) {
    case 'prefix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'exists':
      return arg === present;
    case 'anything-but': {
      const excluded = Array.isArray(arg) ? arg : [arg];
      return present && !excluded.includes(value);
    }
    default:
      throw new Error(`unsupported pattern operator "${op}"`);
  }
}

function fieldMatches(rules: ReadonlyArray<unknown>, present: boolean, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  // An array in the event matches when any of its elements matches any rule.
  return rules.some((rule) => (present ? values.some((v) => leafMatches(rule, true, v)) : leafMatches(rule, false, undefined)));
}

export function matchesPattern(event: Readonly<Record<string, unknown>>, pattern: Pattern): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    const present = Object.prototype.hasOwnProperty.call(event, key);
    const value = event[key];
    if (Array.isArray(rule)) {
      if (!fieldMatches(rule, present, value)) return false;
    } else {
      if (!present || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      if (!matchesPattern(value as Record<string, unknown>, rule as Pattern)) return false;
    }
  }
  return true;
}
