import { z } from 'zod';
import { AWS_ACCOUNT_ID, AWS_REGION, EMAIL, IAM_ROLE_NAME, SEMVER, TAGS, visibleText } from './common';
import { SUPPORT_SETTINGS } from './operations';
import { BACKUP_CRON } from './tenant';

/**
 * Landing-zone settings: one file (`landing-zone.yaml`) that says where the estate lives.
 * Same single-source approach as the tenant manifest: types, validation and
 * `landing-zone.schema.json` all come from this schema.
 */
export const SETTINGS_API_VERSION = 'lz/v1';

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const OU_NAME = visibleText(
  z
    .string()
    .regex(/^[\s\S]{1,128}$/, { error: 'an organizational unit name of 1-128 characters' })
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: 'an organizational unit name without control characters' }),
  'display',
  'an organizational unit name',
);

const THROTTLE = z.strictObject({
  rateLimit: z.number().positive({ error: 'requests per second greater than 0' }).max(10000).meta({ description: 'Steady-state requests per second per tenant.' }),
  burstLimit: z.number().int().positive({ error: 'a whole number of requests greater than 0' }).max(5000).meta({ description: 'Burst bucket size per tenant.' }),
});

const QUOTA = z.strictObject({
  maxItems: z.number().int({ error: 'a whole number of items' }).min(1).max(1_000_000_000).meta({ description: 'Items a tenant may store.' }),
  maxFileBytes: z
    .number()
    .int({ error: 'a whole number of bytes' })
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: 'Bytes of files a tenant may store (the sum of its current files).' }),
});

const S3_BUCKET_NAME = z
  .string()
  .min(3)
  .max(63, { error: 'a bucket name of 3-63 characters' })
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, { error: 'an S3 bucket name: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit' })
  .refine((b) => !b.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(b) && !b.startsWith('xn--') && !b.endsWith('-s3alias'), {
    error: 'an S3 bucket name without "..", not an IP address, not starting with xn-- or ending with -s3alias',
  });

/** GitHub `owner/name`: exact characters only, so a trust policy can never hold a wildcard. */
const GITHUB_REPOSITORY = z
  .string({ error: 'a GitHub repository as owner/name, e.g. keypiz/landing-zone' })
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, { error: 'a GitHub repository as owner/name (letters, digits, "-", "_", "."; no wildcards), e.g. keypiz/landing-zone' })
  .refine((r) => !r.endsWith('/.') && !r.endsWith('/..'), { error: 'a GitHub repository name other than "." or ".."' });

