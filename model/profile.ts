import { SESSION_VENDING_FUNCTIONS } from '../functions/shared/contracts';
import { PlannedMove, plannedMove } from './migration';
import { platformNames, tenantNames } from './names';
import { LandingZoneSettings } from './schema/settings';
import { BreakGlassMode, BudgetAlertType, RESTORE_TEST_RESOURCES, RestoreTestFrequency, RestoreTestResource } from './schema/operations';
import { BYOK_MODES, TenantManifest, TenantStatus } from './schema/tenant';
import { TENANT_TAG_KEYS } from './tags';
import { isDedicated, Tier, TIER_RANK } from './tiers';

/**
 * What a tenant's tier means, decided once: `tenantProfile(settings, manifest)` is the one
 * function that says where a tenant lives, which OU its account sits in, whose app serves it at
 * which version, which key encrypts its data and who controls that key, whether its BYOK is in
 * effect, where its backups go, who approves its changes and which roles may vend its sessions.
 * The stack inventory, the stacks, validation, `lz codeowners`, the pipeline guards and the
 * audit all read the profile; none of them re-derives these facts from manifest fields.
 *
 * The combinations (status only changes the rows at the bottom):
 *
 * | tier | BYOK mode | key material | account (OU) | app (version) | data key (controlled by) | vault | BYOK state |
 * |---|---|---|---|---|---|---|---|
 * | L1 | - | - | platform account | platform (platform's) | platform key (platform) | platform daily | not applicable |
 * | L2 | - | - | own (tenantsL2) | platform (platform's) | tenant key (landing zone) | tenant vault | not applicable |
 * | L3 | imported | imported | own (tenantsL3) | own (pin, else platform's) | BYOK key (customer) | tenant vault + locked vault | in effect |
 * | L3 | imported | not yet | own (tenantsL3) | platform (platform's; the pin waits) | tenant key (landing zone) | tenant vault | **pending** |
 * | L3 | customer-key | - | own (tenantsL3) | own (pin, else platform's) | customer's key (customer) | tenant vault + locked vault | in effect |
 *
 * BYOK pending (DESIGN.md): an L3 tenant with `byok: imported` whose key material has not
 * arrived runs like L2 (shared app, landing-zone key) until `keyMaterialImported: true`. The
 * BYOK key already exists (origin EXTERNAL, no material). An app-version pin does not take
 * effect while pending: the platform app serves the tenant at the platform's version.
 *
 * | status | account OU (L2/L3) | sign-in, API key | event routes | data-access role (L2/L3) | destroy protection |
 * |---|---|---|---|---|---|
 * | active | tier OU | on | on | present | on |
 * | suspended | tier OU | disabled | on | present | on |
 * | offboarding | suspended OU | removed | off | removed | on, unless `acknowledgements.dataDestruction` |
 *
 * Every L2/L3 tenant keeps its landing-zone key and first vault in every tier, so moves up are
 * in-place updates (the vault keeps the recovery points written under that key).
 *
 * Running the tenant (cost, restore tests, support, residency):
 *
 * | tier | budget (stack, account, filter) | restore tests | support assignments | break-glass | residency enforced by |
 * |---|---|---|---|---|---|
 * | L1 | tenant stack, platform account, tag `TenantId` | platform's (none per tenant) | none (platform-wide) | none | validation: the platform home region must be allowed |
 * | L2 | account stack, management account, linked account | plan on the tenant vault | read-only, break-glass | platform-approval or none | an SCP attached to the tenant account |
 * | L3 | account stack, management account, linked account | plan on the vault backups go to (locked once BYOK is in effect) | read-only, break-glass while allowed | platform-approval, tenant-approval (only during an approved grant) or none | an SCP attached to the tenant account |
 *
 * A budget exists only when the manifest has one; its alerts go to `budget.recipients`, else the
 * billing contacts. Restore tests default to weekly, every data resource, copies kept 24 hours.
 * Support defaults to read-only on and break-glass with platform approval; break-glass alerts go
 * to `support.notify`, else the security contacts, else the owner (and always the platform).
 */
