import { APP_FUNCTIONS, SESSION_VENDING_FUNCTIONS } from '../../functions/shared/contracts';
import { platformNames, tenantNames } from '../../model/names';
import { errorsOf, l1, l2, l3, makeFixture } from '../helpers/fixture';
import { decide, Decision, Doc, findPolicy, trustPolicyOfRole } from '../helpers/iam';
import { stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * Issue 16, items 5, 6 and 10, proven with the IAM simulator on the synthesized policies of a
 * tenant set built here: every tier and BYOK state, each dedicated tenant on an adopted account
 * so that its ids are literal.
 *
 * Token vending: STS authorizes `sts:AssumeRole` and `sts:TagSession` separately, and the
 * Service Authorization Reference lists `sts:ExternalId` for AssumeRole only. Each dedicated
 * data-access role is simulated under both readings of what TagSession sees (with and without
 * the external id): the intended call is allowed either way, and nothing else is.
 *
 * Keys: every key user reaches a key only through the services named for it (kms:ViaService),
 * from the key's account (kms:CallerAccount); never directly.
 */
const TENANTS: Record<string, ReturnType<typeof l1>> = { 'pooled.yaml': l1('pooled') };
const DEDICATED = {
  'data-l2': { account: '310000000001', manifest: l2('data-l2', { account: { email: 'aws+data-l2@saas.example', id: '310000000001' } }) },
  'own-app': { account: '310000000002', manifest: l3('own-app', { homeRegion: 'eu-central-1', account: { email: 'aws+own-app@saas.example', id: '310000000002' } }) },
  'pending': { account: '310000000003', manifest: l3('pending', { account: { email: 'aws+pending@saas.example', id: '310000000003' }, encryption: { byok: 'imported' } }) },
  'cust-key': {
    account: '310000000004',
    manifest: l3('cust-key', { account: { email: 'aws+cust-key@saas.example', id: '310000000004' }, encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:999888777666:key/11111111-2222-3333-4444-555555555555' } }),
  },
} as const;
for (const [id, t] of Object.entries(DEDICATED)) TENANTS[`${id}.yaml`] = t.manifest;

const fx = makeFixture({ tenants: TENANTS });
afterAll(() => fx.cleanup());
const validation = fx.validate();
const lz = validation.landingZone!;
const result = synthTo(lz);
const ORG = lz.settings.organization.id;
const PLATFORM = lz.settings.organization.platformAccountId;
const HOME = lz.settings.regions.home;
const platform = platformNames(lz.settings);
const profileOf = (id: string) => lz.tenants.find((t) => t.manifest.id === id)!.profile;
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

test('the tenant set is valid', () => {
  expect(errorsOf(validation)).toEqual([]);
});

describe('token vending into dedicated accounts: both readings of TagSession allow exactly the intended call', () => {
  type Ctx = Record<string, string | string[]>;
  const cases = Object.entries(DEDICATED).flatMap(([id, t]) => {
    const profile = profileOf(id);
    const vendingAccount = profile.sessionVending.account === 'platform' ? PLATFORM : t.account;
    return profile.sessionVending.roleNames.map((caller) => ({ id, account: t.account, caller: role(vendingAccount, caller) }));
  });

  test('every dedicated tenant has a case per session-vending role (the examples had 20 such requests)', () => {
    expect(cases).toHaveLength(Object.keys(DEDICATED).length * SESSION_VENDING_FUNCTIONS.length);
  });

  describe.each(cases)('$id, vended by $caller', ({ id, account, caller }) => {
    const trust = trustPolicyOfRole(stackJson(result, `tenant-${id}`), tenantNames(lz.settings, id).dataAccessRole);
    const target = role(account, tenantNames(lz.settings, id).dataAccessRole);
    const ask = (action: string, context: Ctx, principal = caller): Promise<Decision> =>
      decide({ principal, action, resource: target, resourceAccount: account, context }, { resource: trust, identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }] });
    const legitimate: Ctx = { 'aws:PrincipalOrgID': ORG, 'aws:TagKeys': ['TenantId'], 'aws:RequestTag/TenantId': id, 'sts:ExternalId': id };
    const { 'sts:ExternalId': _externalId, ...withoutExternalId } = legitimate;

    test('the legitimate request: AssumeRole, and TagSession with or without the external id in its context', async () => {
      expect(await ask('sts:AssumeRole', legitimate)).toBe('Allowed');
      expect(await ask('sts:TagSession', legitimate)).toBe('Allowed');
      expect(await ask('sts:TagSession', withoutExternalId)).toBe('Allowed');
    });

    test('AssumeRole without the external id, or with another tenant’s, is refused', async () => {
      expect(await ask('sts:AssumeRole', withoutExternalId)).toBe('ImplicitlyDenied');
      expect(await ask('sts:AssumeRole', { ...legitimate, 'sts:ExternalId': 'pooled' })).toBe('ImplicitlyDenied');
    });

    test.each(['sts:AssumeRole', 'sts:TagSession'])('%s with another tenant’s tag, an extra tag, no tag, or from outside the organization is refused', async (action) => {
      for (const context of [legitimate, withoutExternalId]) {
        expect(await ask(action, { ...context, 'aws:RequestTag/TenantId': 'pooled' })).toBe('ImplicitlyDenied');
        expect(await ask(action, { ...context, 'aws:TagKeys': ['TenantId', 'Admin'], 'aws:RequestTag/Admin': 'true' })).toBe('ImplicitlyDenied');
        const { 'aws:RequestTag/TenantId': _tag, ...untagged } = context;
        expect(await ask(action, { ...untagged, 'aws:TagKeys': [] })).toBe('ImplicitlyDenied');
        expect(await ask(action, { ...context, 'aws:PrincipalOrgID': 'o-elsewhere1' })).toBe('ImplicitlyDenied');
      }
    });

    test('no other role of the app may vend sessions', async () => {
      const other = caller.replace(/[^/]+$/, tenantNames(lz.settings, id).appRole('pre-sign-up'));
      expect(await ask('sts:AssumeRole', legitimate, other)).toBe('ImplicitlyDenied');
      expect(await ask('sts:TagSession', legitimate, other)).toBe('ImplicitlyDenied');
    });
  });
});

describe('key policies: key users reach a key only through their services, from its account', () => {
  interface KeyCase {
    readonly name: string;
    readonly policy: Doc;
    readonly account: string;
    readonly region: string;
    /** Principals and the services they may use the key through. */
    readonly users: ReadonlyArray<{ readonly principal: string; readonly via: ReadonlyArray<string> }>;
  }
  const keyPolicies = (json: TfJson, type: string): Doc[] =>
    Object.keys(json.resource?.[type] ?? {}).map((name) => findPolicy(json, type, 'policy', (b) => b === json.resource[type][name]));
  const appRoles = (account: string, names: { appRole: (fn: string) => string }) => APP_FUNCTIONS.map((fn) => role(account, names.appRole(fn)));

  const keyCases: KeyCase[] = [
    {
      name: 'the platform key',
      policy: keyPolicies(stackJson(result, 'platform'), 'aws_kms_key')[0],
      account: PLATFORM,
      region: HOME,
      users: [
        { principal: role(PLATFORM, platform.dataAccessRole), via: ['dynamodb', 's3'] },
        { principal: role(PLATFORM, platform.backupRole), via: ['backup', 'dynamodb', 's3'] },
        ...appRoles(PLATFORM, platform).map((principal) => ({ principal, via: ['dynamodb'] })),
      ],
    },
    ...Object.entries(DEDICATED).flatMap(([id, t]) => {
      const json = stackJson(result, `tenant-${id}`);
      const own = tenantNames(lz.settings, id);
      const profile = profileOf(id);
      const users = [
        { principal: role(t.account, own.dataAccessRole), via: ['dynamodb', 's3'] },
        { principal: role(t.account, own.backupRole), via: ['backup', 'dynamodb', 's3'] },
        ...(profile.app.host === 'tenant' ? appRoles(t.account, own).map((principal) => ({ principal, via: ['dynamodb'] })) : []),
      ];
      return [...keyPolicies(json, 'aws_kms_key'), ...keyPolicies(json, 'aws_kms_external_key')].map((policy, i) => ({ name: `${id}'s key ${i + 1}`, policy, account: t.account, region: profile.region, users }));
    }),
  ];
  const KEY_ARN = (k: KeyCase) => `arn:aws:kms:${k.region}:${k.account}:key/11111111-2222-3333-4444-555555555555`;
  const useKey = (k: KeyCase, principal: string, action: string, context: Record<string, string>) =>
    decide({ principal, action, resource: KEY_ARN(k), resourceAccount: k.account, context: { 'aws:PrincipalOrgID': ORG, ...context } }, { resource: k.policy, identity: [] });

  test('every key of the set is covered: the platform key, and per dedicated tenant its landing-zone key and, for imported BYOK, its BYOK key', () => {
    expect(keyCases.map((k) => k.name)).toEqual(['the platform key', "data-l2's key 1", "own-app's key 1", "own-app's key 2", "pending's key 1", "pending's key 2", "cust-key's key 1"]);
  });

  describe.each(keyCases)('$name', (k) => {
    test('each user may use it through each of its services, from the key account', async () => {
      for (const { principal, via } of k.users) {
        for (const service of via) {
          for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
            expect([principal, service, action, await useKey(k, principal, action, { 'kms:ViaService': `${service}.${k.region}.amazonaws.com`, 'kms:CallerAccount': k.account })]).toEqual([principal, service, action, 'Allowed']);
          }
        }
      }
    });

    test('nobody may use it directly, through another service, or from another account', async () => {
      for (const { principal, via } of k.users) {
        expect([principal, await useKey(k, principal, 'kms:Decrypt', { 'kms:CallerAccount': k.account })]).toEqual([principal, 'ImplicitlyDenied']);
        expect([principal, await useKey(k, principal, 'kms:Decrypt', { 'kms:ViaService': `sqs.${k.region}.amazonaws.com`, 'kms:CallerAccount': k.account })]).toEqual([principal, 'ImplicitlyDenied']);
        const other = via.includes('s3') ? 'lambda' : 's3';
        expect([principal, other, await useKey(k, principal, 'kms:Encrypt', { 'kms:ViaService': `${other}.${k.region}.amazonaws.com`, 'kms:CallerAccount': k.account })]).toEqual([principal, other, 'ImplicitlyDenied']);
        expect([principal, await useKey(k, principal, 'kms:Decrypt', { 'kms:ViaService': `${via[0]}.${k.region}.amazonaws.com`, 'kms:CallerAccount': '999999999999' })]).toEqual([principal, 'ImplicitlyDenied']);
        expect([principal, await useKey(k, principal, 'kms:Decrypt', { 'kms:ViaService': `${via[0]}.us-east-2.amazonaws.com`, 'kms:CallerAccount': k.account })]).toEqual([principal, 'ImplicitlyDenied']);
      }
    });

    test('the deployment role manages it but cannot use it, not even through a service', async () => {
      const deploy = role(k.account, lz.settings.roles.deployment);
      expect(await useKey(k, deploy, 'kms:PutKeyPolicy', {})).toBe('Allowed');
      expect(await useKey(k, deploy, 'kms:Decrypt', { 'kms:ViaService': `dynamodb.${k.region}.amazonaws.com`, 'kms:CallerAccount': k.account })).toBe('ImplicitlyDenied');
    });
  });

  test('an offboarding tenant’s keys name no data-access role (it is removed, and KMS refuses a policy naming a role that does not exist)', () => {
    const off = makeFixture({ tenants: { 'gone.yaml': l2('gone', { status: 'offboarding', offboarding: { requestedOn: '2026-01-10', retentionDays: 90 }, account: { email: 'aws+gone@saas.example', id: '310000000009' } }) } });
    try {
      const json = stackJson(synthTo(off.validate().landingZone!), 'tenant-gone');
      const text = JSON.stringify(keyPolicies(json, 'aws_kms_key'));
      expect(text).not.toContain(tenantNames(lz.settings, 'gone').dataAccessRole);
      expect(text).toContain(tenantNames(lz.settings, 'gone').backupRole);
    } finally {
      off.cleanup();
    }
  });
});
