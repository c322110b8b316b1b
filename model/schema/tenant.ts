import { z } from 'zod';
import { TIERS } from '../tiers';
import { AWS_ACCOUNT_ID, AWS_REGION, EMAIL, ISO_DATE, REASON, SEMVER, TAGS, visibleText } from './common';
import { BUDGET, RESIDENCY, RESTORE_TESTING, SUPPORT } from './operations';

/**
 * The tenant manifest: one YAML file per tenant in `tenants/`, named `<id>.yaml`.
 * This zod schema is the single source of truth: the TypeScript types are inferred from it,
 * validation runs it, and `npm run schema` writes `tenants/tenant.schema.json` from it.
 *
 * @example
 * apiVersion: lz/v1
 * kind: Tenant
 * id: acme
 * displayName: Acme Corporation
 * tier: L2
 * homeRegion: eu-west-1
 * contacts:
 *   - { name: Jane Doe, email: jane@acme.example, role: owner }
 * account:
 *   email: aws+acme@example.com
 * backup:
 *   schedule: cron(0 3 * * ? *)
 *   retentionDays: 35
 */

export const TENANT_API_VERSION = 'lz/v1';

/** Tenant ids are embedded in every derived AWS name; 20 characters keeps all of them within limits (model/names.ts). */
export const TENANT_ID_MAX_LENGTH = 20;
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Ids that would collide with shared stack names or read as something they are not. */
export const RESERVED_TENANT_IDS = [
  'platform',
  'organization',
  'bootstrap',
  'management',
  'shared',
  'admin',
  'root',
  'aws',
  'all',
  'none',
  'default',
  'system',
  'tenant',
  'tenants',
  'account',
] as const;

export const TENANT_ID = z
  .string({ error: 'a tenant id: 3-20 lowercase letters, digits and single hyphens, starting with a letter' })
  .min(3, { error: 'a tenant id of at least 3 characters' })
  .max(TENANT_ID_MAX_LENGTH, { error: `a tenant id of at most ${TENANT_ID_MAX_LENGTH} characters (it is part of AWS resource names with length limits)` })
  .regex(TENANT_ID_PATTERN, { error: 'lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen, e.g. acme-corp' })
  .refine((id) => !(RESERVED_TENANT_IDS as ReadonlyArray<string>).includes(id), {
    error: `an id that is not reserved (${RESERVED_TENANT_IDS.join(', ')})`,
  })
  .meta({ description: 'Tenant id: part of every AWS name derived for the tenant. Must equal the file name.', examples: ['acme-corp'] });

export const TIER = z.enum(TIERS).meta({ description: 'Isolation tier: L1 pooled, L2 dedicated data, L3 dedicated stack.' });

export const TENANT_STATUSES = ['active', 'suspended', 'offboarding'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const CONTACT_ROLES = ['owner', 'technical', 'billing', 'security', 'operations'] as const;

const CONTACT = z
  .strictObject({
    name: visibleText(z.string().trim().min(1).max(100), 'display', 'a contact name').meta({ description: 'Full name.' }),
    email: EMAIL,
    role: z.enum(CONTACT_ROLES).meta({ description: 'What the contact is for.' }),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, { error: 'a phone number in E.164 form, e.g. +4915123456789' })
      .optional()
      .meta({ description: 'Phone number in E.164 form.' }),
  })
  .meta({ description: 'A person to contact about this tenant.' });

const ACCOUNT = z
  .strictObject({
    email: EMAIL.meta({ description: 'Root e-mail address of the tenant AWS account; unique across the organization.' }),
    id: AWS_ACCOUNT_ID.optional().meta({
      description: 'Existing AWS account to adopt (imported, not re-created). Leave out to create a new account.',
    }),
  })
  .meta({ description: 'The tenant AWS account (L2 and L3).' });

/** AWS Backup schedule: cron(minutes hours day-of-month month day-of-week year), one of the day fields "?". */
export const BACKUP_CRON = visibleText(
  z
  .string()
  .regex(/^cron\(\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s*\)$/, {
    error: 'an AWS cron expression with six fields, e.g. cron(0 3 * * ? *)',
  })
  .refine(
    (s) => {
      const f = s.slice(5, -1).trim().split(/\s+/);
      return (f[2] === '?') !== (f[4] === '?');
    },
    { error: 'a cron expression where exactly one of day-of-month (3rd) and day-of-week (5th) is "?", e.g. cron(0 3 * * ? *)' },
  ),
  'machine',
  'a cron expression',
).meta({ description: 'AWS Backup schedule expression (UTC).', examples: ['cron(0 3 * * ? *)'] });