export interface TenantProfile {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly status: TenantStatus;
  /** An AWS account of the tenant's own (L2, L3). */
  readonly dedicated: boolean;
  readonly account: AccountPlacement;
  /** Region of the tenant's data and resources: the platform home region for L1. */
  readonly region: string;
  readonly app: AppAssignment;
  readonly byok: ByokProfile;
  /** The key that encrypts the tenant's data now. */
  readonly dataKey: DataKey;
  /** L2/L3: the landing zone's key of this tenant (kept in L3 for what was written under it). */
  readonly landingZoneKeyAlias?: string;
  /** L3 `byok: imported`: the key of origin EXTERNAL, present whether or not material arrived. */
  readonly byokKeyAlias?: string;
  readonly backup: BackupAssignment;
  /** L3: the deployment environment whose reviewers approve the tenant's changes. */
  readonly approval?: ApprovalGate;
  /**
   * The roles of the serving app that vend tenant-scoped sessions (trusted by the data-access
   * role), and while a move up a tier is under way the platform's migration role, through which
   * `lz migrate` reaches the tenant's data with the same tagged sessions.
   */
  readonly sessionVending: { readonly account: AccountSide; readonly roleNames: ReadonlyArray<string>; readonly migrationRole?: string };
  /**
   * The move up a tier the manifest records (`migration.from`), if any: what `lz migrate` does
   * after the apply, and what the stacks keep for it until its cleanup is acknowledged.
   */
  readonly move?: PlannedMove;
  /** The role tenant-scoped sessions assume. Pooled: the shared role of the platform. */
  readonly dataAccessRole: { readonly account: AccountSide; readonly name: string; readonly present: boolean };
  readonly data: DataPlacement;
  readonly access: AccessState;
  /** Data-bearing resources carry prevent_destroy (lifted only by an acknowledged offboarding). */
  readonly destroyProtection: boolean;
  /** The tenant's monthly cost budget, where it lives and what it counts; absent without `budget`. */
  readonly budget?: BudgetAssignment;
  /** L2/L3: restore tests of the tenant's backups. */
  readonly restoreTesting?: RestoreTestingAssignment;
  /** L2/L3: support access to the tenant account. */
  readonly support?: SupportAssignment;
  readonly residency: ResidencyAssignment;
  /**
   * An acknowledged tier downgrade (`acknowledgements.tierDowngrade`): the tier the tenant moves
   * down from. The resources of that tier which this tier does not have are released, never
   * destroyed: Terraform stops managing the data-bearing ones (all of the tenant account's, when
   * the tenant leaves it for L1) and they stay in AWS with their data.
   */
  readonly releasedFrom?: Tier;
}

export interface BudgetAssignment {
  readonly name: string;
  /** The stack that holds it: a dedicated tenant's account stack (management account), a pooled tenant's tenant stack (platform account). */
  readonly stack: 'account' | 'tenant';
  readonly account: 'management' | 'platform';
  /** What it counts: the tenant's linked account, or the cost its tag attributes in the platform account. */
  readonly filter: { readonly kind: 'linked-account' } | { readonly kind: 'tag'; readonly key: (typeof TENANT_TAG_KEYS)[number]; readonly value: string };
  readonly limitUsd: number;
  readonly alerts: ReadonlyArray<{ readonly thresholdPercent: number; readonly type: BudgetAlertType }>;
  /** E-mail recipients: the manifest's, else the billing contacts. */
  readonly recipients: ReadonlyArray<string>;
  readonly snsTopicArn?: string;
}

export interface RestoreTestingAssignment {
  readonly planName: string;
  readonly frequency: RestoreTestFrequency;
  readonly scheduleExpression: string;
  /** The vault whose recovery points are restored: the one the backup plan writes to. */
  readonly vaultName: string;
  /** Hours a restored copy lives before AWS Backup deletes it (validation window). */
  readonly validationWindowHours: number;
  /** How far back the latest recovery point is looked for. */
  readonly selectionWindowDays: number;
  readonly selections: ReadonlyArray<{ readonly name: string; readonly resourceType: 'DynamoDB' | 'S3'; readonly resources: ReadonlyArray<RestoreTestResource> }>;
}

export interface SupportAssignment {
  /** Platform support's read-only permission set is assigned to the tenant account. */
  readonly readOnly: boolean;
  readonly breakGlass: {
    readonly mode: BreakGlassMode;
    /** The break-glass permission set is assigned and the tenant's break-glass role exists. */
    readonly assigned: boolean;
    readonly roleName: string;
    /** What the role's trust requires of the session: a ticket matching the settings' patterns, or the one approved ticket within its window. */
    readonly ticket: { readonly kind: 'pattern'; readonly patterns: ReadonlyArray<string> } | { readonly kind: 'grant'; readonly ticket: string; readonly from: string; readonly until: string };
    readonly sessionHours: number;
  };
  /** Alerted on every break-glass session (with the platform's alarm address). */
  readonly notify: ReadonlyArray<string>;
  readonly alarm: { readonly topicName: string; readonly ruleName: string };
}

