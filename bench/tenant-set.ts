import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

export interface TierMix {
  readonly L1: number;
  readonly L2: number;
  readonly L3: number;
}

/** The tier mix the issues benchmark with: 700 L1, 200 L2, 100 L3 per 1,000. */
export const DEFAULT_MIX: TierMix = { L1: 0.7, L2: 0.2, L3: 0.1 };

export function tierFor(i: number, n: number, mix: TierMix = DEFAULT_MIX): 'L1' | 'L2' | 'L3' {
  const l1 = Math.round(n * mix.L1);
  const l2 = Math.round(n * mix.L2);
  return i < l1 ? 'L1' : i < l1 + l2 ? 'L2' : 'L3';
}

/**
 * A realistic, valid manifest for generated tenant number `i` (ids sort in generation order).
 * Valid as a new tenant (status active: a new tenant cannot start suspended or offboarding,
 * model/rules/history-rules.ts), so a generated set validates whether or not it is committed.
 */
export function generatedManifest(i: number, tier: 'L1' | 'L2' | 'L3'): Record<string, unknown> {
  const id = `t${String(i).padStart(5, '0')}-${tier.toLowerCase()}`;
  const m: Record<string, unknown> = {
    apiVersion: 'lz/v1',
    kind: 'Tenant',
    id,
    displayName: `Generated tenant ${i}`,
    tier,
    status: 'active',
    homeRegion: tier === 'L1' ? 'eu-west-1' : ['eu-west-1', 'eu-central-1', 'eu-north-1'][i % 3],
    contacts: [{ name: `Owner ${i}`, email: `owner${i}@tenant${i}.example`, role: 'owner' }],
  };
  if (tier !== 'L1') {
    m.account = { email: `aws+${id}@saas.example` };
    m.backup = { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 };
  }
  if (tier === 'L3') {
    m.encryption = i % 2 === 0 ? { byok: 'imported', keyMaterialImported: true } : { byok: 'customer-key', keyArn: `arn:aws:kms:${m.homeRegion}:9${String(i).padStart(11, '0')}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444444444444` };
    m.changeApprovers = [`@tenant${i}/approvers`];
  }
  return m;
}

/** Writes `n` generated manifests into `dir` (created if needed); returns their ids. */
export function writeTenantSet(dir: string, n: number, mix: TierMix = DEFAULT_MIX): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = generatedManifest(i, tierFor(i, n, mix));
    fs.writeFileSync(path.join(dir, `${m.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(m)}`);
    ids.push(String(m.id));
  }
  return ids;
}

/**
 * A manifest for tenant number `i` that cycles through every combination the tier profile
 * distinguishes at onboarding: tier, BYOK mode and key material, new and adopted accounts, app
 * version pins, extra tags and cold storage, budgets, residency, restore tests and support
 * policies. Valid as a new tenant, so a set of them validates whether or not it is committed;
 * `lifecycleManifest(i)` is the same tenant after a later change.
 */
export function coverageManifest(i: number, platformAppVersion = '3.2.0'): Record<string, unknown> {
  const tier = (['L1', 'L2', 'L3'] as const)[i % 3];
  const m = generatedManifest(i, tier);
  const variant = Math.floor(i / 3);
  if (i % 5 === 1) m.tags = { CostCenter: `cc-${i}`, Team: 'generated' };
  if (tier !== 'L1') {
    if (variant % 2 === 1) m.account = { email: `aws+${m.id}@saas.example`, id: `5${String(i).padStart(11, '0')}` };
    if (i % 4 === 2) m.backup = { schedule: 'cron(30 1 ? * SUN *)', retentionDays: 400, coldStorageAfterDays: 30 };
  }
  if (tier === 'L3') {
    const mode = variant % 3;
    m.encryption =
      mode === 0
        ? { byok: 'imported', keyMaterialImported: true }
        : mode === 1
          ? { byok: 'imported', keyMaterialImported: false }
          : { byok: 'customer-key', keyArn: `arn:aws:kms:${m.homeRegion}:9${String(i).padStart(11, '0')}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444444444444` };
    if (variant % 4 === 1) m.appVersion = platformAppVersion === '3.1.0' ? '3.0.0' : '3.1.0';
    if (variant % 4 === 3) m.appVersion = platformAppVersion;
  }
  // Operations fields: budgets, residency, restore tests and support policies, cycling with i.
  if (i % 7 === 3) m.budget = { monthlyLimitUsd: 100 + i, recipients: [`billing${i}@tenant${i}.example`], ...(i % 2 === 1 ? { alerts: [{ thresholdPercent: 90 }, { thresholdPercent: 100, type: 'forecasted' }] } : {}) };
  if (i % 5 === 2) m.residency = m.homeRegion === 'eu-west-1' ? ['eu-west-1'] : [m.homeRegion, 'eu-west-1'];
  if (tier !== 'L1') {
    if (i % 4 === 1) m.backup = { ...(m.backup as object), restoreTesting: { frequency: (['daily', 'weekly', 'monthly'] as const)[i % 3], resources: i % 2 === 1 ? ['items'] : ['items', 'users', 'files'], keepRestoredHours: 12 } };
    if (i % 6 === 4) m.support = { readOnly: i % 12 !== 4, breakGlass: 'none' };
    if (tier === 'L3' && i % 6 === 5) m.support = { breakGlass: 'tenant-approval', grant: { ticket: `CHG-${i}`, from: '2026-12-01T08:00Z', until: '2026-12-02T08:00Z' } };
  }
  return m;
}

/**
 * Tenant number `i` of the coverage set after a later change: its status cycles through active,
 * suspended, offboarding and offboarding with an approved data destruction. Valid against a base
 * revision that holds `coverageManifest(i)` (the lifecycle moves a tenant through these states;
 * a new tenant starts active), and for synthesis without history checks.
 */
export function lifecycleManifest(i: number, platformAppVersion = '3.2.0'): Record<string, unknown> {
  const m = coverageManifest(i, platformAppVersion);
  const status = (['active', 'suspended', 'offboarding', 'offboarding-destroy'] as const)[Math.floor(i / 3) % 4];
  m.status = status === 'offboarding-destroy' ? 'offboarding' : status;
  if (m.status === 'offboarding') m.offboarding = { requestedOn: '2026-01-15', retentionDays: 30 + (i % 60), reason: `Contract ended (${i})` };
  if (status === 'offboarding-destroy') m.acknowledgements = { dataDestruction: { reason: 'Retention period over, confirmed by the customer', approvedBy: ['@platform/leads'] } };
  return m;
}
