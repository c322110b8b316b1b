import { accountStackName, ORGANIZATION_STACK, PLATFORM_STACK, tenantStackName } from '../model/inventory';
import { platformNames, tenantNames } from '../model/names';
import { LandingZoneSettings } from '../model/schema/settings';
import { MigrationEvidence } from '../model/migration';
import { TenantManifest } from '../model/schema/tenant';
import { EvidenceError, StackEvidence } from './evidence';
import { EvidenceSource } from './model';

/** Facts read from AWS by `--live` (absent offline). */
export interface LiveFacts {
  readonly account?: { readonly id: string; readonly status?: string; readonly parentOuName?: string; readonly scpNames: ReadonlyArray<string>; readonly tags: Readonly<Record<string, string>> };
  /** Point-in-time recovery status per table name, read in the tenant account. */
  readonly tables?: Readonly<Record<string, { readonly pitr: boolean; readonly sseKeyArn?: string }>>;
  /** What could not be read live, and why. */
  readonly problems: ReadonlyArray<string>;
}

/** What a rule sees: the manifest, the settings, and the evidence of the stacks it may read. */
export class RuleContext {
  readonly own: ReturnType<typeof tenantNames>;
  readonly shared: ReturnType<typeof platformNames>;

  constructor(
    readonly settings: LandingZoneSettings,
    readonly tenant: TenantManifest,
    readonly source: EvidenceSource,
    private readonly stacks: ReadonlyMap<string, StackEvidence | EvidenceError>,
    readonly live?: LiveFacts,
    private readonly migrationEvidence?: MigrationEvidence | EvidenceError,
    /** When the audit runs (ISO time): what "past its retention" is measured against. */
    readonly asOf?: string,
  ) {
    this.own = tenantNames(settings, tenant.id);
    this.shared = platformNames(settings);
  }

  /** Evidence of a stack; throws EvidenceError when it is missing or could not be read. */
  stack(name: string): StackEvidence {
    const found = this.stacks.get(name);
    if (found === undefined) throw new EvidenceError(name, 'no evidence for this stack (no state found)');
    if (found instanceof EvidenceError) throw found;
    return found;
  }

  /** The evidence `lz migrate` recorded of the tenant's moves (undefined: none); throws EvidenceError when unreadable. */
  migration(): MigrationEvidence | undefined {
    if (this.migrationEvidence instanceof EvidenceError) throw this.migrationEvidence;
    return this.migrationEvidence;
  }

  hasStack(name: string): boolean {
    return this.stacks.get(name) !== undefined && !(this.stacks.get(name) instanceof EvidenceError);
  }

  tenantStack(): StackEvidence {
    return this.stack(tenantStackName(this.tenant.id));
  }

  accountStack(): StackEvidence {
    return this.stack(accountStackName(this.tenant.id));
  }

  platformStack(): StackEvidence {
    return this.stack(PLATFORM_STACK);
  }

  organizationStack(): StackEvidence {
    return this.stack(ORGANIZATION_STACK);
  }

  get platformAccountId(): string {
    return this.settings.organization.platformAccountId;
  }

  /**
   * The tenant account id: from the manifest when adopted; else from the account stack (its
   * state, or in desired state the reference the tenant stack uses).
   */
  get tenantAccountId(): string | undefined {
    if (this.tenant.tier === 'L1') return undefined;
    if (this.tenant.account?.id) return this.tenant.account.id;
    if (this.source === 'desired') return '${data.terraform_remote_state.account-state.outputs.account_id}';
    if (!this.hasStack(accountStackName(this.tenant.id))) return undefined;
    const account = this.accountStack();
    const fromOutput = account.outputs.account_id;
    if (typeof fromOutput === 'string') return fromOutput;
    const record = account.resources.find((r) => r.type === 'aws_organizations_account');
    return typeof record?.values.id === 'string' ? record.values.id : undefined;
  }

  /** Whether the L3 tenant's own key is usable (customer key, or imported material). */
  get byokReady(): boolean {
    const e = this.tenant.encryption;
    return this.tenant.tier === 'L3' && !!e && (e.byok === 'customer-key' || e.keyMaterialImported === true);
  }
}