export interface ResidencyAssignment {
  /** Allowed regions; absent: the landing-zone allow-list only. */
  readonly regions?: ReadonlyArray<string>;
  /** `account-scp`: an SCP on the tenant account (L2/L3); `platform-region`: the pooled data stays in the platform home region (L1, validated). */
  readonly enforcement: 'account-scp' | 'platform-region' | 'none';
  readonly policyName?: string;
}

/** Which account a resource of the tenant lives in. */
export type AccountSide = 'platform' | 'tenant';

export type OuKey = keyof LandingZoneSettings['organizationalUnits'];

export type AccountPlacement =
  | { readonly side: 'platform'; readonly id: string }
  | {
      readonly side: 'tenant';
      /** An existing account adopted by id; undefined when the account stack creates it. */
      readonly adoptedId?: string;
      readonly email: string;
      readonly ou: OuKey;
      readonly ouName: string;
    };

export interface AppAssignment {
  /** Whose app serves the tenant: the shared platform app, or its own in its account. */
  readonly host: AccountSide;
  /** The version that serves it. */
  readonly version: string;
  /** A pinned version that does not take effect yet (BYOK pending), with why. */
  readonly deferredPin?: { readonly version: string; readonly reason: string };
}

export type ByokState = 'not-applicable' | 'in-effect' | 'pending';

export interface ByokProfile {
  readonly mode?: (typeof BYOK_MODES)[number];
  readonly state: ByokState;
  /** Why BYOK is not in effect (pending). */
  readonly reason?: string;
}

export type KeyController = 'platform' | 'landing-zone' | 'customer';

/** A key by alias (keys of this landing zone) or by ARN (a customer-owned key, no alias here). */
export type KeyReference = { readonly alias: string } | { readonly arn: string };

export interface DataKey {
  readonly kind: 'platform' | 'landing-zone' | 'byok-imported' | 'customer-key';
  readonly ref: KeyReference;
  readonly controlledBy: KeyController;
  /** How reports name it: "the BYOK key alias/kpz/tenant/acme/byok". */
  readonly label: string;
}

export interface BackupAssignment {
  /** The platform's daily plan (pooled tables) or the tenant's own plan. */
  readonly plan: 'platform' | 'tenant';
  readonly planName: string;
  /** The vault recovery points go to without a vault lock (tenant: encrypted with the landing-zone key). */
  readonly vaultName: string;
  /** L3 with its own app: the locked vault, encrypted with the data key. */
  readonly lockedVault?: { readonly name: string; readonly changeableForDays: number };
  readonly schedule: string;
  readonly retentionDays: number;
  readonly coldStorageAfterDays?: number;
}

export interface ApprovalGate {
  readonly environment: string;
  readonly approvers: ReadonlyArray<string>;
}

export interface DataPlacement {
  readonly mode: 'pooled' | 'dedicated';
  readonly account: AccountSide;
  readonly itemsTable: string;
  readonly usersTable: string;
  /** The bucket's name in the given account (bucket names include account and region). */
  readonly bucketName: (accountId: string) => string;
}

export interface AccessState {
  /** Users may sign in (the admin user and the API key are enabled). */
  readonly signIn: boolean;
  /** The tenant has an API key on the serving app (removed while offboarding). */
  readonly apiKey: boolean;
  /** Event routes deliver (removed while offboarding). */
  readonly eventRouting: boolean;
}

/** Days during which the lock of an L3 tenant's vault can still be removed (then it is permanent). */
export const VAULT_LOCK_GRACE_DAYS = 3;

/** Name of the deployment environment that gates an L3 tenant's changes. */
export function approvalEnvironmentName(tenantId: string): string {
  return `tenant-${tenantId}`;
}

function byokOf(tenant: TenantManifest, byokKeyAlias: string): ByokProfile {
  const e = tenant.tier === 'L3' ? tenant.encryption : undefined;
  if (!e) return { state: 'not-applicable' };
  if (e.byok === 'customer-key' || e.keyMaterialImported === true) return { mode: e.byok, state: 'in-effect' };
  return {
    mode: e.byok,
    state: 'pending',
    reason: `BYOK key ${byokKeyAlias} has no key material yet: tenant ${tenant.id} runs as L2 on the landing-zone key until the customer imports it and the manifest says encryption.keyMaterialImported: true`,
  };
}

