import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { lifecycleManifest } from '../../bench/tenant-set';
import { SynthResult } from '../../stacks/synthesize';
import { makeFixture } from '../helpers/fixture';
import { checkIsolation } from '../helpers/isolation';
import { fixtureLandingZone, synthTo, tempDir } from '../helpers/synth';

/**
 * The isolation checks that test/live-tenants.test.ts runs on whatever `tenants/` holds: they
 * pass on the fixture set and on a generated set covering every tier, status, BYOK mode and
 * adopted account, and they catch a broken trust policy and a broken event pattern.
 */
const lz = fixtureLandingZone();
const result = synthTo(lz);

function edited(source: SynthResult, stack: string, edit: (json: string) => string): SynthResult {
  const outdir = tempDir('lz-isolation-broken-');
  fs.cpSync(source.outdir, outdir, { recursive: true });
  const file = path.join(outdir, source.stacks.find((s) => s.spec.name === stack)!.file);
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit changed nothing in ${stack}`);
  fs.writeFileSync(file, after);
  return { ...source, outdir };
}

describe('isolation checks for any tenant set', () => {
  test('the fixture set keeps the contract', async () => {
    const outcome = await checkIsolation(lz, result);
    expect(outcome.violations).toEqual([]);
    expect(outcome.checked).toBeGreaterThan(60);
  });

  test('a generated set covering every tier, status and BYOK mode keeps the contract', async () => {
    const fx = makeFixture({ tenants: Object.fromEntries(Array.from({ length: 24 }, (_, i) => lifecycleManifest(i)).map((m) => [`${m.id}.yaml`, stringify(m)])) });
    try {
      const set = fixtureLandingZone(fx.tenantsDir);
      const outcome = await checkIsolation(set, synthTo(set));
      expect(outcome.violations).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('a data-access role that no longer pins its tenant is caught', async () => {
    const broken = edited(result, 'tenant-harbor-logistics', (json) => json.split('\\"aws:RequestTag/TenantId\\":\\"harbor-logistics\\"').join('\\"aws:RequestTag/TenantId\\":\\"*\\"').replace(/StringEquals(\\"[^}]*aws:RequestTag\/TenantId\\":\\"\*\\")/g, 'StringLike$1'));
    const outcome = await checkIsolation(lz, broken);
    expect(outcome.violations).toEqual(expect.arrayContaining([expect.stringMatching(/^tenant harbor-logistics .*on behalf of .* \(tag\): Allowed, expected denied$/)]));
  });

  test('a pooled route that trusts the tenant id of any account is caught', async () => {
    const broken = edited(result, 'tenant-bluefin-analytics', (json) => json.replace(/\\"account\\":\[\\"\d{12}\\"\],/, ''));
    const outcome = await checkIsolation(lz, broken);
    expect(outcome.violations).toEqual(expect.arrayContaining([expect.stringMatching(/claiming tenant bluefin-analytics: reaches .*bluefin-analytics.*expected/)]));
  });
});
