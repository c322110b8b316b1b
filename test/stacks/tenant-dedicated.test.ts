import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isProtectedResourceType, replacementCauses, KMS_KEY_ATTRIBUTES, PROTECTED_RESOURCE_TYPES, readConfigPath, REPLACEMENT_ATTRIBUTES } from '../../terraform/protected-resources';
import { platformNames, tenantNames } from '../../model/names';
import { TenantManifest } from '../../model/schema/tenant';
import { fixtureLandingZone, onlyResource, resourceBlocks, resources, stackJson, synthTo, TfJson, withTenant } from '../helpers/synth';

const lz = fixtureLandingZone();
const result = synthTo(lz);
const PLATFORM = lz.settings.organization.platformAccountId;
const ORG = lz.settings.organization.id;
const platform = platformNames(lz.settings);
const manifest = (id: string) => lz.tenants.find((t) => t.manifest.id === id)!.manifest;
const inTenantAccount = (json: TfJson, type: string): TfJson[] => Object.values(resources(json, type)).filter((b) => b.provider === 'aws.tenant');
const inPlatform = (json: TfJson, type: string): TfJson[] => Object.values(resources(json, type)).filter((b) => b.provider === undefined);
const refOf = (json: TfJson, type: string) => `\${${type}.${Object.keys(resources(json, type))[0]}.arn}`;
const registryEntries = (json: TfJson) => Object.values(resources(json, 'aws_dynamodb_table_item')).map((i) => ({ provider: i.provider, table: i.table_name, entry: unmarshall(JSON.parse(i.item)) }));
const CREATED_ACCOUNT = '${data.terraform_remote_state.account-state.outputs.account_id}';

describe('account stack', () => {
  test('L2 and L3 accounts: tier OU, never closed, protected, billing and role name ignored after creation', () => {
    for (const [id, ou] of [['harbor-logistics', 'Tenants-L2'], ['northwind-gov', 'Tenants-L3']]) {
      const json = stackJson(result, `account-${id}`);
      expect(json.data.aws_organizations_organizational_unit['parent-ou'].name).toBe(ou);
      expect(onlyResource(json, 'aws_organizations_account')).toMatchObject({
        name: tenantNames(lz.settings, id).accountName,
        email: manifest(id).account!.email,
        close_on_deletion: false,
        tags: { TenantId: id, Tier: manifest(id).tier },
        lifecycle: { prevent_destroy: true, ignore_changes: ['role_name', 'iam_user_access_to_billing'] },
      });
    }
  });

  test('an offboarding dedicated tenant moves to the suspended OU, its account untouched', () => {
    const moved = synthTo(withTenant(lz, { ...manifest('harbor-logistics'), status: 'offboarding', offboarding: { requestedOn: '2026-11-01', retentionDays: 90 } }), { tenantIds: ['harbor-logistics'] });
    const json = stackJson(moved, 'account-harbor-logistics');
    expect(json.data.aws_organizations_organizational_unit['parent-ou'].name).toBe('Suspended');
    expect(onlyResource(json, 'aws_organizations_account')).toEqual(onlyResource(stackJson(result, 'account-harbor-logistics'), 'aws_organizations_account'));
  });
});

