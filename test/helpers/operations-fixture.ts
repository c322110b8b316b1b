import { LandingZone } from '../../model/validate';
import { l1, l2, l3, makeFixture, Manifest } from './fixture';

/**
 * A tenant set that uses every operations feature (budget, restore tests, support policy,
 * residency) in each way the profile distinguishes, for the tests of those features:
 *
 * - `pool-a` L1: budget by tag (alerts to its billing contact), residency that allows the platform region;
 * - `pool-b` L1: none of them;
 * - `ded-a` L2 (adopted account, eu-central-1): budget with its own recipients and alerts, daily restore tests, residency, default support;
 * - `ded-b` L3 imported BYOK: tenant-approved break-glass grant, monthly restore tests of the items table, two-region residency;
 * - `ded-c` L3 customer key (created account): no support access at all, default restore tests, no residency.
 */
export const OPS_ACCOUNT = '123456789012';
export const OPS_GRANT = { ticket: 'CHG-42', from: '2026-12-01T08:00Z', until: '2026-12-02T20:00Z' };
export const CUSTOMER_KEY = 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12';

const backup = { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 };

export function operationsManifests(): Record<string, Manifest> {
  return {
    'pool-a.yaml': l1('pool-a', {
      contacts: [
        { name: 'Owner', email: 'owner@pool-a.example', role: 'owner' },
        { name: 'Finance', email: 'finance@pool-a.example', role: 'billing' },
      ],
      budget: { monthlyLimitUsd: 200 },
      residency: ['eu-west-1', 'eu-central-1'],
    }),
    'pool-b.yaml': l1('pool-b'),
    'ded-a.yaml': l2('ded-a', {
      homeRegion: 'eu-central-1',
      account: { email: 'aws+ded-a@saas.example', id: OPS_ACCOUNT },
      backup: { ...backup, restoreTesting: { frequency: 'daily', hourUtc: 6, keepRestoredHours: 12 } },
      budget: { monthlyLimitUsd: 1500.5, recipients: ['fin@ded-a.example'], alerts: [{ thresholdPercent: 50 }, { thresholdPercent: 100, type: 'forecasted' }] },
      residency: ['eu-central-1'],
    }),
    'ded-b.yaml': l3('ded-b', {
      contacts: [
        { name: 'Owner', email: 'owner@ded-b.example', role: 'owner' },
        { name: 'SecOps', email: 'secops@ded-b.example', role: 'security' },
      ],
      backup: { ...backup, restoreTesting: { frequency: 'monthly', resources: ['items'] } },
      support: { breakGlass: 'tenant-approval', grant: OPS_GRANT },
      residency: ['eu-west-1', 'eu-central-1'],
    }),
    'ded-c.yaml': l3('ded-c', { encryption: { byok: 'customer-key', keyArn: CUSTOMER_KEY }, support: { readOnly: false, breakGlass: 'none' } }),
  };
}

/** The landing zone of `operationsManifests()` with the repository's settings (validated, no history). */
export function operationsLandingZone(extra: Record<string, Manifest> = {}): LandingZone {
  const fixture = makeFixture({ tenants: { ...operationsManifests(), ...extra } });
  try {
    const result = fixture.validate();
    if (!result.landingZone) throw new Error(`operations fixture is invalid: ${JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error'))}`);
    return result.landingZone;
  } finally {
    fixture.cleanup();
  }
}

/** The audit rules of the operations features; test/audit/operations-rules.test.ts gives each its paired pass and fail cases. */
export const OPERATIONS_RULE_IDS = ['cost-allocation', 'restore-testing', 'support-access', 'residency'] as const;
