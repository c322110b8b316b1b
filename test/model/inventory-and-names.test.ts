import { orderByDependencies, stackInventory, stacksForTenants, StackSpec } from '../../model/inventory';
import { derive, NameTooLongError, NAME_LIMITS, platformNames, tenantNames } from '../../model/names';
import { TENANT_ID_MAX_LENGTH } from '../../model/schema/tenant';
import { l1, l2, l3, profileOf } from '../helpers/fixture';

const tenants = [profileOf(l1('zeta')), profileOf(l3('alpha')), profileOf(l2('mid'))];

describe('stack inventory', () => {
  const inv = stackInventory(tenants);
  const byName = new Map(inv.map((s) => [s.name, s]));

  test('shared stacks, an account stack per L2/L3 tenant, a tenant stack per tenant', () => {
    expect(inv.map((s) => s.name)).toEqual([
      'bootstrap',
      'organization',
      'account-alpha',
      'account-mid',
      'platform',
      'tenant-alpha',
      'tenant-mid',
      'tenant-zeta',
    ]);
  });

  test('every stack has its own state key; tenant stacks under tenants/<id>/', () => {
    const keys = inv.map((s) => s.stateKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of inv.filter((x) => x.tenantId)) expect(s.stateKey.startsWith(`tenants/${s.tenantId}/`)).toBe(true);
    expect(byName.get('account-alpha')!.stateKey).toBe('tenants/alpha/account.tfstate');
    expect(byName.get('tenant-zeta')!.stateKey).toBe('tenants/zeta/tenant.tfstate');
  });

  test('dependencies are explicit and every dependency comes first', () => {
    expect(byName.get('tenant-alpha')!.dependsOn).toEqual(['platform', 'account-alpha']);
    expect(byName.get('tenant-zeta')!.dependsOn).toEqual(['platform']);
    expect(byName.get('account-mid')!.dependsOn).toEqual(['organization']);
    expect(byName.get('platform')!.dependsOn).toEqual(['organization']);
    inv.forEach((s, i) => s.dependsOn.forEach((d) => expect(inv.findIndex((x) => x.name === d)).toBeLessThan(i)));
  });

  test('accounts: L1 tenant stacks work in the platform account, L2/L3 in their own', () => {
    expect(byName.get('tenant-zeta')!.target).toBe('platform');
    expect(byName.get('tenant-mid')!.target).toBe('tenant');
    expect(byName.get('account-mid')!.target).toBe('management');
  });

  test('one tenant needs its own stacks and the shared ones they depend on, nothing else', () => {
    expect(stacksForTenants(inv, ['mid']).map((s) => s.name)).toEqual(['bootstrap', 'organization', 'account-mid', 'platform', 'tenant-mid']);
    expect(stacksForTenants(inv, ['zeta']).map((s) => s.name)).toEqual(['bootstrap', 'organization', 'platform', 'tenant-zeta']);
    expect(() => stacksForTenants(inv, ['nope'])).toThrow(/tenant nope has no stacks/);
  });

  test('cycles and missing dependencies are caught', () => {
    const a: StackSpec = { name: 'a', kind: 'tenant', target: 'platform', stateKey: 'a', dependsOn: ['b'], wave: 3 };
    const b: StackSpec = { ...a, name: 'b', stateKey: 'b', dependsOn: ['a'] };
    expect(() => orderByDependencies([a, b])).toThrow(/cycle/);
    expect(() => orderByDependencies([a])).toThrow(/unknown stack b/);
  });
});

describe('derived AWS names fit their limits', () => {
  const longestId = 'a'.repeat(TENANT_ID_MAX_LENGTH - 2) + '-b';
  const longestPrefix = { name: 'abcdefgh' };
  const longestRegion = 'ap-southeast-5';

  function allNames(): Array<[string, string, number]> {
    const out: Array<[string, string, number]> = [];
    const walk = (names: Record<string, unknown>, owner: string) => {
      for (const [k, v] of Object.entries(names)) {
        if (typeof v === 'string') out.push([`${owner}.${k}`, v, v.length]);
        else if (typeof v === 'function' && k !== 'stateBucket') {
          const value = (v as (...a: string[]) => string)(/Bucket$/.test(k) ? '123456789012' : 'pre-token-generation', longestRegion);
          out.push([`${owner}.${k}()`, value, value.length]);
        }
      }
    };
    walk(tenantNames(longestPrefix, longestId), 'tenant');
    walk(platformNames(longestPrefix), 'platform');
    return out;
  }

  test('for the longest allowed id, prefix and region', () => {
    const names = allNames();
    expect(names.length).toBeGreaterThan(40);
    for (const [, value] of names) expect(value).toContain(longestPrefix.name);
  });

  test('derive refuses a name over its limit', () => {
    expect(() => derive('s3BucketName', 'x'.repeat(NAME_LIMITS.s3BucketName + 1))).toThrow(NameTooLongError);
    expect(derive('s3BucketName', 'x'.repeat(NAME_LIMITS.s3BucketName))).toHaveLength(63);
  });

  test('bucket names stay valid S3 names', () => {
    const bucket = tenantNames(longestPrefix, longestId).dataBucket('123456789012', longestRegion);
    expect(bucket).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
    expect(bucket.length).toBeLessThanOrEqual(63);
  });
});
