import { z } from 'zod';
import { HIDDEN_CHARACTER_CODE, hiddenCharacter, HIDDEN_CHARACTER_RULES, TextKind } from '../text-safety';

/**
 * Building blocks shared by the tenant manifest and the landing-zone settings schemas.
 * The `error` text of each format check is phrased as what *would* be valid: the
 * diagnostics layer prints it as the "expected" part of the message.
 */

export const AWS_ACCOUNT_ID = z
  .string({ error: 'a 12-digit AWS account id as a quoted string, e.g. "123456789012"' })
  .regex(/^\d{12}$/, { error: 'a 12-digit AWS account id, e.g. "123456789012"' })
  .meta({ description: 'AWS account id: 12 digits, quoted so YAML keeps leading zeros.', examples: ['123456789012'] });

export const AWS_REGION = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/, { error: 'an AWS region code such as eu-west-1 or us-east-1' })
  .meta({ description: 'AWS region code.', examples: ['eu-west-1'] });

/**
 * The address forms AWS Organizations accepts for account root users: ASCII local part,
 * a dotted domain, at most 64 characters in all (the CreateAccount limit).
 */
export const EMAIL = z
  .string()
  .max(64, { error: 'an e-mail address of at most 64 characters' })
  .regex(/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/, {
    error: 'an e-mail address such as ops@example.com',
  })
  .refine((s) => !s.includes('..') && !s.startsWith('.') && !s.split('@')[0].endsWith('.'), { error: 'an e-mail address without empty dot-separated parts' })
  .meta({ description: 'E-mail address.', examples: ['aws+acme@example.com'] });

export const SEMVER = z
  .string()
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/, {
    error: 'a semantic version such as 2.4.1 (no leading "v")',
  })
  .meta({ description: 'Semantic version of the application.', examples: ['2.4.1'] });

/** Date as YAML writes it unquoted under the 1.2 core schema: YYYY-MM-DD, checked for a real calendar day. */
export const ISO_DATE = z
  .string({ error: 'a date written as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date written as YYYY-MM-DD, e.g. 2026-11-30' })
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, { error: 'a real calendar date written as YYYY-MM-DD' })
  .meta({ description: 'Calendar date, YYYY-MM-DD.', examples: ['2026-11-30'] });

/** IAM role name rules: 1-64 characters of `\w+=,.@-`. */
export const IAM_ROLE_NAME = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, { error: 'an IAM role name: 1-64 characters of letters, digits and +=,.@_-' })
  .meta({ description: 'IAM role name.' });

/**
 * Text without the characters that hide what it says: `machine` text (read by AWS or by the
 * pipeline: schedules, tag keys and values) holds no control, format (zero-width, bidirectional),
 * line-separator or non-ASCII space characters; `display` text (names, reasons) holds no control
 * characters, bidirectional overrides or isolates, or zero-width spaces. The error names the
 * code point and its position, never echoes the text (a bidirectional override would reorder
 * the log line that prints it).
 */
export function visibleText<T extends z.ZodString>(schema: T, kind: TextKind, what: string, opts: { multiline?: boolean } = {}): T {
  return schema.superRefine((text, ctx) => {
    const found = hiddenCharacter(text, kind, opts);
    if (!found) return;
    ctx.addIssue({
      code: 'custom',
      message: `${what} contains ${found.description} (U+${found.codePoint}) at character ${found.index + 1}`,
      params: { code: HIDDEN_CHARACTER_CODE, expected: `${what} without ${HIDDEN_CHARACTER_RULES[kind]}${opts.multiline ? ' (line breaks are allowed)' : ''}` },
    });
  }) as T;
}

export const AWS_TAG_KEY = visibleText(
  z
    .string()
    .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { error: 'a tag key of 1-128 letters, digits, spaces and _.:/=+-@' })
    .refine((k) => !k.toLowerCase().startsWith('aws:'), { error: 'a tag key that does not start with "aws:" (reserved by AWS)' }),
  'machine',
  'a tag key',
);

export const AWS_TAG_VALUE = visibleText(
  z.string({ error: 'a tag value as a string (quote numbers and booleans)' }).regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, { error: 'a tag value of 0-256 letters, digits, spaces and _.:/=+-@' }),
  'machine',
  'a tag value',
);

/** Extra tags; AWS allows 50 per resource and the landing zone sets a few itself. */
export const TAGS = z
  .record(AWS_TAG_KEY, AWS_TAG_VALUE)
  .refine((t) => Object.keys(t).length <= 40, { error: 'at most 40 extra tags (AWS allows 50 per resource; the landing zone sets the rest)' })
  .meta({ description: 'Extra tags put on every resource of this scope.', examples: [{ CostCenter: 'cc-1234' }] });


export const REASON = visibleText(z.string().trim().min(10, { error: 'a reason of at least 10 characters that a reviewer can understand' }).max(500), 'display', 'a reason', { multiline: true });
