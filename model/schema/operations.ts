import { z } from 'zod';
import { AWS_REGION, EMAIL } from './common';

/**
 * What running a SaaS on the landing zone asks of a manifest beyond isolation: a cost budget,
 * restore tests that prove the backups, the support policy (read-only support, break-glass)
 * and data residency; and the settings they need. Part of the tenant and settings schemas
 * (tenant.ts, settings.ts), kept in a file of their own. What each means per tier (where a
 * budget lives, how residency is enforced, which support assignments apply, the defaults) is
 * decided in model/profile.ts.
 */

export const BUDGET_ALERT_TYPES = ['actual', 'forecasted'] as const;
export type BudgetAlertType = (typeof BUDGET_ALERT_TYPES)[number];

/** AWS Budgets: at most 5 notifications per budget and 10 e-mail subscribers per notification. */
export const MAX_BUDGET_ALERTS = 5;
export const MAX_BUDGET_RECIPIENTS = 10;

export const SNS_TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const BUDGET_ALERT = z.strictObject({
  thresholdPercent: z
    .number({ error: 'a percentage of the monthly limit, e.g. 80' })
    .int({ error: 'a whole percentage, e.g. 80' })
    .min(1, { error: 'a threshold of at least 1 %' })
    .max(1000, { error: 'a threshold of at most 1000 %' })
    .meta({ description: 'Alert when this percentage of the monthly limit is reached.' }),
  type: z.enum(BUDGET_ALERT_TYPES).optional().meta({ description: 'actual (default): spend so far this month; forecasted: the month-end forecast.' }),
});