const BACKUP = z
  .strictObject({
    schedule: BACKUP_CRON,
    retentionDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .min(7, { error: 'a retention of at least 7 days' })
      .max(36500, { error: 'a retention of at most 36500 days' })
      .meta({ description: 'Days a recovery point is kept.' }),
    coldStorageAfterDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .min(1)
      .optional()
      .meta({ description: 'Days until a recovery point moves to cold storage; AWS requires retentionDays >= coldStorageAfterDays + 90.' }),
    restoreTesting: RESTORE_TESTING.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.coldStorageAfterDays !== undefined && b.retentionDays < b.coldStorageAfterDays + 90) {
      ctx.addIssue({
        code: 'custom',
        path: ['retentionDays'],
        message: `retentionDays ${b.retentionDays} is less than coldStorageAfterDays + 90 (${b.coldStorageAfterDays + 90})`,
        params: { expected: `retentionDays of at least ${b.coldStorageAfterDays + 90}, or no coldStorageAfterDays (AWS Backup keeps cold recovery points at least 90 days)` },
      });
    }
  })
  .meta({ description: 'Backup plan of the tenant (L2 and L3).' });

export const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}):(\d{12}):key\/((?:mrk-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const BYOK_MODES = ['imported', 'customer-key'] as const;

const ENCRYPTION = z
  .strictObject({
    byok: z.enum(BYOK_MODES).meta({
      description: 'imported: a key with origin EXTERNAL in the tenant account; the customer imports the key material. customer-key: a key the customer owns in its own AWS account.',
    }),
    keyMaterialImported: z
      .boolean({ error: 'true or false' })
      .optional()
      .meta({ description: 'byok=imported only: set to true once the customer has imported the key material. Until then resources that need the key are not created.' }),
    keyArn: z
      .string()
      .regex(KMS_KEY_ARN_PATTERN, { error: 'a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)' })
      .optional()
      .meta({ description: 'byok=customer-key only: ARN of the customer-owned key in the customer account.' }),
  })
  .superRefine((e, ctx) => {
    if (e.byok === 'customer-key' && e.keyArn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyArn'], message: 'byok is customer-key but keyArn is missing', params: { expected: 'keyArn: the ARN of the customer-owned KMS key' } });
    }
    if (e.byok === 'customer-key' && e.keyMaterialImported !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyMaterialImported'], message: 'keyMaterialImported applies to byok: imported only', params: { expected: 'no keyMaterialImported with byok: customer-key' } });
    }
    if (e.byok === 'imported' && e.keyArn !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyArn'], message: 'keyArn applies to byok: customer-key only; with byok: imported the landing zone creates the key', params: { expected: 'no keyArn with byok: imported' } });
    }
  })
  .meta({ description: 'Bring-your-own-key settings (L3).' });

const OFFBOARDING = z
  .strictObject({
    requestedOn: ISO_DATE.meta({ description: 'Day the tenant asked to leave.' }),
    retentionDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .min(30, { error: 'a retention period of at least 30 days' })
      .max(3650, { error: 'a retention period of at most 3650 days' })
      .meta({ description: 'Days data and keys are kept after access is removed.' }),
    reason: visibleText(z.string().max(500), 'display', 'a reason', { multiline: true }).optional(),
  })
  .meta({ description: 'Offboarding details; required with status: offboarding.' });

export const GITHUB_HANDLE = z
  .string()
  .regex(/^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]{1,100})?$/, { error: 'a GitHub user (@jane) or team (@org/team)' });

/** A move up one tier: L1 to L2 moves the data, L2 to L3 moves the app and its users. */
export const MOVE_IDS = ['L1-L2', 'L2-L3'] as const;
export type MoveId = (typeof MOVE_IDS)[number];

/** Days the old copy of a tenant's data or users is kept after a move, unless the manifest says otherwise. */
export const DEFAULT_MIGRATION_RETENTION_DAYS = 30;