/** When a restore test starts, by frequency and hour (UTC): daily, Sundays, the 1st of the month. */
export function restoreTestSchedule(frequency: RestoreTestFrequency, hourUtc: number): string {
  switch (frequency) {
    case 'daily':
      return `cron(0 ${hourUtc} * * ? *)`;
    case 'weekly':
      return `cron(0 ${hourUtc} ? * SUN *)`;
    case 'monthly':
      return `cron(0 ${hourUtc} 1 * ? *)`;
  }
}

/** Days between two restore tests of a frequency: what the audit allows the last success to be old (plus a day of slack). */
export const RESTORE_TEST_PERIOD_DAYS: Record<RestoreTestFrequency, number> = { daily: 1, weekly: 7, monthly: 31 };

export const DEFAULT_BUDGET_ALERTS: ReadonlyArray<{ thresholdPercent: number; type: BudgetAlertType }> = [
  { thresholdPercent: 80, type: 'actual' },
  { thresholdPercent: 100, type: 'actual' },
  { thresholdPercent: 100, type: 'forecasted' },
];

function budgetOf(tenant: TenantManifest, name: string, dedicated: boolean): BudgetAssignment | undefined {
  const b = tenant.budget;
  if (!b) return undefined;
  const billing = tenant.contacts.filter((c) => c.role === 'billing').map((c) => c.email);
  return {
    name,
    stack: dedicated ? 'account' : 'tenant',
    account: dedicated ? 'management' : 'platform',
    filter: dedicated ? { kind: 'linked-account' } : { kind: 'tag', key: 'TenantId', value: tenant.id },
    limitUsd: b.monthlyLimitUsd,
    alerts: b.alerts ? b.alerts.map((a) => ({ thresholdPercent: a.thresholdPercent, type: a.type ?? 'actual' })) : DEFAULT_BUDGET_ALERTS,
    recipients: b.recipients ?? [...new Set(billing)],
    ...(b.snsTopicArn ? { snsTopicArn: b.snsTopicArn } : {}),
  };
}

function residencyOf(tenant: TenantManifest, dedicated: boolean, policyName: string): ResidencyAssignment {
  if (!tenant.residency) return { enforcement: 'none' };
  return dedicated ? { regions: tenant.residency, enforcement: 'account-scp', policyName } : { regions: tenant.residency, enforcement: 'platform-region' };
}

function releasedFromOf(tenant: TenantManifest): { releasedFrom?: Tier } {
  const from = tenant.acknowledgements?.tierDowngrade?.from;
  return from !== undefined && TIER_RANK[from] > TIER_RANK[tenant.tier] ? { releasedFrom: from } : {};
}

function ouOf(tenant: TenantManifest): OuKey {
  if (tenant.status === 'offboarding') return 'suspended';
  return tenant.tier === 'L3' ? 'tenantsL3' : 'tenantsL2';
}

/** Profiles already decided, by manifest (both inputs are immutable; validation and loading ask twice). */
const decided = new WeakMap<TenantManifest, { readonly settings: LandingZoneSettings; readonly profile: TenantProfile }>();

export function tenantProfile(settings: LandingZoneSettings, tenant: TenantManifest): TenantProfile {
  const known = decided.get(tenant);
  if (known?.settings === settings) return known.profile;
  const profile = decideProfile(settings, tenant);
  decided.set(tenant, { settings, profile });
  return profile;
}

/** The pooled tables and bucket of the platform account: an L1 tenant's data, and a moving tenant's until its copy is verified. */
export function pooledPlacement(settings: LandingZoneSettings): DataPlacement {
  const shared = platformNames(settings);
  const region = settings.regions.home;
  return { mode: 'pooled', account: 'platform', itemsTable: shared.itemsTable, usersTable: shared.usersTable, bucketName: (accountId) => shared.pooledBucket(accountId, region) };
}

