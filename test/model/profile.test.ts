import { TenantProfile } from '../../model/profile';
import { errorsOf, exampleSettings, l1, l2, l3, makeFixture, Manifest, profileOf } from '../helpers/fixture';

/**
 * The profile's combination table (model/profile.ts), row by row: tier x BYOK mode x key
 * material decide account, app, key, vault and BYOK state; status decides access and protection.
 */
const settings = exampleSettings();
const CUSTOMER_KEY = 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12';

interface Row {
  readonly name: string;
  readonly manifest: Manifest;
  readonly account: 'platform' | 'tenant';
  readonly ou?: string;
  readonly app: 'platform' | 'tenant';
  readonly key: TenantProfile['dataKey']['kind'];
  readonly controlledBy: TenantProfile['dataKey']['controlledBy'];
  readonly byok: TenantProfile['byok']['state'];
  readonly lockedVault: boolean;
  readonly approval: boolean;
}

const rows: Row[] = [
  { name: 'L1', manifest: l1('acme'), account: 'platform', app: 'platform', key: 'platform', controlledBy: 'platform', byok: 'not-applicable', lockedVault: false, approval: false },
  { name: 'L2', manifest: l2('acme'), account: 'tenant', ou: 'tenantsL2', app: 'platform', key: 'landing-zone', controlledBy: 'landing-zone', byok: 'not-applicable', lockedVault: false, approval: false },
  { name: 'L3 imported, material in', manifest: l3('acme'), account: 'tenant', ou: 'tenantsL3', app: 'tenant', key: 'byok-imported', controlledBy: 'customer', byok: 'in-effect', lockedVault: true, approval: true },
  {
    name: 'L3 imported, material not yet (BYOK pending)',
    manifest: l3('acme', { encryption: { byok: 'imported', keyMaterialImported: false } }),
    account: 'tenant',
    ou: 'tenantsL3',
    app: 'platform',
    key: 'landing-zone',
    controlledBy: 'landing-zone',
    byok: 'pending',
    lockedVault: false,
    approval: true,
  },
  { name: 'L3 customer key', manifest: l3('acme', { encryption: { byok: 'customer-key', keyArn: CUSTOMER_KEY } }), account: 'tenant', ou: 'tenantsL3', app: 'tenant', key: 'customer-key', controlledBy: 'customer', byok: 'in-effect', lockedVault: true, approval: true },
];