export const BUDGET = z
  .strictObject({
    monthlyLimitUsd: z
      .number({ error: 'an amount in US dollars, e.g. 2500' })
      .positive({ error: 'an amount greater than 0' })
      .max(1_000_000_000, { error: 'an amount of at most 1,000,000,000' })
      .refine((n) => Math.round(n * 100) === n * 100, { error: 'an amount with at most two decimals (cents)' })
      .meta({ description: 'Monthly cost limit in US dollars.', examples: [2500] }),
    alerts: z
      .array(BUDGET_ALERT)
      .min(1, { error: 'at least one alert' })
      .max(MAX_BUDGET_ALERTS, { error: `at most ${MAX_BUDGET_ALERTS} alerts (the AWS Budgets limit per budget)` })
      .optional()
      .meta({ description: 'When to alert; default: 80 % and 100 % of actual spend, and 100 % forecasted.' }),
    recipients: z
      .array(EMAIL)
      .min(1, { error: 'at least one recipient' })
      .max(MAX_BUDGET_RECIPIENTS, { error: `at most ${MAX_BUDGET_RECIPIENTS} recipients (the AWS Budgets limit per alert)` })
      .optional()
      .meta({ description: "E-mail addresses alerted; default: the tenant's billing contacts." }),
    snsTopicArn: z
      .string()
      .regex(SNS_TOPIC_ARN_PATTERN, { error: 'an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:billing-alerts' })
      .optional()
      .meta({ description: 'SNS topic that also receives the alerts (its policy must let budgets.amazonaws.com publish).' }),
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    (b.alerts ?? []).forEach((a, i) => {
      const key = `${a.thresholdPercent}/${a.type ?? 'actual'}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['alerts', i], message: `alert ${a.thresholdPercent} % ${a.type ?? 'actual'} repeats alerts[${seen.get(key)}]`, params: { expected: 'each threshold and type once' } });
      } else seen.set(key, i);
    });
    const emails = (b.recipients ?? []).map((e) => e.toLowerCase());
    emails.forEach((e, i) => {
      if (emails.indexOf(e) !== i) ctx.addIssue({ code: 'custom', path: ['recipients', i], message: `recipient ${b.recipients![i]} is listed twice`, params: { expected: 'each recipient once' } });
    });
  })
  .meta({ description: 'Monthly cost budget of the tenant: L2/L3 on its own account, L1 on the cost its TenantId tag attributes.' });

/** What a restore test restores: the items table, the users table, the data bucket. */
export const RESTORE_TEST_RESOURCES = ['items', 'users', 'files'] as const;
export type RestoreTestResource = (typeof RESTORE_TEST_RESOURCES)[number];
export const RESTORE_TEST_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type RestoreTestFrequency = (typeof RESTORE_TEST_FREQUENCIES)[number];

/** AWS Backup keeps a restored test copy for the validation window, at most 168 hours. */
export const MAX_RESTORE_VALIDATION_HOURS = 168;

export const RESTORE_TESTING = z
  .strictObject({
    frequency: z.enum(RESTORE_TEST_FREQUENCIES).optional().meta({ description: 'How often a recovery point is restored to prove it; default weekly.' }),
    hourUtc: z.number().int({ error: 'a whole hour, 0-23' }).min(0, { error: 'an hour of 0-23 (UTC)' }).max(23, { error: 'an hour of 0-23 (UTC)' }).optional().meta({ description: 'Hour (UTC) the test starts; default 5.' }),
    resources: z
      .array(z.enum(RESTORE_TEST_RESOURCES))
      .min(1, { error: 'at least one resource' })
      .refine((r) => new Set(r).size === r.length, { error: 'each resource once' })
      .optional()
      .meta({ description: 'What is restored: items (table), users (table), files (bucket); default all three.' }),
    keepRestoredHours: z
      .number()
      .int({ error: 'a whole number of hours' })
      .min(1, { error: 'at least 1 hour' })
      .max(MAX_RESTORE_VALIDATION_HOURS, { error: `at most ${MAX_RESTORE_VALIDATION_HOURS} hours (the AWS Backup validation window)` })
      .optional()
      .meta({ description: 'Hours a restored copy lives (the validation window) before AWS Backup deletes it; default 24.' }),
  })
  .meta({ description: 'AWS Backup restore testing (L2, L3): restores recovery points on a schedule and deletes the copies afterwards.' });

export const BREAK_GLASS_MODES = ['platform-approval', 'tenant-approval', 'none'] as const;
export type BreakGlassMode = (typeof BREAK_GLASS_MODES)[number];

/** A ticket reference: what the break-glass session is tagged with (tag value characters). */
export const TICKET = z
  .string({ error: 'a ticket reference such as INC-2041' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{1,63}$/, { error: 'a ticket reference of 2-64 letters, digits and ._:/=+@-, e.g. INC-2041' });

/** UTC time written as YYYY-MM-DDTHH:MMZ (seconds optional), checked for a real time. */
export const UTC_TIME = z
  .string({ error: 'a UTC time written as YYYY-MM-DDTHH:MMZ' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/, { error: 'a UTC time written as YYYY-MM-DDTHH:MMZ, e.g. 2026-11-30T18:00Z' })
  .refine((s) => {
    const d = new Date(s);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 16) === s.slice(0, 16);
  }, { error: 'a real UTC time written as YYYY-MM-DDTHH:MMZ' });

export const BREAK_GLASS_GRANT = z
  .strictObject({
    ticket: TICKET.meta({ description: 'The ticket the tenant approved; sessions must carry it as their TicketId tag.' }),
    from: UTC_TIME.meta({ description: 'Start of the approved window (UTC).' }),
    until: UTC_TIME.meta({ description: 'End of the approved window (UTC); the role refuses sessions after it.' }),
  })
  .superRefine((g, ctx) => {
    if (Date.parse(g.until) <= Date.parse(g.from)) ctx.addIssue({ code: 'custom', path: ['until'], message: `until ${g.until} is not after from ${g.from}`, params: { expected: `a time after ${g.from}` } });
  })
  .meta({ description: 'tenant-approval only: the break-glass access the tenant approved (the change itself needs its changeApprovers).' });

export const SUPPORT = z
  .strictObject({
    readOnly: z.boolean({ error: 'true or false' }).optional().meta({ description: 'Platform support may sign in read-only, without access to data; default true.' }),
    breakGlass: z.enum(BREAK_GLASS_MODES).optional().meta({
      description: 'platform-approval (default): on-call engineers may break glass with a ticket; tenant-approval (L3): only with a grant the tenant approved; none: never.',
    }),
    grant: BREAK_GLASS_GRANT.optional(),
    notify: z
      .array(EMAIL)
      .min(1, { error: 'at least one address' })
      .max(10, { error: 'at most 10 addresses' })
      .optional()
      .meta({ description: "Who is alerted when glass is broken (besides the platform's alarm address); default: the tenant's security contacts, else its owner." }),
  })
  .superRefine((s, ctx) => {
    if (s.grant && s.breakGlass !== 'tenant-approval') {
      ctx.addIssue({ code: 'custom', path: ['grant'], message: `a grant applies to breakGlass: tenant-approval only (breakGlass is ${s.breakGlass ?? 'platform-approval'})`, params: { expected: 'breakGlass: tenant-approval, or no grant' } });
    }
  })
  .meta({ description: 'Support access to the tenant account (L2, L3): IAM Identity Center assignments and break-glass.' });

export const RESIDENCY = z
  .array(AWS_REGION)
  .min(1, { error: 'at least one region' })
  .max(30)
  .refine((r) => new Set(r).size === r.length, { error: 'each region once' })
  .meta({
    description: "Regions the tenant's data may live in. L2/L3: a service control policy on the tenant account denies every other region; L1: the platform home region must be one of them.",
    examples: [['eu-west-1', 'eu-central-1']],
  });

const GROUP_NAME = z
  .string()
  .regex(/^[^\u0000-\u001f\u007f-\u009f]{1,1024}$/, { error: 'a group display name of 1-1024 characters without control characters' });

/** StringLike patterns a ticket reference must match (IAM wildcards * and ?). */
const TICKET_PATTERN = z
  .string()
  .regex(/^[A-Za-z0-9._:/=+@*?-]{1,64}$/, { error: 'a ticket pattern with IAM wildcards, e.g. INC-*' })
  .refine((p) => /[A-Za-z0-9]/.test(p), { error: 'a ticket pattern with at least one letter or digit, e.g. INC-* (wildcards alone accept any text as a ticket)' });

/** Landing-zone settings of support access (IAM Identity Center in the management account). */
export const SUPPORT_SETTINGS = z
  .strictObject({
    readOnlyGroup: GROUP_NAME.default('LandingZoneSupport').meta({ description: 'Identity Center group (display name) of platform support: read-only, no data.' }),
    breakGlassGroup: GROUP_NAME.default('LandingZoneBreakGlass').meta({ description: 'Identity Center group (display name) that may break glass.' }),
    readOnlySessionHours: z.number().int().min(1, { error: 'at least 1 hour' }).max(12, { error: 'at most 12 hours (the Identity Center limit)' }).default(4),
    breakGlassSessionHours: z.number().int().min(1, { error: 'at least 1 hour' }).max(12, { error: 'at most 12 hours (the IAM and Identity Center limit)' }).default(1),
    ticketPatterns: z.array(TICKET_PATTERN).min(1, { error: 'at least one pattern' }).default(['INC-*']).meta({ description: 'Ticket references break-glass sessions must carry (TicketId session tag).' }),
    maxGrantHours: z.number().int().min(1).max(720, { error: 'at most 720 hours (30 days)' }).default(72).meta({ description: 'Longest window a tenant-approved break-glass grant may span.' }),
  })
  .prefault({})
  .meta({ description: 'Support access: Identity Center groups, session lengths, ticket references.' });