function decideProfile(settings: LandingZoneSettings, tenant: TenantManifest): TenantProfile {
  const shared = platformNames(settings);
  const own = tenantNames(settings, tenant.id);
  const { platform, organization } = settings;
  const offboarding = tenant.status === 'offboarding';
  const common = {
    tenantId: tenant.id,
    tier: tenant.tier,
    status: tenant.status,
    access: { signIn: tenant.status === 'active', apiKey: !offboarding, eventRouting: !offboarding },
    destroyProtection: !(offboarding && tenant.acknowledgements?.dataDestruction !== undefined),
    budget: budgetOf(tenant, own.budget, isDedicated(tenant.tier)),
    residency: residencyOf(tenant, isDedicated(tenant.tier), own.residencyScp),
    ...releasedFromOf(tenant),
  };

  if (!isDedicated(tenant.tier)) {
    const region = settings.regions.home;
    return {
      ...common,
      dedicated: false,
      account: { side: 'platform', id: organization.platformAccountId },
      region,
      app: { host: 'platform', version: platform.appVersion },
      byok: { state: 'not-applicable' },
      dataKey: { kind: 'platform', ref: { alias: shared.kmsAlias }, controlledBy: 'platform', label: `the platform key ${shared.kmsAlias}` },
      backup: { plan: 'platform', planName: shared.backupPlan, vaultName: shared.backupVault, schedule: platform.backup.schedule, retentionDays: platform.backup.retentionDays },
      // The pooled data-access role always trusts the migration role: a pooled tenant may start a move at any time.
      sessionVending: { account: 'platform', roleNames: SESSION_VENDING_FUNCTIONS.map((fn) => shared.appRole(fn)), migrationRole: shared.migrationRole },
      dataAccessRole: { account: 'platform', name: shared.dataAccessRole, present: true },
      data: pooledPlacement(settings),
    };
  }

  const region = tenant.homeRegion;
  const byok = byokOf(tenant, own.byokKmsAlias);
  const ownApp = byok.state === 'in-effect';
  const encryption = tenant.encryption;
  let dataKey: DataKey = { kind: 'landing-zone', ref: { alias: own.kmsAlias }, controlledBy: 'landing-zone', label: `the landing-zone key ${own.kmsAlias}` };
  if (ownApp && encryption?.byok === 'customer-key') dataKey = { kind: 'customer-key', ref: { arn: encryption.keyArn! }, controlledBy: 'customer', label: `the customer key ${encryption.keyArn}` };
  else if (ownApp) dataKey = { kind: 'byok-imported', ref: { alias: own.byokKmsAlias }, controlledBy: 'customer', label: `the BYOK key ${own.byokKmsAlias}` };

  const move = plannedMove(tenant, ownApp);
  const moveUnderway = move !== undefined && !move.cleanupAcknowledged;
  const pin = tenant.tier === 'L3' ? tenant.appVersion : undefined;
  const app: AppAssignment = ownApp
    ? { host: 'tenant', version: pin ?? platform.appVersion }
    : { host: 'platform', version: platform.appVersion, ...(pin !== undefined && pin !== platform.appVersion ? { deferredPin: { version: pin, reason: `BYOK is pending: the platform app serves tenant ${tenant.id} at ${platform.appVersion} until its own app runs` } } : {}) };
  const backup = tenant.backup!;
  const account = tenant.account!;
  const ou = ouOf(tenant);
  const lockedVault = ownApp ? { name: own.lockedBackupVault, changeableForDays: VAULT_LOCK_GRACE_DAYS } : undefined;
  const restore = backup.restoreTesting ?? {};
  const restoreResources = restore.resources ?? [...RESTORE_TEST_RESOURCES];
  const frequency = restore.frequency ?? 'weekly';
  const tables = restoreResources.filter((r) => r !== 'files');
  const restoreTesting: RestoreTestingAssignment = {
    planName: own.restoreTestingPlan,
    frequency,
    scheduleExpression: restoreTestSchedule(frequency, restore.hourUtc ?? 5),
    vaultName: lockedVault?.name ?? own.backupVault,
    validationWindowHours: restore.keepRestoredHours ?? 24,
    selectionWindowDays: Math.min(backup.retentionDays, 30),
    selections: [
      ...(tables.length > 0 ? [{ name: own.restoreTestingSelection('dynamodb'), resourceType: 'DynamoDB' as const, resources: tables }] : []),
      ...(restoreResources.includes('files') ? [{ name: own.restoreTestingSelection('s3'), resourceType: 'S3' as const, resources: ['files' as const] }] : []),
    ],
  };
  return {
    ...common,
    dedicated: true,
    account: { side: 'tenant', ...(account.id ? { adoptedId: account.id } : {}), email: account.email, ou, ouName: settings.organizationalUnits[ou] },
    region,
    app,
    byok,
    dataKey,
    landingZoneKeyAlias: own.kmsAlias,
    ...(encryption?.byok === 'imported' && tenant.tier === 'L3' ? { byokKeyAlias: own.byokKmsAlias } : {}),
    backup: {
      plan: 'tenant',
      planName: own.backupPlan,
      vaultName: own.backupVault,
      ...(lockedVault ? { lockedVault } : {}),
      schedule: backup.schedule,
      retentionDays: backup.retentionDays,
      ...(backup.coldStorageAfterDays !== undefined ? { coldStorageAfterDays: backup.coldStorageAfterDays } : {}),
    },
    ...(tenant.tier === 'L3' ? { approval: { environment: approvalEnvironmentName(tenant.id), approvers: tenant.changeApprovers ?? [] } } : {}),
    sessionVending: {
      ...(ownApp ? { account: 'tenant', roleNames: SESSION_VENDING_FUNCTIONS.map((fn) => own.appRole(fn)) } : { account: 'platform', roleNames: SESSION_VENDING_FUNCTIONS.map((fn) => shared.appRole(fn)) }),
      ...(moveUnderway ? { migrationRole: shared.migrationRole } : {}),
    },
    ...(move ? { move } : {}),
    dataAccessRole: { account: 'tenant', name: own.dataAccessRole, present: !offboarding },
    data: { mode: 'dedicated', account: 'tenant', itemsTable: own.itemsTable, usersTable: own.usersTable, bucketName: (accountId) => own.dataBucket(accountId, region) },
    restoreTesting,
    support: supportOf(settings, tenant, own),
  };
}