const MIGRATION = z
  .strictObject({
    from: TIER.meta({
      description:
        'The tier the tenant moves up from, one tier below `tier`. L1 to L2: its items, profiles and files are copied from the pooled tables and bucket into its account, verified, and the registry switches only then. L2 to L3: its users move to its own user pool (at their first sign-in, or in bulk) and their profiles with them.',
    }),
    retentionDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .min(7, { error: 'a retention of at least 7 days' })
      .max(3650, { error: 'a retention of at most 3650 days' })
      .default(DEFAULT_MIGRATION_RETENTION_DAYS)
      .meta({ description: `Days the old copy is kept after the switch before it may be deleted (default ${DEFAULT_MIGRATION_RETENTION_DAYS}). It is deleted only with acknowledgements.migrationCleanup.` }),
  })
  .meta({
    description:
      'The move up a tier this tenant made or is making; the record stays until the next move replaces it. `lz migrate` (run by the main workflow after the apply) carries the data or users over.',
  });

const ACKNOWLEDGEMENTS = z
  .strictObject({
    tierDowngrade: z
      .strictObject({
        from: TIER.meta({ description: 'The tier the tenant is moving down from.' }),
        reason: REASON,
      })
      .optional()
      .meta({ description: 'Explicit acknowledgement that this change moves the tenant to a lower tier.' }),
    migrationCleanup: z
      .array(
        z.strictObject({
          move: z.enum(MOVE_IDS).meta({ description: 'The move whose old copy may be deleted: L1-L2 (the pooled items, profiles and files) or L2-L3 (the users in the shared user pool).' }),
          reason: REASON,
          approvedBy: z.array(GITHUB_HANDLE).min(1, { error: 'at least one approver' }).meta({ description: 'Who approved deleting the old copy (GitHub users or teams).' }),
        }),
      )
      .min(1, { error: 'at least one move' })
      .optional()
      .meta({
        description:
          "Deletes the old copy a move left behind, once its retention period has passed and the move was verified: `lz migrate` deletes it then, never before. Until then the audit reports where the tenant's data is and flags a copy kept past its retention.",
      }),
    dataDestruction: z
      .strictObject({
        reason: REASON,
        approvedBy: z.array(GITHUB_HANDLE).min(1, { error: 'at least one approver' }).meta({ description: 'Who approved destroying the data (GitHub users or teams).' }),
      })
      .optional()
      .meta({
        description:
          'Only with status: offboarding, after the retention period: lifts the destroy protection of the tenant\'s data-bearing resources so that a change may delete or replace them. Without it, plans that would do so fail.',
      }),
  })
  .meta({ description: 'Explicit acknowledgements of changes that are refused without one.' });


export const TenantSchema = z
  .strictObject({
    apiVersion: z.literal(TENANT_API_VERSION, { error: `apiVersion: ${TENANT_API_VERSION}` }),
    kind: z.literal('Tenant', { error: 'kind: Tenant' }),
    id: TENANT_ID,
    displayName: visibleText(
      z
        .string()
        .trim()
        .min(1, { error: 'a display name of 1-100 characters' })
        .max(100, { error: 'a display name of 1-100 characters' })
        .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: 'a display name without control characters' }),
      'display',
      'a display name',
    ).meta({ description: 'Human-readable tenant name.' }),
    tier: TIER,
    status: z.enum(TENANT_STATUSES).default('active').meta({
      description: 'active; suspended (sign-in disabled, nothing destroyed); offboarding (access removed, data kept for offboarding.retentionDays).',
    }),
    homeRegion: AWS_REGION.meta({ description: 'Region of the tenant data; must be in the landing zone allow-list (L1: the platform home region).' }),
    contacts: z
      .array(CONTACT)
      .min(1, { error: 'at least one contact' })
      .max(20, { error: 'at most 20 contacts' })
      .meta({ description: 'People to contact; at least one.' }),
    account: ACCOUNT.optional(),
    backup: BACKUP.optional(),
    encryption: ENCRYPTION.optional(),
    changeApprovers: z
      .array(GITHUB_HANDLE)
      .min(1, { error: 'at least one approver' })
      .max(20)
      .optional()
      .meta({ description: 'GitHub users or teams that approve changes to this tenant (L3, required).' }),
    appVersion: SEMVER.optional().meta({ description: 'App version pin (L3 only); defaults to the platform app version.' }),
    tags: TAGS.optional(),
    offboarding: OFFBOARDING.optional(),
    migration: MIGRATION.optional(),
    acknowledgements: ACKNOWLEDGEMENTS.optional(),
    budget: BUDGET.optional(),
    support: SUPPORT.optional(),
    residency: RESIDENCY.optional(),
  })
  .meta({ title: 'Tenant manifest', description: 'One tenant of the landing zone. File name: tenants/<id>.yaml.' });

export type TenantManifest = z.output<typeof TenantSchema>;