describe('tenant profile: tier, BYOK mode and key material', () => {
  test.each(rows)('$name', (row) => {
    const p = profileOf(row.manifest, settings);
    expect(p.account.side).toBe(row.account);
    if (p.account.side === 'tenant') {
      expect(p.account.ou).toBe(row.ou);
      expect(p.account.ouName).toBe(settings.organizationalUnits[row.ou as keyof typeof settings.organizationalUnits]);
    }
    expect(p.app.host).toBe(row.app);
    expect(p.dataKey.kind).toBe(row.key);
    expect(p.dataKey.controlledBy).toBe(row.controlledBy);
    expect(p.byok.state).toBe(row.byok);
    expect(p.backup.lockedVault !== undefined).toBe(row.lockedVault);
    expect(p.approval !== undefined).toBe(row.approval);
    expect(p.sessionVending.account).toBe(row.app);
    expect(p.data.mode).toBe(row.account === 'platform' ? 'pooled' : 'dedicated');
    expect(p.dedicated).toBe(row.account === 'tenant');
  });

  test('BYOK pending names the key and the way out; the BYOK key exists, the data stays on the landing-zone key', () => {
    const p = profileOf(l3('acme', { encryption: { byok: 'imported', keyMaterialImported: false } }), settings);
    expect(p.byok.reason).toBe(`BYOK key alias/${settings.name}/tenant/acme/byok has no key material yet: tenant acme runs as L2 on the landing-zone key until the customer imports it and the manifest says encryption.keyMaterialImported: true`);
    expect(p.byokKeyAlias).toBe(`alias/${settings.name}/tenant/acme/byok`);
    expect(p.dataKey.ref).toEqual({ alias: `alias/${settings.name}/tenant/acme` });
    expect(p.landingZoneKeyAlias).toBe(`alias/${settings.name}/tenant/acme`);
  });

  test('a version pin takes effect with the own app and waits while BYOK is pending', () => {
    const other = settings.platform.appVersion === '3.1.0' ? '3.0.0' : '3.1.0';
    expect(profileOf(l3('acme', { appVersion: other }), settings).app).toEqual({ host: 'tenant', version: other });
    const pending = profileOf(l3('acme', { appVersion: other, encryption: { byok: 'imported', keyMaterialImported: false } }), settings).app;
    expect(pending).toMatchObject({ host: 'platform', version: settings.platform.appVersion, deferredPin: { version: other } });
    expect(pending.deferredPin!.reason).toMatch(/BYOK is pending/);
    expect(profileOf(l3('acme', { appVersion: settings.platform.appVersion, encryption: { byok: 'imported', keyMaterialImported: false } }), settings).app.deferredPin).toBeUndefined();
  });

  test('an adopted account is named; a new one is left to the account stack', () => {
    const adopted = profileOf(l2('acme', { account: { email: 'aws+acme@saas.example', id: '555555555555' } }), settings).account;
    expect(adopted).toMatchObject({ side: 'tenant', adoptedId: '555555555555', email: 'aws+acme@saas.example' });
    expect(profileOf(l2('acme'), settings).account).not.toHaveProperty('adoptedId');
  });
});

describe('tenant profile: status', () => {
  const offboarding = { status: 'offboarding', offboarding: { requestedOn: '2026-01-15', retentionDays: 30 } };
  const destroy = { ...offboarding, acknowledgements: { dataDestruction: { reason: 'Retention period is over, confirmed', approvedBy: ['@platform/leads'] } } };
  test.each([
    ['active', {}, { signIn: true, apiKey: true, eventRouting: true }, 'tenantsL3', true, true],
    ['suspended', { status: 'suspended' }, { signIn: false, apiKey: true, eventRouting: true }, 'tenantsL3', true, true],
    ['offboarding', offboarding, { signIn: false, apiKey: false, eventRouting: false }, 'suspended', false, true],
    ['offboarding, destruction acknowledged', destroy, { signIn: false, apiKey: false, eventRouting: false }, 'suspended', false, false],
  ])('%s', (_name, extra, access, ou, roleKept, protectedData) => {
    const p = profileOf(l3('acme', extra), settings);
    expect(p.access).toEqual(access);
    expect(p.account.side === 'tenant' && p.account.ou).toBe(ou);
    expect(p.dataAccessRole.present).toBe(roleKept);
    expect(p.destroyProtection).toBe(protectedData);
  });

  test('a pooled tenant keeps the shared data-access role whatever its status', () => {
    const p = profileOf(l1('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-01-15', retentionDays: 30 } }), settings);
    expect(p.dataAccessRole).toEqual({ account: 'platform', name: `${settings.name}-tenant-data-access`, present: true });
  });
});

describe('validation reads the profile', () => {
  test('a pin that waits for BYOK is a warning on appVersion, not an error', () => {
    const other = settings.platform.appVersion === '3.1.0' ? '3.0.0' : '3.1.0';
    const fx = makeFixture({ tenants: { 'acme.yaml': l3('acme', { appVersion: other, encryption: { byok: 'imported', keyMaterialImported: false } }) } });
    try {
      const result = fx.validate();
      expect(errorsOf(result)).toEqual([]);
      const codes = result.diagnostics.map((d) => [d.code, d.field, d.severity]);
      expect(codes).toEqual(expect.arrayContaining([['byok-pending', 'encryption.keyMaterialImported', 'warning'], ['app-version-deferred', 'appVersion', 'warning']]));
    } finally {
      fx.cleanup();
    }
  });
});