/**
 * Support access to a dedicated tenant's account. Break-glass is assigned with platform
 * approval (a ticket matching the settings' patterns), or with tenant approval only while the
 * manifest carries the grant the tenant approved (that change needs its changeApprovers); never
 * while offboarding. Read-only support stays assigned unless the manifest says otherwise.
 */
function supportOf(settings: LandingZoneSettings, tenant: TenantManifest, own: ReturnType<typeof tenantNames>): SupportAssignment {
  const s = tenant.support ?? {};
  const mode = s.breakGlass ?? 'platform-approval';
  const offboarding = tenant.status === 'offboarding';
  const grant = mode === 'tenant-approval' ? s.grant : undefined;
  const security = tenant.contacts.filter((c) => c.role === 'security').map((c) => c.email);
  const owner = (tenant.contacts.find((c) => c.role === 'owner') ?? tenant.contacts[0]).email;
  return {
    readOnly: s.readOnly ?? true,
    breakGlass: {
      mode,
      assigned: !offboarding && (mode === 'platform-approval' || grant !== undefined),
      roleName: own.breakGlassRole,
      ticket: grant ? { kind: 'grant', ticket: grant.ticket, from: grant.from, until: grant.until } : { kind: 'pattern', patterns: settings.support.ticketPatterns },
      sessionHours: settings.support.breakGlassSessionHours,
    },
    notify: s.notify ?? (security.length > 0 ? [...new Set(security)] : [owner]),
    alarm: { topicName: own.breakGlassTopic, ruleName: own.breakGlassRule },
  };
}

/**
 * ARNs of the roles that may vend the tenant's sessions. The tenant account id may be a
 * Terraform reference (an account the account stack creates in the same run).
 */
export function sessionVendingRoleArns(profile: Pick<TenantProfile, 'sessionVending'>, accounts: { readonly platform: string; readonly tenant?: string }): string[] {
  const { sessionVending } = profile;
  const account = sessionVending.account === 'platform' ? accounts.platform : accounts.tenant;
  const arns = sessionVending.roleNames.map((name) => `arn:aws:iam::${account}:role/${name}`);
  return sessionVending.migrationRole ? [...arns, `arn:aws:iam::${accounts.platform}:role/${sessionVending.migrationRole}`] : arns;
}

/** An L3 tenant's users are moving to its own pool (its own app runs, the cleanup is not acknowledged yet). */
export function usersMoveUnderway(profile: Pick<TenantProfile, 'move' | 'app'>): boolean {
  return profile.app.host === 'tenant' && profile.move?.kind === 'users' && !profile.move.cleanupAcknowledged;
}
