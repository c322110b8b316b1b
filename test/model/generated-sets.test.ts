import { stringify } from 'yaml';
import { coverageManifest, generatedManifest, lifecycleManifest, tierFor, writeTenantSet } from '../../bench/tenant-set';
import { errorsOf, l1 } from '../helpers/fixture';
import { commitAll, gitFixture } from '../pipeline/helpers';

/**
 * The benchmark generator's manifests validate in a git repository whether or not they are
 * committed (the history rules compare with the base revision, where an uncommitted tenant is
 * new), and its coverage set reaches every state the tier profile distinguishes.
 */
describe('generated tenant sets', () => {
  const COVERAGE = 48;

  test('generatedManifest and coverageManifest: valid uncommitted and committed; lifecycleManifest: valid as the next change', () => {
    const fx = gitFixture({ 'keep.yaml': l1('keep') });
    try {
      const ids = writeTenantSet(fx.tenantsDir, 60);
      for (let i = 0; i < COVERAGE; i++) fx.write(`${coverageManifest(100 + i).id}.yaml`, stringify(coverageManifest(100 + i)));
      const uncommitted = fx.validate({ baseRef: 'HEAD' });
      expect(errorsOf(uncommitted)).toEqual([]);
      expect(uncommitted.landingZone!.tenants).toHaveLength(1 + ids.length + COVERAGE);
      commitAll(fx.root, 'generated tenants');
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' }))).toEqual([]);

      for (let i = 0; i < COVERAGE; i++) fx.write(`${lifecycleManifest(100 + i).id}.yaml`, stringify(lifecycleManifest(100 + i)));
      const later = fx.validate({ baseRef: 'HEAD' });
      expect(errorsOf(later)).toEqual([]);
      commitAll(fx.root, 'lifecycle changes');
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' }))).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('the lifecycle set covers every tier, status, BYOK state, adopted account and version pin', () => {
    const fx = gitFixture({});
    try {
      for (let i = 0; i < COVERAGE; i++) fx.write(`${lifecycleManifest(i).id}.yaml`, stringify(lifecycleManifest(i)));
      const profiles = fx.validate({ baseRef: false }).landingZone!.tenants.map((t) => t.profile);
      const seen = (f: (p: (typeof profiles)[number]) => string) => [...new Set(profiles.map(f))].sort();
      expect(seen((p) => `${p.tier} ${p.status}`)).toEqual(['L1', 'L2', 'L3'].flatMap((t) => ['active', 'offboarding', 'suspended'].map((s) => `${t} ${s}`)));
      expect(seen((p) => `${p.byok.mode ?? '-'} ${p.byok.state}`)).toEqual(['- not-applicable', 'customer-key in-effect', 'imported in-effect', 'imported pending']);
      expect(seen((p) => (p.account.side === 'tenant' ? (p.account.adoptedId ? 'adopted' : 'created') : 'platform'))).toEqual(['adopted', 'created', 'platform']);
      expect(seen((p) => (p.destroyProtection ? 'protected' : 'destroy approved'))).toEqual(['destroy approved', 'protected']);
      expect(profiles.some((p) => p.app.deferredPin !== undefined) && profiles.some((p) => p.app.host === 'tenant' && p.app.version !== '3.2.0')).toBe(true);
    } finally {
      fx.cleanup();
    }
  });

  test('the benchmark mix: 70 % L1, 20 % L2, 10 % L3, all active', () => {
    const tiers = Array.from({ length: 100 }, (_, i) => generatedManifest(i, tierFor(i, 100)));
    expect(['L1', 'L2', 'L3'].map((t) => tiers.filter((m) => m.tier === t).length)).toEqual([70, 20, 10]);
    expect(new Set(tiers.map((m) => m.status))).toEqual(new Set(['active']));
  });
});
