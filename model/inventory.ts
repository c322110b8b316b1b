import { TenantProfile } from './profile';
import { LandingZoneSettings } from './schema/settings';
import { Tier } from './tiers';

/**
 * The stack inventory: which Terraform stacks the landing zone consists of, in which account
 * each one runs, where its state lives and what it depends on. Pure data, derived from the
 * settings and manifests; the CDKTF app, `lz list` and the pipeline all read it.
 */
export type StackKind = 'bootstrap' | 'organization' | 'platform' | 'account' | 'tenant';

/** Which account a stack's default provider works in. */
export type StackTarget = 'management' | 'platform' | 'tenant';

export interface StackSpec {
  /** Stack name: directory under cdktf.out/stacks and the construct id. */
  readonly name: string;
  readonly kind: StackKind;
  readonly target: StackTarget;
  readonly tenantId?: string;
  readonly tier?: Tier;
  /** S3 key of the state in the state bucket. */
  readonly stateKey: string;
  /** Names of the stacks that must be applied first. */
  readonly dependsOn: ReadonlyArray<string>;
  /** Deployment order class: 0 bootstrap, 1 organization, 2 platform and accounts, 3 tenants. */
  readonly wave: number;
  /**
   * Deployment environment whose reviewers must approve applying this stack: the tenant's
   * change approvers (L3 tenant stacks only; the account stack, which holds the account's
   * place in the organization and the tenant's pipeline identities, is the platform's). The
   * pipeline runs the apply inside it.
   */
  readonly approvalEnvironment?: string;
}

export const BOOTSTRAP_STACK = 'bootstrap';
export const ORGANIZATION_STACK = 'organization';
export const PLATFORM_STACK = 'platform';

export function accountStackName(tenantId: string): string {
  return `account-${tenantId}`;
}

export function tenantStackName(tenantId: string): string {
  return `tenant-${tenantId}`;
}

/** Prefix of every tenant's state. */
export const TENANTS_STATE_PREFIX = 'tenants/';

/** Every tenant's state lives under this prefix, so its audit reads only its own keys. */
export function tenantStatePrefix(tenantId: string): string {
  return `${TENANTS_STATE_PREFIX}${tenantId}/`;
}

export function accountStateKey(tenantId: string): string {
  return `${tenantStatePrefix(tenantId)}account.tfstate`;
}

export function tenantStateKey(tenantId: string): string {
  return `${tenantStatePrefix(tenantId)}tenant.tfstate`;
}

/** Prefix of the shared stacks' state. */
export const SHARED_STATE_PREFIX = 'shared/';

/**
 * Where the pipeline records the last successful apply of a stack: beside its state
 * (`tenants/<id>/tenant.applied.json`), so that whoever may write a stack's state may record it.
 */
export function appliedMarkerKey(stateKey: string): string {
  return stateKey.replace(/\.tfstate$/, '') + '.applied.json';
}

/** The objects applying a stack writes: its state, its lock object (S3 native locking) and its applied marker. */
export function stackObjectKeys(stateKey: string): string[] {
  return [stateKey, `${stateKey}.tflock`, appliedMarkerKey(stateKey)];
}

export const PLATFORM_STATE_KEY = 'shared/platform.tfstate';

export function sharedStacks(): StackSpec[] {
  return [
    { name: BOOTSTRAP_STACK, kind: 'bootstrap', target: 'management', stateKey: 'shared/bootstrap.tfstate', dependsOn: [], wave: 0 },
    { name: ORGANIZATION_STACK, kind: 'organization', target: 'management', stateKey: 'shared/organization.tfstate', dependsOn: [BOOTSTRAP_STACK], wave: 1 },
    { name: PLATFORM_STACK, kind: 'platform', target: 'platform', stateKey: PLATFORM_STATE_KEY, dependsOn: [ORGANIZATION_STACK], wave: 2 },
  ];
}

/** What the inventory reads of a tenant's profile. */
export type InventoryProfile = Pick<TenantProfile, 'tenantId' | 'tier' | 'dedicated' | 'approval'>;

export function tenantStacks(profile: InventoryProfile): StackSpec[] {
  const { tenantId: id, tier, dedicated } = profile;
  const approval = profile.approval ? { approvalEnvironment: profile.approval.environment } : {};
  const out: StackSpec[] = [];
  if (dedicated) {
    out.push({ name: accountStackName(id), kind: 'account', target: 'management', tenantId: id, tier, stateKey: accountStateKey(id), dependsOn: [ORGANIZATION_STACK], wave: 2 });
  }
  out.push({
    name: tenantStackName(id),
    kind: 'tenant',
    target: dedicated ? 'tenant' : 'platform',
    tenantId: id,
    tier,
    stateKey: tenantStateKey(id),
    dependsOn: dedicated ? [PLATFORM_STACK, accountStackName(id)] : [PLATFORM_STACK],
    wave: 3,
    ...approval,
  });
  return out;
}

/** All stacks, in a valid deployment order (shared stacks first, then per tenant by id). */
export function stackInventory(profiles: ReadonlyArray<InventoryProfile>): StackSpec[] {
  const sorted = [...profiles].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  return orderByDependencies([...sharedStacks(), ...sorted.flatMap(tenantStacks)]);
}

/**
 * The stacks the given tenants need, with every stack they depend on (the shared ones),
 * in deployment order. Unknown ids throw: callers check them first to give a CLI error.
 */
export function stacksForTenants(inventory: ReadonlyArray<StackSpec>, tenantIds: ReadonlyArray<string>): StackSpec[] {
  const byName = new Map(inventory.map((s) => [s.name, s]));
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const spec = byName.get(name);
    if (!spec) throw new Error(`stack ${name} is not in the inventory`);
    wanted.add(name);
    spec.dependsOn.forEach(visit);
  };
  for (const id of tenantIds) {
    const own = inventory.filter((s) => s.tenantId === id);
    if (own.length === 0) throw new Error(`tenant ${id} has no stacks`);
    own.forEach((s) => visit(s.name));
  }
  return inventory.filter((s) => wanted.has(s.name));
}

/**
 * Stable topological order: by wave, then name, checking that every dependency exists and
 * comes first. Throws on a cycle or a missing dependency (a bug in the inventory, not input).
 */
export function orderByDependencies(stacks: ReadonlyArray<StackSpec>): StackSpec[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const sorted = [...stacks].sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const done = new Set<string>();
  const out: StackSpec[] = [];
  const visiting = new Set<string>();
  const visit = (s: StackSpec) => {
    if (done.has(s.name)) return;
    if (visiting.has(s.name)) throw new Error(`dependency cycle through stack ${s.name}`);
    visiting.add(s.name);
    for (const dep of s.dependsOn) {
      const d = byName.get(dep);
      if (!d) throw new Error(`stack ${s.name} depends on unknown stack ${dep}`);
      visit(d);
    }
    visiting.delete(s.name);
    done.add(s.name);
    out.push(s);
  };
  sorted.forEach(visit);
  return out;
}

export function stateLocation(settings: LandingZoneSettings, spec: StackSpec): string {
  return `s3://${settings.state.bucket}/${spec.stateKey}`;
}