/** A git branch name as GitHub's OIDC `sub` claim carries it (refs/heads/<branch>); no wildcards. */
const GIT_BRANCH = z
  .string()
  .regex(/^(?!\/|-)(?!.*(?:\.\.|\/\/|@\{|\.lock$|\/$|\.$))[A-Za-z0-9._\/-]{1,200}$/, { error: 'a branch name such as main or release/2026 (letters, digits, ".", "_", "-", "/"; no wildcards)' });

export const SettingsSchema = z
  .strictObject({
    apiVersion: z.literal(SETTINGS_API_VERSION, { error: `apiVersion: ${SETTINGS_API_VERSION}` }),
    kind: z.literal('LandingZone', { error: 'kind: LandingZone' }),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,7}$/, { error: 'a short prefix of 2-8 lowercase letters and digits, starting with a letter, e.g. kpz' })
      .meta({ description: 'Prefix of every AWS name the landing zone derives.', examples: ['kpz'] }),
    organization: z.strictObject({
      id: z.string().regex(/^o-[a-z0-9]{10,32}$/, { error: 'an organization id such as o-a1b2c3d4e5' }),
      rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/, { error: 'an organization root id such as r-ab12' }),
      managementAccountId: AWS_ACCOUNT_ID,
      platformAccountId: AWS_ACCOUNT_ID,
    }),
    regions: z.strictObject({
      home: AWS_REGION.meta({ description: 'Region of the platform and of the pooled (L1) data.' }),
      allowed: z.array(AWS_REGION).min(1).meta({ description: 'Regions tenants may use; service control policies deny the rest.' }),
    }),
    state: z.strictObject({
      bucket: S3_BUCKET_NAME.meta({ description: 'S3 bucket holding every stack state (created by the bootstrap stack).' }),
      region: AWS_REGION,
    }),
    organizationalUnits: z
      .strictObject({
        platform: OU_NAME.default('Platform'),
        tenantsL2: OU_NAME.default('Tenants-L2'),
        tenantsL3: OU_NAME.default('Tenants-L3'),
        suspended: OU_NAME.default('Suspended'),
      })
      .prefault({}),
    roles: z
      .strictObject({
        deployment: IAM_ROLE_NAME.default('LandingZoneDeployment').meta({ description: 'Role the pipeline assumes in every account; created with each new account.' }),
        breakGlass: IAM_ROLE_NAME.default('LandingZoneBreakGlass').meta({ description: 'Emergency role exempted from the guardrail SCPs.' }),
        pipeline: IAM_ROLE_NAME.default('LandingZonePipeline').meta({
          description: 'Apply role: the main-branch workflow signs in to it (GitHub OIDC) in the management account; it reads and writes state and assumes the deployment roles.',
        }),
        pipelinePlan: IAM_ROLE_NAME.default('LandingZonePipelinePlan').meta({
          description: 'Plan role: pull requests and the drift run sign in to it (GitHub OIDC) in the management account; it reads state, handles lock objects and assumes the read-only plan roles.',
        }),
        plan: IAM_ROLE_NAME.default('LandingZonePlan').meta({
          description: 'Read-only role in every account (describe, list, get; no tenant data items or objects) that plans and drift runs assume.',
        }),
        organizationAccess: IAM_ROLE_NAME.default('OrganizationAccountAccessRole').meta({
          description: 'Role AWS Organizations created in the platform account; only the first bootstrap run (lz synth --bootstrap-local-state) uses it, to create the deployment and plan roles there.',
        }),
      })
      .prefault({}),
    pipeline: z
      .strictObject({
        repository: GITHUB_REPOSITORY.meta({
          description: 'The GitHub repository (owner/name) whose workflows may sign in to the pipeline roles: the OIDC trust policies name it exactly.',
          examples: ['keypiz/landing-zone'],
        }),
        branch: GIT_BRANCH.default('main').meta({ description: 'The branch whose workflow applies (apply role) and runs the drift check.' }),
      })
      .meta({ description: 'Where the pipeline runs: the GitHub repository and branch the landing zone trusts through OIDC.' }),
    platform: z.strictObject({
      appVersion: SEMVER.meta({ description: 'App version the platform runs; L3 tenants may pin another.' }),
      logRetentionDays: z
        .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], {
          error: `one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
        })
        .default(365),
      backup: z
        .strictObject({
          schedule: BACKUP_CRON.default('cron(0 2 * * ? *)'),
          retentionDays: z.number().int().min(7).max(36500).default(35),
        })
        .prefault({})
        .meta({ description: 'Daily backup of the pooled (L1) data.' }),
      identity: z
        .strictObject({
          passwordMinimumLength: z.number().int().min(8, { error: 'at least 8' }).max(99, { error: 'at most 99' }).default(12),
          requireSymbols: z.boolean().default(true),
          temporaryPasswordValidityDays: z.number().int().min(1).max(365).default(3),
          mfa: z.enum(['OFF', 'OPTIONAL', 'ON']).default('ON'),
          selfSignUp: z.boolean().default(false).meta({ description: 'Allow users to sign up themselves; their tenant is never chosen by them.' }),
          featurePlan: z.enum(['ESSENTIALS', 'PLUS']).default('ESSENTIALS').meta({
            description: 'Cognito feature plan of every user pool. PLUS turns on threat protection (compromised credentials, adaptive authentication) in enforced mode; ESSENTIALS has none.',
          }),
          tokenValidityMinutes: z
            .number()
            .int({ error: 'a whole number of minutes' })
            .min(5, { error: 'at least 5 minutes (the Cognito minimum)' })
            .max(60, { error: 'at most 60 minutes' })
            .default(15)
            .meta({ description: 'Lifetime of access and ID tokens: how long a disabled or signed-out user keeps API access at most.' }),
        })
        .prefault({}),
      protection: z
        .strictObject({
          apiRequestsPerIpPer5Minutes: z
            .number()
            .int({ error: 'a whole number of requests' })
            .min(10, { error: 'at least 10 (the AWS WAF minimum)' })
            .max(2_000_000_000)
            .default(3000)
            .meta({ description: 'AWS WAF rate-based rule on every tenant API: requests one IP address may send in 5 minutes before it is blocked.' }),
          signInReservedConcurrency: z
            .number()
            .int({ error: 'a whole number of executions' })
            .min(0)
            .max(1000)
            .default(10)
            .meta({
              description:
                'Concurrent executions reserved for each Cognito trigger of the platform app, so that a flood of API calls cannot starve sign-in; 0 reserves none. The platform account needs a Lambda concurrency quota of at least 100 plus three times this.',
            }),
        })
        .prefault({})
        .meta({ description: 'Flood protection of the apps.' }),
      quotas: z
        .strictObject({
          L1: QUOTA.prefault({ maxItems: 10_000, maxFileBytes: 1_073_741_824 }),
          L2: QUOTA.prefault({ maxItems: 100_000, maxFileBytes: 10_737_418_240 }),
          L3: QUOTA.prefault({ maxItems: 1_000_000, maxFileBytes: 107_374_182_400 }),
        })
        .prefault({})
        .meta({ description: 'Storage each tenant may use through the API, per tier.' }),
      throttling: z
        .strictObject({
          L1: THROTTLE.prefault({ rateLimit: 50, burstLimit: 100 }),
          L2: THROTTLE.prefault({ rateLimit: 200, burstLimit: 400 }),
          L3: THROTTLE.prefault({ rateLimit: 500, burstLimit: 1000 }),
        })
        .prefault({}),
      artifactsBucket: S3_BUCKET_NAME.optional().meta({
        description: 'Bucket of released app builds (app/<version>/<function>.zip), readable by the organization; needed when an L3 tenant pins an app version other than appVersion.',
      }),
      alarmEmail: EMAIL.optional().meta({ description: 'Address subscribed to the platform alarm topic.' }),
    }),
    tags: TAGS.optional(),
    support: SUPPORT_SETTINGS,
  })
  .meta({ title: 'Landing-zone settings', description: 'Where the landing zone lives: organization, accounts, regions, state, names.' });

export type LandingZoneSettings = z.output<typeof SettingsSchema>;
