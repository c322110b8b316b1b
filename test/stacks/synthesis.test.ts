import * as fs from 'fs';
import * as path from 'path';
import { stackInventory } from '../../model/inventory';
import { STACK_INDEX_FILE, synthesizeLandingZone } from '../../stacks/synthesize';
import { IDENTITY_VARIABLES } from '../../stacks/landing-zone-stack';
import { tenantNames } from '../../model/names';
import { fixtureLandingZone, readTree, stackJson, synthTo, tempDir, onlyResource, withTenant } from '../helpers/synth';

const lz = fixtureLandingZone();
const result = synthTo(lz);

describe('synthesis of the example landing zone', () => {
  test('writes manifest.json and one cdk.tf.json per stack of the inventory', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(result.outdir, 'manifest.json'), 'utf8'));
    const inventory = stackInventory(lz.tenants.map((t) => t.profile));
    expect(Object.keys(manifest.stacks).sort()).toEqual(inventory.map((s) => s.name).sort());
    for (const spec of inventory) {
      const entry = manifest.stacks[spec.name];
      expect(entry.dependencies).toEqual(spec.dependsOn);
      expect(fs.existsSync(path.join(result.outdir, entry.synthesizedStackPath))).toBe(true);
    }
    expect(manifest.version).toBe('0.21.0');
  });

  test('every stack requires a Terraform that has S3 native locking, and the workflows install one', () => {
    for (const s of result.stacks) expect(stackJson(result, s.spec.name).terraform.required_version).toBe('>= 1.11.0');
    for (const wf of ['pull-request.yml', 'apply.yml']) {
      const version = /TERRAFORM_VERSION: (\d+)\.(\d+)\.\d+/.exec(fs.readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', wf), 'utf8'));
      expect(version).not.toBeNull();
      expect(Number(version![1]) > 1 || Number(version![2]) >= 11).toBe(true);
    }
  });

  test('every stack has its own S3 backend key, encrypted, with S3 native locking', () => {
    const keys = new Set<string>();
    for (const s of result.stacks) {
      const backend = stackJson(result, s.spec.name).terraform.backend.s3;
      expect(backend).toEqual({ bucket: lz.settings.state.bucket, key: s.spec.stateKey, region: lz.settings.state.region, encrypt: true, use_lockfile: true });
      keys.add(backend.key);
      if (s.spec.tenantId) expect(backend.key.startsWith(`tenants/${s.spec.tenantId}/`)).toBe(true);
    }
    expect(keys.size).toBe(result.stacks.length);
  });

  test('providers assume, in a named account, the role of an identity variable whose default applies (the deployment role; an L3 tenant stack in the platform account: its footprint role), with the common tags', () => {
    for (const s of result.stacks) {
      const json = stackJson(result, s.spec.name);
      const providers = json.provider.aws as Array<Record<string, any>>;
      expect(providers.length).toBeGreaterThan(0);
      for (const p of providers) {
        expect(p.allowed_account_ids).toHaveLength(1);
        const [, account, variable] = /^arn:aws:iam::(\d{12}|\$\{.+\}):role\/\$\{var\.(\w+)\}$/.exec(p.assume_role[0].role_arn) ?? [];
        expect(IDENTITY_VARIABLES).toContain(variable);
        if (/^\d{12}$/.test(account)) expect(p.allowed_account_ids).toEqual([account]);
        const footprint = s.spec.kind === 'tenant' && s.spec.tier === 'L3' && p.alias === undefined;
        expect([s.spec.name, p.alias, json.variable[variable]]).toEqual([s.spec.name, p.alias, expect.objectContaining({ type: 'string', default: footprint ? tenantNames(lz.settings, s.spec.tenantId!).footprintRole : 'LandingZoneDeployment' })]);
        expect(p.default_tags[0].tags).toMatchObject({ ManagedBy: 'tenant-landing-zone', LandingZone: 'kpz', Stack: s.spec.name });
        if (s.spec.tenantId) expect(p.default_tags[0].tags).toMatchObject({ TenantId: s.spec.tenantId, Tier: s.spec.tier });
      }
    }
  });

  test('L2/L3 tenant stacks reach the tenant account: literal id when adopted, else from the account stack state', () => {
    const adopted = stackJson(result, 'tenant-atlas-insurance').provider.aws.find((p: any) => p.alias === 'tenant');
    expect(adopted.allowed_account_ids).toEqual(['345678901234']);
    const created = stackJson(result, 'tenant-harbor-logistics');
    expect(created.data.terraform_remote_state['account-state'].config).toMatchObject({ key: 'tenants/harbor-logistics/account.tfstate' });
    expect(created.provider.aws.find((p: any) => p.alias === 'tenant').allowed_account_ids).toEqual(['${data.terraform_remote_state.account-state.outputs.account_id}']);
  });

  test('account stacks: tier OU, no closure on deletion, protected, adoption by import', () => {
    const adopted = stackJson(result, 'account-atlas-insurance');
    const account = onlyResource(adopted, 'aws_organizations_account');
    expect(account).toMatchObject({ close_on_deletion: false, email: 'aws+atlas-insurance@keypiz.example', lifecycle: { prevent_destroy: true, ignore_changes: ['role_name', 'iam_user_access_to_billing'] } });
    expect(adopted.import).toEqual([{ id: '345678901234', to: 'aws_organizations_account.account' }]);
    expect(adopted.data.aws_organizations_organizational_unit['parent-ou'].name).toBe('Tenants-L2');
    expect(stackJson(result, 'account-meridian-bank').data.aws_organizations_organizational_unit['parent-ou'].name).toBe('Tenants-L3');
    expect(stackJson(result, 'account-harbor-logistics').import).toBeUndefined();
  });

  test('two syntheses of the same manifests are byte-identical', () => {
    const again = synthTo(lz);
    const a = readTree(result.outdir);
    const b = readTree(again.outdir);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, content] of a) expect(b.get(file)!.equals(content)).toBe(true);
  });

  test('batch size does not change the output', () => {
    const small = synthTo(lz, { batchSize: 1 });
    const a = readTree(result.outdir);
    for (const [file, content] of readTree(small.outdir)) expect(content.equals(a.get(file)!)).toBe(true);
  });

  test('--tenant synthesizes only what that tenant needs', () => {
    const one = synthTo(lz, { tenantIds: ['harbor-logistics'] });
    expect(one.stacks.map((s) => s.spec.name)).toEqual(['bootstrap', 'organization', 'account-harbor-logistics', 'platform', 'tenant-harbor-logistics']);
    expect(fs.readdirSync(path.join(one.outdir, 'stacks')).sort()).toEqual(['account-harbor-logistics', 'bootstrap', 'organization', 'platform', 'tenant-harbor-logistics']);
    // Same content as in the full synthesis.
    expect(fs.readFileSync(path.join(one.outdir, 'stacks/tenant-harbor-logistics/cdk.tf.json'))).toEqual(fs.readFileSync(path.join(result.outdir, 'stacks/tenant-harbor-logistics/cdk.tf.json')));
  });

  test("the bootstrap stack's first run: local state, the administrator's own credentials, the platform account through the role Organizations created", () => {
    const local = synthTo(lz, { tenantIds: ['cedar-dental'], bootstrapLocalState: true });
    const json = stackJson(local, 'bootstrap');
    expect(json.terraform.backend).toEqual({ local: { path: '../../../.lz/bootstrap.tfstate' } });
    const [management, platform] = json.provider.aws;
    expect([management.alias, management.assume_role, management.allowed_account_ids]).toEqual([undefined, undefined, [lz.settings.organization.managementAccountId]]);
    expect(platform).toMatchObject({ alias: 'platform', assume_role: [{ role_arn: `arn:aws:iam::${lz.settings.organization.platformAccountId}:role/OrganizationAccountAccessRole` }] });
    expect(json.variable).toBeUndefined();
    // KMS would refuse a key whose policy does not name the administrator creating it
    expect(onlyResource(json, 'aws_kms_key').bypass_policy_lockout_safety_check).toBe(true);
    const later = stackJson(result, 'bootstrap');
    expect(later.provider.aws.map((p: Record<string, any>) => p.assume_role[0].role_arn)).toEqual([
      `arn:aws:iam::${lz.settings.organization.managementAccountId}:role/\${var.lz_role_name}`,
      `arn:aws:iam::${lz.settings.organization.platformAccountId}:role/\${var.lz_role_name}`,
    ]);
    expect(onlyResource(later, 'aws_kms_key').bypass_policy_lockout_safety_check).toBeUndefined();
    expect(stackJson(local, 'organization').terraform.backend.s3).toBeDefined();
  });

  test('refuses to replace a directory that is not synthesis output, and keeps old output when synthesis fails', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'important.txt'), 'keep me');
    expect(() => synthesizeLandingZone(lz, { outdir: dir })).toThrow(/refusing to replace/);
    expect(fs.readFileSync(path.join(dir, 'important.txt'), 'utf8')).toBe('keep me');

    const out = path.join(tempDir(), 'cdktf.out');
    synthesizeLandingZone(lz, { outdir: out, tenantIds: ['cedar-dental'] });
    const before = readTree(out);
    const broken = { ...lz, tenants: lz.tenants.map((t) => (t.manifest.id === 'harbor-logistics' ? { ...t, manifest: { ...t.manifest, id: 'x'.repeat(80) } } : t)) };
    expect(() => synthesizeLandingZone(broken, { outdir: out })).toThrow();
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  test('with a cache, synthesis after a change rewrites only what changed, and the output equals a fresh synthesis', () => {
    const cacheDir = tempDir();
    const out = path.join(tempDir(), 'cdktf.out');
    synthesizeLandingZone(lz, { outdir: out, cacheDir });
    const inode = (name: string) => fs.statSync(path.join(out, 'stacks', name, 'cdk.tf.json')).ino;
    const untouched = 'tenant-harbor-logistics';
    const before = inode(untouched);
    const cedar = lz.tenants.find((t) => t.manifest.id === 'cedar-dental')!.manifest;
    const changed = withTenant(lz, { ...cedar, displayName: 'Cedar Dental Group' });
    const again = synthesizeLandingZone(changed, { outdir: out, cacheDir });
    expect(inode(untouched)).toBe(before);
    const fresh = synthTo(changed);
    expect(readTree(out)).toEqual(readTree(fresh.outdir));
    expect(again.stacks.map((s) => s.spec.name)).toEqual(fresh.stacks.map((s) => s.spec.name));

    // An edited file, or a file Terraform left in a stack's folder, is not what synthesis writes: that stack is written again.
    fs.writeFileSync(path.join(out, 'stacks', untouched, 'cdk.tf.json'), '{}');
    fs.writeFileSync(path.join(out, 'stacks', 'platform', '.terraform.lock.hcl'), '# provider locks');
    fs.writeFileSync(path.join(out, 'stray.txt'), 'x');
    synthesizeLandingZone(changed, { outdir: out, cacheDir });
    expect(readTree(out)).toEqual(readTree(fresh.outdir));

    // A removed tenant's stacks leave the output; nothing else is rewritten.
    const without = { ...changed, tenants: changed.tenants.filter((t) => t.manifest.id !== 'cedar-dental') };
    const kept = inode(untouched);
    synthesizeLandingZone(without, { outdir: out, cacheDir });
    expect(inode(untouched)).toBe(kept);
    expect(readTree(out)).toEqual(readTree(synthTo(without).outdir));
  });

  test('extending a sparse synthesis keeps the stacks it wrote as they are, adds the rest, and writes anew what changed or cannot be read', () => {
    const out = path.join(tempDir(), 'pipeline-head');
    const tenant = 'tenant-cedar-dental';
    synthesizeLandingZone(lz, { outdir: out, materialize: new Set([tenant]) });
    const file = path.join(out, 'stacks', tenant, 'cdk.tf.json');
    // What an earlier command compared, marked so that a copy from the cache or a new synthesis would show.
    const marked = { ...JSON.parse(fs.readFileSync(file, 'utf8')), lz_test_marker: true };
    fs.writeFileSync(file, JSON.stringify(marked));

    const extended = synthesizeLandingZone(lz, { outdir: out, materialize: new Set([tenant, 'platform']), extend: true });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(marked);
    expect(extended.stacks.map((s) => [s.spec.name, s.fromCache])).toEqual([
      ['platform', false],
      [tenant, true],
    ]);
    const index = JSON.parse(fs.readFileSync(path.join(out, STACK_INDEX_FILE), 'utf8')) as { stacks: Array<{ name: string; file?: string; resources?: number }> };
    expect(index.stacks.filter((s) => s.file).map((s) => [s.name, s.file, s.resources])).toEqual([
      ['platform', 'stacks/platform/cdk.tf.json', extended.stacks[0].resources],
      [tenant, `stacks/${tenant}/cdk.tf.json`, Object.values(marked.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0)],
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['platform', tenant]);
    expect(manifest.stacks[tenant].dependencies).toEqual(['platform']);

    // Without extend the output is written anew, and so is a stack whose inputs changed since.
    synthesizeLandingZone(lz, { outdir: out, materialize: new Set([tenant]) });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).lz_test_marker).toBeUndefined();
    fs.writeFileSync(file, JSON.stringify(marked));
    const cedar = lz.tenants.find((t) => t.manifest.id === 'cedar-dental')!.manifest;
    synthesizeLandingZone(withTenant(lz, { ...cedar, displayName: 'Cedar Dental Group' }), { outdir: out, materialize: new Set([tenant]), extend: true });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).lz_test_marker).toBeUndefined();
    // An index that does not read as a synthesis keeps nothing.
    fs.writeFileSync(file, JSON.stringify(marked));
    fs.writeFileSync(path.join(out, STACK_INDEX_FILE), 'not json');
    synthesizeLandingZone(lz, { outdir: out, materialize: new Set([tenant]), extend: true });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).lz_test_marker).toBeUndefined();
  });
});
