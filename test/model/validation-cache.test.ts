import * as fs from 'fs';
import * as path from 'path';
import { validateLandingZone } from '../../model/validate';
import { l1, l2, makeFixture, toYaml } from '../helpers/fixture';

/**
 * The validation cache (model/validation-cache.ts) keeps parsed documents and each document's
 * own findings; whatever it holds, validation with it says exactly what validation without it
 * says, whatever changed in between: a manifest, the settings, or the cache file itself.
 */
describe('validation with the cache says what validation without it says', () => {
  const fixture = makeFixture({ tenants: { 'alpha-co.yaml': l1('alpha-co'), 'bravo-co.yaml': l2('bravo-co', { homeRegion: 'eu-north-1' }) } });
  const cacheFile = path.join(fixture.root, '.lz', 'manifests.json');
  const run = (cached: boolean) => validateLandingZone({ settingsFile: fixture.settingsFile, tenantsDir: fixture.tenantsDir, baseRef: false, cwd: fixture.root, ...(cached ? { cacheFile } : {}) });
  const same = () => {
    const without = run(false);
    const withCache = run(true);
    expect(withCache.diagnostics).toEqual(without.diagnostics);
    // Profiles hold functions (bucket names by account), compared by what they say.
    const facts = (r: typeof without) => JSON.stringify(r.landingZone?.tenants.map((t) => [t.manifest, t.profile, t.profile.data.bucketName('123456789012')]));
    expect(facts(withCache)).toEqual(facts(without));
    return withCache;
  };
  afterAll(() => fixture.cleanup());

  test('cold, then warm', () => {
    expect(same().landingZone?.tenants).toHaveLength(2);
    expect(fs.existsSync(cacheFile)).toBe(true);
    const entries = Object.values(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).entries) as Array<{ checks?: unknown }>;
    expect(entries.every((e) => e.checks !== undefined)).toBe(true);
    same();
  });

  test('a settings change that makes a manifest wrong is found, and undone is valid again', () => {
    const original = fs.readFileSync(fixture.settingsFile, 'utf8');
    fs.writeFileSync(fixture.settingsFile, original.replace(/allowed: \[[^\]]*\]/, 'allowed: [eu-west-1, eu-central-1, us-east-1]'));
    const narrowed = same();
    expect(narrowed.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.field, d.code])).toEqual([['tenants/bravo-co.yaml', 'homeRegion', 'region']]);
    fs.writeFileSync(fixture.settingsFile, original);
    expect(same().landingZone).toBeDefined();
  });

  test('an edited manifest is read again', () => {
    fixture.write('alpha-co.yaml', toYaml(l1('alpha-co', { homeRegion: 'eu-north-1' })));
    const edited = same();
    expect(edited.diagnostics.some((d) => d.file === 'tenants/alpha-co.yaml' && d.field === 'homeRegion' && d.severity === 'error')).toBe(true);
    fixture.write('alpha-co.yaml', toYaml(l1('alpha-co')));
    expect(same().landingZone).toBeDefined();
  });

  test('a damaged cache file is ignored', () => {
    fs.writeFileSync(cacheFile, '{"version": 2, "entries": {"x": 1');
    same();
  });
});
