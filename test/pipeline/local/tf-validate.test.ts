import * as fs from 'fs';
import * as path from 'path';
import { lifecycleManifest } from '../../../bench/tenant-set';
import { lz } from '../../helpers/cli';
import { FIXTURE_TENANTS, makeFixture } from '../../helpers/fixture';
import { tempDir } from '../../helpers/synth';
import { REAL_TERRAFORM_TIMEOUT_MS, describeWithTerraform } from '../../helpers/terraform';
import { synthesizeLandingZone } from '../../../stacks/synthesize';

/**
 * `lz tf-validate` with real Terraform and the real provider from the mirror: every stack of the
 * tests' tenant set (test/fixtures/tenants) and of a generated set that covers every tier,
 * status, BYOK mode (material imported or not), new and adopted accounts and app version pins
 * validates, in one Terraform run; one stack broken on purpose is the only invalid one, and its
 * errors name the stack, the resource address and the construct path.
 */
// 3 tiers x 12 variants: every combination lifecycleManifest cycles through (coverageManifest's
// onboarding variants, each also active, suspended, offboarding and offboarding with approved
// data destruction). fx.validate() runs without a base revision, so no history rule asks these
// tenants to start active.
const COVERAGE_TENANTS = 36;

describeWithTerraform('tf-validate with real Terraform', () => {
  test('examples and a generated set covering every kind of tenant validate; a broken stack is reported with its address and construct path', async () => {
    const fx = makeFixture();
    const work = tempDir('lz-tf-validate-');
    try {
      for (const f of fs.readdirSync(FIXTURE_TENANTS).filter((n) => n.endsWith('.yaml'))) fx.write(f, fs.readFileSync(path.join(FIXTURE_TENANTS, f), 'utf8'));
      for (let i = 0; i < COVERAGE_TENANTS; i++) {
        const m = lifecycleManifest(i);
        fx.write(`${String(m.id)}.yaml`, m);
      }
      const result = fx.validate();
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const synthDir = path.join(work, 'cdktf.out');
      const synth = synthesizeLandingZone(result.landingZone!, { outdir: synthDir });
      // Every kind of tenant is there.
      const tenants = result.landingZone!.tenants.map((t) => t.manifest);
      expect(new Set(tenants.map((t) => `${t.tier}/${t.status}`)).size).toBe(9);
      expect(new Set(tenants.filter((t) => t.acknowledgements?.dataDestruction).map((t) => `${t.tier}/${t.status}`))).toEqual(new Set(['L1/offboarding', 'L2/offboarding', 'L3/offboarding']));
      expect(tenants.some((t) => t.encryption?.byok === 'imported' && t.encryption.keyMaterialImported)).toBe(true);
      expect(tenants.some((t) => t.encryption?.byok === 'imported' && !t.encryption.keyMaterialImported)).toBe(true);
      expect(tenants.some((t) => t.encryption?.byok === 'customer-key')).toBe(true);
      expect(tenants.some((t) => t.account?.id) && tenants.some((t) => t.tier !== 'L1' && !t.account?.id)).toBe(true);

      // One stack broken on purpose, in the synthesized output (the tool only reads it).
      const broken = synth.stacks.find((s) => s.spec.kind === 'tenant' && s.spec.tier === 'L2')!;
      const file = path.join(synthDir, broken.file);
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      const [tableName, table] = Object.entries(json.resource.aws_dynamodb_table)[0] as [string, Record<string, unknown>];
      table.billing_mod = 'PAY_PER_REQUEST';
      fs.writeFileSync(file, JSON.stringify(json, null, 2));

      const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
      const r = await lz(['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, 'tf-validate', '--synth-dir', synthDir, '--work-dir', path.join(work, 'lz')], work, env);
      const lines = r.stdout.trimEnd().split('\n');
      const total = synth.stacks.length;
      expect([r.code, lines[lines.length - 1]]).toEqual([1, expect.stringMatching(new RegExp(`^${total - 1} of ${total} stacks valid \\(Terraform 1\\.\\d+\\.\\d+, hashicorp/aws \\d+\\.\\d+\\.\\d+\\)$`))]);
      expect(r.stdout).toContain(`✗ ${broken.spec.name}\n`);
      expect(r.stdout).toContain(`Error: aws_dynamodb_table.${tableName} (construct ${(table['//'] as { metadata: { path: string } }).metadata.path}): Extraneous JSON object property. No argument or block type is named "billing_mod".`);
      expect(r.stdout.match(/^✗ /gm)).toHaveLength(1);
      // The synthesized output is never touched: the relaxed provider version lives in the work copy.
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).terraform.required_providers.aws.version).toBe(json.terraform.required_providers.aws.version);
      expect(fs.existsSync(path.join(work, 'lz', 'tf-validate', 'batch-1', 'stacks', broken.spec.name, 'cdk.tf.json'))).toBe(true);
    } finally {
      fx.cleanup();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, REAL_TERRAFORM_TIMEOUT_MS);
});

describe('tf-validate without Terraform or the provider', () => {
  test('exit 2 and how to provide them', async () => {
    const fx = makeFixture();
    try {
      const noMirror = await lz(['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, 'tf-validate'], fx.root, { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: path.join(fx.root, 'missing.tfrc') });
      expect(noMirror.code).toBe(2);
      expect(noMirror.stderr).toMatch(/tf-validate needs Terraform and the provider: no provider mirror: TF_CLI_CONFIG_FILE names .*missing\.tfrc, which does not exist; LZ_PROVIDER_MIRROR is not set\. Set LZ_PROVIDER_MIRROR to a provider mirror folder/);
      const noBinary = await lz(['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, 'tf-validate', '--terraform-bin', path.join(fx.root, 'no-terraform')], fx.root, { PATH: process.env.PATH });
      expect(noBinary.code).toBe(2);
      expect(noBinary.stderr).toMatch(/no Terraform binary: ".*no-terraform" is not an executable file/);
    } finally {
      fx.cleanup();
    }
  });
});