describe('L2 tenant stack (harbor-logistics: a new account)', () => {
  const json = stackJson(result, 'tenant-harbor-logistics');
  const own = tenantNames(lz.settings, 'harbor-logistics');
  const keyRef = refOf(json, 'aws_kms_key');

  test('reaches the tenant account through its deployment role, with the id from the account stack', () => {
    const tenant = json.provider.aws.find((p: TfJson) => p.alias === 'tenant');
    expect(tenant).toMatchObject({ region: 'eu-central-1', allowed_account_ids: [CREATED_ACCOUNT], assume_role: [{ role_arn: `arn:aws:iam::${CREATED_ACCOUNT}:role/\${var.lz_role_name}` }] });
    expect(json.variable.lz_role_name.default).toBe('LandingZoneDeployment');
  });

  test('account baseline: no public S3, EBS encrypted with the tenant key, strict password policy', () => {
    expect(onlyResource(json, 'aws_s3_account_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true, provider: 'aws.tenant' });
    expect(onlyResource(json, 'aws_ebs_encryption_by_default').enabled).toBe(true);
    expect(onlyResource(json, 'aws_ebs_default_kms_key').key_arn).toBe(keyRef);
    expect(onlyResource(json, 'aws_iam_account_password_policy').minimum_password_length).toBeGreaterThanOrEqual(14);
  });

  test("the tenant's own key: rotation, separated roles, nobody outside the organization", () => {
    const key = onlyResource(json, 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, provider: 'aws.tenant' });
    const policy = JSON.parse(key.policy);
    const sid = (s: string) => policy.Statement.find((x: TfJson) => x.Sid === s);
    expect(sid('KeyAdministration').Principal.AWS).toEqual([`arn:aws:iam::${CREATED_ACCOUNT}:role/LandingZoneDeployment`, `arn:aws:iam::${CREATED_ACCOUNT}:role/LandingZoneBreakGlass`]);
    expect(sid('KeyUseThroughDynamodbAndS3').Principal.AWS).toEqual([`arn:aws:iam::${CREATED_ACCOUNT}:role/${own.dataAccessRole}`]);
    expect(sid('KeyUseThroughBackupAndDynamodbAndS3').Principal.AWS).toEqual([`arn:aws:iam::${CREATED_ACCOUNT}:role/${own.backupRole}`]);
    expect(sid('DenyOutsideOrganization').Condition.StringNotEquals['aws:PrincipalOrgID']).toBe(ORG);
    expect(onlyResource(json, 'aws_kms_alias').name).toBe(own.kmsAlias);
  });

  test('every data-bearing resource in the tenant account uses the tenant key', () => {
    let checked = 0;
    for (const [type, path] of Object.entries(KMS_KEY_ATTRIBUTES)) {
      for (const block of inTenantAccount(json, type)) {
        expect([type, readConfigPath(block, path)]).toEqual([type, keyRef]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  test('tables with the schema of the pooled ones, PITR and deletion protection', () => {
    const pooled = Object.fromEntries(Object.values(resources(stackJson(result, 'platform'), 'aws_dynamodb_table')).map((t) => [t.name.replace(/^kpz-/, ''), t]));
    for (const t of inTenantAccount(json, 'aws_dynamodb_table')) {
      const twin = pooled[t.name.replace(`${own.prefix}-`, '')];
      expect([t.hash_key, t.range_key, t.attribute]).toEqual([twin.hash_key, twin.range_key, twin.attribute]);
      expect(t).toMatchObject({ point_in_time_recovery: { enabled: true }, deletion_protection_enabled: true, lifecycle: { prevent_destroy: true } });
    }
  });

  test("backup plan and selection from the manifest's schedule and retention", () => {
    const m = manifest('harbor-logistics');
    const plan = onlyResource(json, 'aws_backup_plan');
    expect(plan.rule[0]).toMatchObject({ schedule: m.backup!.schedule, lifecycle: { delete_after: m.backup!.retentionDays } });
    expect(onlyResource(json, 'aws_backup_vault')).toMatchObject({ name: own.backupVault, kms_key_arn: keyRef });
    expect(onlyResource(json, 'aws_backup_selection').resources).toHaveLength(3);
    const cold = stackJson(result, 'tenant-atlas-insurance');
    expect(onlyResource(cold, 'aws_backup_plan').rule[0].lifecycle).toEqual({ delete_after: 400, cold_storage_after: 90 });
  });

  test('the data-access role: only the platform app, from the organization, with the tenant id as external id and tag', () => {
    const role = inTenantAccount(json, 'aws_iam_role').find((r) => r.name === own.dataAccessRole)!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal.AWS).toEqual([`arn:aws:iam::${PLATFORM}:role/${platform.appRole('post-confirmation')}`, `arn:aws:iam::${PLATFORM}:role/${platform.appRole('tenant-api')}`]);
    expect(trust.Condition.StringEquals).toEqual({ 'aws:RequestTag/TenantId': 'harbor-logistics', 'sts:ExternalId': 'harbor-logistics', 'aws:PrincipalOrgID': ORG });
  });

  test("events: tenant bus open to the platform only, forwarding by account, the platform's events for it delivered to it", () => {
    const busPolicy = JSON.parse(onlyResource(json, 'aws_cloudwatch_event_bus_policy').policy).Statement;
    expect(busPolicy).toEqual([expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${PLATFORM}:root` }, Action: 'events:PutEvents' })]);
    const rules = Object.fromEntries(Object.values(resources(json, 'aws_cloudwatch_event_rule')).map((r) => [r.name, r]));
    expect(JSON.parse(rules[own.toCentralRule].event_pattern)).toEqual({ account: [CREATED_ACCOUNT] });
    expect(rules[own.toCentralRule].provider).toBe('aws.tenant');
    expect(JSON.parse(rules[own.pooledRule].event_pattern)).toEqual({ account: [CREATED_ACCOUNT] });
    expect(JSON.parse(rules[own.toTenantRule].event_pattern)).toEqual({ source: ['saas.platform'], account: [PLATFORM], detail: { tenantId: ['harbor-logistics'] } });
    const forward = inTenantAccount(json, 'aws_iam_role_policy').map((p) => JSON.parse(p.policy)).find((p) => p.Statement[0].Sid === 'CentralBusOnly');
    expect(forward.Statement[0]).toMatchObject({ Action: 'events:PutEvents', Resource: `arn:aws:events:eu-west-1:${PLATFORM}:event-bus/${platform.centralBus}` });
  });

  test('registry entry in the platform: the data lives in the tenant account', () => {
    const [entry] = registryEntries(json);
    expect(entry.table).toBe(platform.registryTable);
    expect(entry.entry.data).toEqual({
      mode: 'dedicated',
      accountId: CREATED_ACCOUNT,
      region: 'eu-central-1',
      itemsTable: own.itemsTable,
      usersTable: own.usersTable,
      bucket: own.dataBucket(CREATED_ACCOUNT, 'eu-central-1'),
      dataAccessRoleArn: `arn:aws:iam::${CREATED_ACCOUNT}:role/${own.dataAccessRole}`,
      externalId: 'harbor-logistics',
    });
    expect(onlyResource(json, 'aws_cognito_user').attributes['custom:tenant_id']).toBe('harbor-logistics');
  });
});

describe('L3 tenant stacks', () => {
  const imported = stackJson(result, 'tenant-meridian-bank');
  const customer = stackJson(result, 'tenant-northwind-gov');
  const byokRef = refOf(imported, 'aws_kms_external_key');
  const customerKey = manifest('northwind-gov').encryption!.keyArn!;

  test('imported BYOK: a key of origin EXTERNAL created without key material', () => {
    const key = onlyResource(imported, 'aws_kms_external_key');
    expect(key).toMatchObject({ deletion_window_in_days: 30, provider: 'aws.tenant', lifecycle: { prevent_destroy: true } });
    expect(key.key_material_base64).toBeUndefined();
    expect(JSON.stringify(imported)).not.toMatch(/key_material_base64/);
  });

  test.each([
    ['meridian-bank (imported)', imported, byokRef],
    ['northwind-gov (customer key)', customer, customerKey],
  ])('%s: every data-bearing resource uses the BYOK key; none falls back to an AWS-owned or platform key', (_n, json, expected) => {
    const own = tenantNames(lz.settings, json['//'].metadata.stackName.replace(/^tenant-/, ''));
    const tenantKeyRef = refOf(json, 'aws_kms_key');
    let checked = 0;
    for (const [type, path] of Object.entries(KMS_KEY_ATTRIBUTES)) {
      for (const block of inTenantAccount(json, type)) {
        const key = readConfigPath(block, path);
        // The one exception: the vault of the L2 days, kept for its recovery points, on the tenant's landing-zone key.
        const want = type === 'aws_backup_vault' && block.name === own.backupVault ? tenantKeyRef : expected;
        expect([type, block.name ?? block.bucket, key]).toEqual([type, block.name ?? block.bucket, want]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
    expect(onlyResource(json, 'aws_ebs_default_kms_key').key_arn).toBe(expected);
    const tenantAccountJson = JSON.stringify(Object.keys(json.resource).flatMap((type) => inTenantAccount(json, type)));
    expect(tenantAccountJson.match(/alias\/aws\/|alias\/kpz\/platform|AES256/g)).toBeNull();
  });

  test('a locked backup vault on the BYOK key is the backup target', () => {
    const own = tenantNames(lz.settings, 'meridian-bank');
    expect(onlyResource(imported, 'aws_backup_vault_lock_configuration')).toMatchObject({ backup_vault_name: expect.stringContaining('locked-vault'), min_retention_days: 2555, changeable_for_days: 3 });
    expect(onlyResource(imported, 'aws_backup_plan').rule[0].target_vault_name).toMatch(/locked-vault/);
    expect(inTenantAccount(imported, 'aws_backup_vault').map((v) => v.name).sort()).toEqual([own.backupVault, own.lockedBackupVault]);
  });

  test('the app runs in the tenant account: own user pool, API, functions at the pinned version, registry, alarms', () => {
    expect(onlyResource(imported, 'aws_cognito_user_pool')).toMatchObject({ provider: 'aws.tenant', name: tenantNames(lz.settings, 'meridian-bank').userPool });
    expect(onlyResource(imported, 'aws_api_gateway_rest_api').provider).toBe('aws.tenant');
    const fns = inTenantAccount(imported, 'aws_lambda_function');
    expect(fns).toHaveLength(5);
    for (const f of fns) {
      expect(f.s3_bucket).toBe(lz.settings.platform.artifactsBucket);
      expect(f.s3_key).toMatch(/^app\/3\.1\.4\/[a-z-]+\.zip$/);
      expect(f.environment.variables.APP_VERSION).toBe('3.1.4');
    }
    const unpinned = inTenantAccount(customer, 'aws_lambda_function');
    for (const f of unpinned) expect([f.filename, f.environment.variables.APP_VERSION]).toEqual([expect.stringMatching(/\.zip$/), lz.settings.platform.appVersion]);
    expect(inTenantAccount(imported, 'aws_cloudwatch_metric_alarm').length).toBeGreaterThanOrEqual(5);
    const entries = registryEntries(imported);
    expect(entries.map((e) => [e.provider ?? 'platform', e.entry.status])).toEqual([
      ['platform', 'active'],
      ['aws.tenant', 'active'],
    ]);
  });

  test("the platform keeps the L3 tenant in its registry but gives it no key or user; the tenant's data role trusts its own app", () => {
    expect(inPlatform(imported, 'aws_api_gateway_api_key')).toEqual([]);
    expect(inPlatform(imported, 'aws_cognito_user')).toEqual([]);
    const own = tenantNames(lz.settings, 'meridian-bank');
    const role = inTenantAccount(imported, 'aws_iam_role').find((r) => r.name === own.dataAccessRole)!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.AWS).toEqual([`arn:aws:iam::${CREATED_ACCOUNT}:role/${own.appRole('post-confirmation')}`, `arn:aws:iam::${CREATED_ACCOUNT}:role/${own.appRole('tenant-api')}`]);
  });

  test('customer key: the data-access role reaches the key by ARN (it has no alias here)', () => {
    const own = tenantNames(lz.settings, 'northwind-gov');
    const policy = inTenantAccount(customer, 'aws_iam_role_policy').map((p) => JSON.parse(p.policy)).find((p) => p.Statement.some((s: TfJson) => s.Sid === 'BucketKeyThroughS3'));
    expect(policy.Statement.find((s: TfJson) => s.Sid === 'BucketKeyThroughS3').Resource).toBe(customerKey);
    expect(inTenantAccount(customer, 'aws_iam_role').some((r) => r.name === own.dataAccessRole)).toBe(true);
    expect(resources(customer, 'aws_kms_external_key')).toEqual({});
  });

  test('imported key material pending: runs as L2 on the landing-zone key, no app, no locked vault, and the plan says why', () => {
    const pending = synthTo(withTenant(lz, { ...manifest('meridian-bank'), encryption: { byok: 'imported', keyMaterialImported: false } }), { tenantIds: ['meridian-bank'] });
    const json = stackJson(pending, 'tenant-meridian-bank');
    const tenantKey = refOf(json, 'aws_kms_key');
    for (const t of inTenantAccount(json, 'aws_dynamodb_table')) expect(t.server_side_encryption.kms_key_arn).toBe(tenantKey);
    expect(resources(json, 'aws_cognito_user_pool')).toEqual({});
    expect(resources(json, 'aws_lambda_function')).toEqual({});
    expect(resources(json, 'aws_backup_vault_lock_configuration')).toEqual({});
    expect(onlyResource(json, 'aws_kms_external_key')).toBeDefined();
    expect(json.output.byok_status.value).toMatch(/has no key material yet: tenant meridian-bank runs as L2 .* encryption\.keyMaterialImported: true/);
    expect(onlyResource(json, 'aws_cognito_user').provider).toBeUndefined();
  });
});

describe('offboarding a dedicated tenant keeps data and keys, removes access', () => {
  test('no data-access role, no routes, no API key; tables, bucket, keys, vaults and the queue stay protected', () => {
    const off = synthTo(withTenant(lz, { ...manifest('harbor-logistics'), status: 'offboarding', offboarding: { requestedOn: '2026-11-01', retentionDays: 90 } }), { tenantIds: ['harbor-logistics'] });
    const json = stackJson(off, 'tenant-harbor-logistics');
    const own = tenantNames(lz.settings, 'harbor-logistics');
    expect(Object.values(resources(json, 'aws_iam_role')).map((r) => r.name)).not.toContain(own.dataAccessRole);
    expect(resources(json, 'aws_cloudwatch_event_rule')).toEqual({});
    expect(resources(json, 'aws_api_gateway_api_key')).toEqual({});
    const before = resourceBlocks(stackJson(result, 'tenant-harbor-logistics'));
    const after = resourceBlocks(json);
    for (const [address, block] of before) {
      const type = address.split('.')[0];
      if (!isProtectedResourceType(type)) continue;
      expect([address, after.get(address)?.lifecycle?.prevent_destroy]).toEqual([address, true]);
      if (type === 'aws_kms_key') {
        // The key stays; its policy stops naming the removed data-access role (an in-place update).
        const { policy, depends_on: _d, ...rest } = after.get(address)!;
        const { policy: _p, depends_on: _e, ...restBefore } = block;
        expect(rest).toEqual(restBefore);
        expect(policy).not.toContain(own.dataAccessRole);
        expect(replacementCauses(type, ['policy', 'depends_on'])).toEqual([]);
      } else {
        expect(after.get(address)).toEqual(block);
      }
    }
    expect(registryEntries(json)[0].entry).toMatchObject({ status: 'offboarding', offboarding: { retentionDays: 90 } });
  });

  test('with an approved data-destruction acknowledgement the protection is lifted, and only then', () => {
    const ack = { reason: 'Retention ended; destruction approved in CHG-2231', approvedBy: ['@harbor/owners'] };
    const off = synthTo(withTenant(lz, { ...manifest('harbor-logistics'), status: 'offboarding', offboarding: { requestedOn: '2025-01-01', retentionDays: 90 }, acknowledgements: { dataDestruction: ack } }), { tenantIds: ['harbor-logistics'] });
    for (const stack of ['tenant-harbor-logistics', 'account-harbor-logistics']) {
      for (const [address, block] of resourceBlocks(stackJson(off, stack))) {
        if (isProtectedResourceType(address.split('.')[0])) expect([address, block.lifecycle?.prevent_destroy]).toEqual([address, undefined]);
      }
    }
    expect(PROTECTED_RESOURCE_TYPES.length).toBeGreaterThan(5);
  });
});

describe('tier changes never replace or destroy a data-bearing resource that exists in both', () => {
  const base: TenantManifest = { ...manifest('harbor-logistics'), id: 'mover', account: { email: 'aws+mover@keypiz.example', id: '456789012345' }, homeRegion: 'eu-west-1' };
  const asTier = (m: Partial<TenantManifest>) => synthTo(withTenant(lz, { ...base, ...m } as TenantManifest), { tenantIds: ['mover'] });
  const l1 = asTier({ tier: 'L1', account: undefined, backup: undefined });
  const l2 = asTier({ tier: 'L2' });
  const l3pending = asTier({ tier: 'L3', encryption: { byok: 'imported', keyMaterialImported: false }, changeApprovers: ['@mover/cab'] });
  const l3 = asTier({ tier: 'L3', encryption: { byok: 'imported', keyMaterialImported: true }, changeApprovers: ['@mover/cab'] });
  const l3customer = asTier({ tier: 'L3', encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' }, changeApprovers: ['@mover/cab'] });

  function expectNoDataLoss(from: ReturnType<typeof synthTo>, to: ReturnType<typeof synthTo>, stack: string): number {
    const before = resourceBlocks(stackJson(from, stack));
    const after = resourceBlocks(stackJson(to, stack));
    let compared = 0;
    for (const [address, block] of before) {
      const type = address.split('.')[0];
      if (!isProtectedResourceType(type)) continue;
      const next = after.get(address);
      expect([address, next !== undefined]).toEqual([address, true]);
      for (const attr of REPLACEMENT_ATTRIBUTES[type]) expect([address, attr, next![attr]]).toEqual([address, attr, block[attr]]);
      expect(next!.lifecycle?.prevent_destroy).toBe(true);
      compared++;
    }
    return compared;
  }

  test('L1 → L2', () => {
    expect(expectNoDataLoss(l1, l2, 'tenant-mover')).toBeGreaterThanOrEqual(1);
  });

  test('L2 → L3 (imported key pending, then imported)', () => {
    expect(expectNoDataLoss(l2, l3pending, 'tenant-mover')).toBeGreaterThanOrEqual(5);
    expect(expectNoDataLoss(l3pending, l3, 'tenant-mover')).toBeGreaterThanOrEqual(6);
    expect(expectNoDataLoss(l2, l3, 'tenant-mover')).toBeGreaterThanOrEqual(5);
  });

  test('L2 → L3 with a customer key', () => {
    expect(expectNoDataLoss(l2, l3customer, 'tenant-mover')).toBeGreaterThanOrEqual(5);
  });

  test('L2 → L3 moves the account to the other OU and changes nothing else in the account stack', () => {
    expectNoDataLoss(l2, l3, 'account-mover');
    const a = stackJson(l2, 'account-mover');
    const b = stackJson(l3, 'account-mover');
    expect([a.data.aws_organizations_organizational_unit['parent-ou'].name, b.data.aws_organizations_organizational_unit['parent-ou'].name]).toEqual(['Tenants-L2', 'Tenants-L3']);
    expect(b.resource.aws_organizations_account.account.tags).toEqual({ TenantId: 'mover', Tier: 'L3' });
    const { tags: _ta, ...accountA } = a.resource.aws_organizations_account.account;
    const { tags: _tb, ...accountB } = b.resource.aws_organizations_account.account;
    expect(accountB).toEqual(accountA);
    expect(b.import).toEqual([{ id: '456789012345', to: 'aws_organizations_account.account' }]);
  });
});
