import { accountStackName, ORGANIZATION_STACK, PLATFORM_STACK, tenantStackName } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { TenantProfile } from '../model/profile';
import { LandingZoneSettings } from '../model/schema/settings';
import { MigrationEvidence, migrationEvidenceKey } from '../model/migration';
import { TenantManifest } from '../model/schema/tenant';
import { EvidenceError, ResourceRecord, StackEvidence } from './evidence';
import { EvidenceSource } from './model';

/** Facts read from AWS by `--live` (absent offline). */
export interface LiveFacts {
  /** When they were read (ISO time): what ages such as the last successful restore are measured against. */
  readonly readAt?: string;
  readonly account?: {
    readonly id: string;
    readonly status?: string;
    readonly parentOuName?: string;
    /** SCPs attached to the parent OU. */
    readonly scpNames: ReadonlyArray<string>;
    /** SCPs attached to the account itself. */
    readonly directScpNames?: ReadonlyArray<string>;
    readonly tags: Readonly<Record<string, string>>;
  };
  /** Point-in-time recovery status per table name, read in the tenant account. */
  readonly tables?: Readonly<Record<string, { readonly pitr: boolean; readonly sseKeyArn?: string }>>;
  /** The restore jobs of the tenant's restore testing plan (newest first); absent when they could not be read. */
  readonly restoreTests?: { readonly planArn: string; readonly jobs: ReadonlyArray<RestoreJobFact> };
  /** Every AssumeRole of the tenant's break-glass role CloudTrail recorded (newest first); absent when not read. */
  readonly breakGlassSessions?: ReadonlyArray<BreakGlassSessionFact>;
  /** What could not be read live, and why. */
  readonly problems: ReadonlyArray<string>;
}

export interface RestoreJobFact {
  readonly id: string;
  /** `DynamoDB`, `S3`, ... */
  readonly resourceType: string;
  readonly sourceResourceArn?: string;
  /** COMPLETED, FAILED, ABORTED, PENDING, RUNNING. */
  readonly status: string;
  /** SUCCESSFUL, FAILED, TIMED_OUT, VALIDATING; absent without a validation. */
  readonly validationStatus?: string;
  readonly message?: string;
  readonly createdAt: string;
  readonly completedAt?: string;
  readonly recoveryPointCreatedAt?: string;
}

export interface BreakGlassSessionFact {
  readonly eventId: string;
  readonly time: string;
  /** Who assumed the role (the Identity Center role session). */
  readonly principal: string;
  /** The TicketId session tag. */
  readonly ticket?: string;
  /** The error code when STS refused the attempt. */
  readonly refused?: string;
  readonly sourceIp?: string;
}

/**
 * A stack as a rule names it: by its role for the tenant. `data` is the stack that holds the
 * tenant's data resources (tables, bucket, data-access role, backup plan, keys): the platform
 * stack for a pooled tenant, its own tenant stack otherwise; the profile decides which.
 */
export type StackRole = 'tenant' | 'account' | 'platform' | 'organization' | 'data';

/**
 * What a rule reads, declared by the rule the way checkov's checks declare their supported
 * resources: the stacks (by role) and the resource types it judges. The context resolves the
 * roles for the tenant and refuses to hand a rule a stack or type outside its scope, so the
 * declaration cannot drift from the code; reports show which stacks each result rests on.
 */
export interface RuleScope {
  readonly stacks: ReadonlyArray<StackRole>;
  readonly resourceTypes: ReadonlyArray<string>;
  /** The rule reads the evidence `lz migrate` keeps next to the tenant's state. @default false */
  readonly migrationEvidence?: boolean;
}

/** A rule asked for something outside its declared scope: a defect of the rule, reported as `error`. */
export class ScopeError extends Error {}

/** What a rule sees: the manifest and its profile, the settings, and the evidence in its scope. */
export class RuleContext {
  readonly own: ReturnType<typeof tenantNames>;
  readonly shared: ReturnType<typeof platformNames>;
  private readonly read = new Set<string>();

  constructor(
    readonly settings: LandingZoneSettings,
    readonly tenant: TenantManifest,
    readonly profile: TenantProfile,
    readonly source: EvidenceSource,
    private readonly stacks: ReadonlyMap<string, StackEvidence | EvidenceError>,
    readonly live?: LiveFacts,
    private readonly scope?: RuleScope,
    private readonly migrationEvidence?: MigrationEvidence | EvidenceError,
    /** When the audit runs (ISO time): what "past its retention" is measured against. */
    readonly asOf?: string,
  ) {
    this.own = tenantNames(settings, tenant.id);
    this.shared = platformNames(settings);
  }

