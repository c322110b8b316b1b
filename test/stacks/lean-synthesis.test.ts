import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { lifecycleManifest } from '../../bench/tenant-set';
import { withCdktfShortcuts } from '../../stacks/lean-synthesis';
import { synthesizeLandingZone } from '../../stacks/synthesize';
import { FIXTURE_TENANTS, makeFixture } from '../helpers/fixture';
import { readTree, tempDir } from '../helpers/synth';

/**
 * The CDKTF work synthesis skips (stacks/lean-synthesis.ts) must not change one byte of the
 * output: the examples and a generated set of every tier, status, BYOK mode and move are
 * synthesized with CDKTF as it comes and with the shortcuts, and compared.
 */
const COVERAGE_TENANTS = 36;

describe('CDKTF shortcuts', () => {
  test('the output is byte-identical with and without them, for every kind of tenant', () => {
    const fx = makeFixture();
    try {
      for (const f of fs.readdirSync(FIXTURE_TENANTS).filter((n) => n.endsWith('.yaml'))) fx.write(f, fs.readFileSync(path.join(FIXTURE_TENANTS, f), 'utf8'));
      for (let i = 0; i < COVERAGE_TENANTS; i++) {
        const m = lifecycleManifest(i);
        fx.write(`${String(m.id)}.yaml`, m);
      }
      const lz = fx.validate().landingZone!;
      const lean = synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'out') });
      const full = synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'out'), cdktfShortcuts: { tokenStackTraces: false, repeatedResolution: false } });
      expect(lean.stacks.length).toBeGreaterThan(COVERAGE_TENANTS);
      const leanTree = readTree(lean.outdir);
      const fullTree = readTree(full.outdir);
      expect([...leanTree.keys()].sort()).toEqual([...fullTree.keys()].sort());
      for (const [file, bytes] of fullTree) expect({ file, text: leanTree.get(file)!.toString('utf8') }).toEqual({ file, text: bytes.toString('utf8') });
    } finally {
      fx.cleanup();
    }
  });

  test('a reference to another stack throws rather than resolving to an address that stack does not have', () => {
    const synth = (outdir: string) => {
      const app = new App({ outdir, skipValidation: true });
      const a = new TerraformStack(app, 'a');
      const b = new TerraformStack(app, 'b');
      const bucket = new S3Bucket(a, 'bucket', { bucket: 'x' });
      new SsmParameter(b, 'name', { name: 'n', type: 'String', value: bucket.bucket });
      app.synth();
    };
    expect(() => withCdktfShortcuts(() => synth(tempDir()))).toThrow(/b references a construct of stack a: .*remote state/);
    // CDKTF itself makes it a cross-stack output: the shortcut refuses instead of silently writing another stack's address.
    const dir = tempDir();
    synth(dir);
    expect(fs.readFileSync(path.join(dir, 'stacks', 'b', 'cdk.tf.json'), 'utf8')).toMatch(/terraform_remote_state/);
  });

  test('overrides that hold a token are still resolved', () => {
    const dir = tempDir();
    withCdktfShortcuts(() => {
      const app = new App({ outdir: dir, skipValidation: true });
      const stack = new TerraformStack(app, 'a');
      const bucket = new S3Bucket(stack, 'bucket', { bucket: 'x' });
      stack.addOverride('output.name', { value: bucket.bucket });
      app.synth();
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'stacks', 'a', 'cdk.tf.json'), 'utf8')).output.name.value).toBe('${aws_s3_bucket.bucket.bucket}');
  });
});