  /** The same tenant and evidence, seen through a rule's declared scope. */
  forScope(scope: RuleScope): RuleContext {
    return new RuleContext(this.settings, this.tenant, this.profile, this.source, this.stacks, this.live, scope, this.migrationEvidence, this.asOf);
  }

  /** Names of the stacks (and the migration evidence's key) this context handed out, in the order first read. */
  get stacksRead(): string[] {
    return [...this.read];
  }

  /** The stack a role names for this tenant (a pooled tenant's account stack is never read: it must not exist). */
  stackName(role: StackRole): string {
    switch (role) {
      case 'tenant':
        return tenantStackName(this.tenant.id);
      case 'account':
        return accountStackName(this.tenant.id);
      case 'platform':
        return PLATFORM_STACK;
      case 'organization':
        return ORGANIZATION_STACK;
      case 'data':
        return this.profile.data.account === 'platform' ? PLATFORM_STACK : tenantStackName(this.tenant.id);
    }
  }

  /** Evidence of a stack in the rule's scope; throws EvidenceError when it is missing or could not be read. */
  stack(role: StackRole): StackEvidence {
    const name = this.declaredStack(role);
    this.read.add(name);
    const found = this.stacks.get(name);
    if (found === undefined) throw new EvidenceError(name, 'no evidence for this stack (no state found)');
    if (found instanceof EvidenceError) throw found;
    return found;
  }

  /** Whether evidence of the stack was read (without failing the rule when it was not). */
  has(role: StackRole): boolean {
    const name = this.declaredStack(role);
    const found = this.stacks.get(name);
    return found !== undefined && !(found instanceof EvidenceError);
  }

  /**
   * The evidence `lz migrate` recorded of the tenant's moves (undefined: none), for a rule whose
   * scope declares it; throws EvidenceError when it could not be read.
   */
  migration(): MigrationEvidence | undefined {
    if (!this.scope?.migrationEvidence) throw new ScopeError('reads the migration evidence, which is not in its declared scope');
    this.read.add(migrationEvidenceKey(this.tenant.id));
    if (this.migrationEvidence instanceof EvidenceError) throw this.migrationEvidence;
    return this.migrationEvidence;
  }

  /**
   * Managed resources of declared types in a stack of the scope, in the stack's order. A scope
   * whose resourceTypes is `['*']` judges every type (a rule that looks for what must not be there).
   */
  records(role: StackRole, types: string | ReadonlyArray<string>): ResourceRecord[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const all = this.scope?.resourceTypes.includes('*') ?? false;
    const outside = all ? [] : wanted.filter((t) => !this.scope?.resourceTypes.includes(t));
    if (outside.length > 0) throw new ScopeError(`reads ${outside.join(', ')}, not among its declared resource types`);
    return this.stack(role).resources.filter((r) => r.mode === 'managed' && (wanted.includes('*') ? all : wanted.includes(r.type)));
  }

  private declaredStack(role: StackRole): string {
    if (!this.scope?.stacks.includes(role)) throw new ScopeError(`reads the ${role} stack, which is not in its declared scope`);
    return this.stackName(role);
  }

  get platformAccountId(): string {
    return this.settings.organization.platformAccountId;
  }

  /**
   * The tenant account id: adopted (from the profile); else from the account stack (its state,
   * or in desired state the reference the tenant stack uses). Undefined for pooled tenants.
   */
  get tenantAccountId(): string | undefined {
    const placement = this.profile.account;
    if (placement.side === 'platform') return undefined;
    if (placement.adoptedId) return placement.adoptedId;
    if (this.source === 'desired') return '${data.terraform_remote_state.account-state.outputs.account_id}';
    const account = this.stacks.get(accountStackName(this.tenant.id));
    if (account === undefined || account instanceof EvidenceError) return undefined;
    const fromOutput = account.outputs.account_id;
    if (typeof fromOutput === 'string') return fromOutput;
    const record = account.resources.find((r) => r.type === 'aws_organizations_account');
    return typeof record?.values.id === 'string' ? record.values.id : undefined;
  }
}
