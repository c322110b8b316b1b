import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { auditTenant } from '../../audit/engine';
import { EvidenceError } from '../../audit/evidence';
import { runAudit } from '../../audit/run';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { evidenceFromState } from '../../audit/sources/state-file';
import { sharedStacks, tenantStacks } from '../../model/inventory';
import { LandingZone } from '../../model/validate';
import { l1, l2, makeFixture } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';

/**
 * State files and `terraform show -json` come from a bucket someone else can write to: the
 * reader checks them at the door. Each case builds its own minimal documents.
 */
const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') } });
const lz: LandingZone = fx.validate().landingZone!;
afterAll(() => fx.cleanup());

const EMPTY_STATE = { version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'x', outputs: {}, resources: [] };

function stateResource(type: string, name: string, attributes: unknown, extra: Record<string, unknown> = {}) {
  return { mode: 'managed', type, name, provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ schema_version: 0, attributes }], ...extra };
}

/** A state folder with an empty state for every stack the audit reads. */
function stateDir(): string {
  const dir = tempDir('lz-state-input-');
  const keys = [...sharedStacks(), ...lz.tenants.flatMap((t) => tenantStacks(t.profile))].map((s) => s.stateKey);
  for (const key of keys) {
    fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
    fs.writeFileSync(path.join(dir, key), JSON.stringify(EMPTY_STATE));
  }
  return dir;
}

const read = (text: unknown) => evidenceFromState('tenant-acme', 'tenants/acme/tenant.tfstate', typeof text === 'string' ? text : JSON.stringify(text));

describe('state version 4 at the door', () => {
  test.each<[string, unknown, RegExp]>([
    ['attributes that are a list (audited as all-pass before)', { ...EMPTY_STATE, resources: [stateResource('aws_s3_bucket', 'b', [])] }, /^tenants\/acme\/tenant\.tfstate: at \$\.resources\[0\]\.instances\[0\]\.attributes: expected an object of attribute values, found an array of 0$/],
    ['mode "MANAGED"', { ...EMPTY_STATE, resources: [{ ...stateResource('aws_kms_key', 'k', {}), mode: 'MANAGED' }] }, /at \$\.resources\[0\]\.mode: expected one of "managed", "data", found "MANAGED"/],
    ['attributes_flat only (Terraform 0.11 inside a version 4 file)', { ...EMPTY_STATE, resources: [{ ...stateResource('aws_s3_bucket', 'b', {}), instances: [{ attributes_flat: { id: 'b' } }] }] }, /at \$\.resources\[0\]\.instances\[0\]\.attributes: missing; expected attributes \(an object\), as Terraform 0\.12 and later write them/],
    ['version as a string', { ...EMPTY_STATE, version: '4' }, /at \$\.version: state format version "4" is not supported; expected version 4/],
    ['no version at all', { resources: [] }, /at \$\.version: state format version missing is not supported/],
    ['attributes nested 3,000 deep', { ...EMPTY_STATE, resources: [stateResource('aws_s3_bucket', 'b', { tags: JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`) })] }, /at \$\.resources\[0\]\.instances\[0\]\.attributes\.tags(\.a)+…: nested deeper than 128 levels/],
    ['a policy string holding JSON nested 3,000 deep', { ...EMPTY_STATE, resources: [stateResource('aws_kms_key', 'k', { policy: `${'['.repeat(3000)}${']'.repeat(3000)}` })] }, /at \$\.resources\[0\]\.instances\[0\]\.attributes\.policy \(JSON in the string\): nested deeper than 128 levels/],
  ])('%s: refused, naming the file and the JSON path', (_name, doc, message) => {
    expect(() => read(doc)).toThrow(EvidenceError);
    expect(() => read(doc)).toThrow(message);
  });

  test('resources inside modules are read, with the module in their address; deposed objects too', () => {
    const ev = read({ ...EMPTY_STATE, resources: [stateResource('aws_s3_bucket', 'b', { bucket: 'x' }, { module: 'module.extra' }), { ...stateResource('aws_kms_key', 'k', { key_id: '1' }), instances: [{ attributes: { key_id: '1' } }, { deposed: 'ab12cd34', attributes: { key_id: '0' } }] }] });
    expect(ev.resources.map((r) => [r.address, r.module, r.type])).toEqual([
      ['module.extra.aws_s3_bucket.b', 'module.extra', 'aws_s3_bucket'],
      ['aws_kms_key.k', undefined, 'aws_kms_key'],
      ['aws_kms_key.k (deposed object ab12cd34)', undefined, 'aws_kms_key'],
    ]);
  });
});

describe('terraform show -json at the door', () => {
  const show = (rootModule: unknown) => ({ format_version: '1.0', terraform_version: '1.11.4', values: { outputs: {}, root_module: rootModule } });

  test('child modules are read, nested ones too', () => {
    const ev = read(
      show({
        resources: [{ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', values: { bucket: 'x' } }],
        child_modules: [{ address: 'module.a', resources: [{ address: 'module.a.aws_sqs_queue.q', mode: 'managed', type: 'aws_sqs_queue', name: 'q', values: {} }], child_modules: [{ address: 'module.a.module.b', resources: [{ address: 'module.a.module.b.aws_sns_topic.t', mode: 'managed', type: 'aws_sns_topic', name: 't', values: {} }] }] }],
      }),
    );
    expect(ev.resources.map((r) => [r.address, r.module ?? null])).toEqual([
      ['aws_s3_bucket.b', null],
      ['module.a.aws_sqs_queue.q', 'module.a'],
      ['module.a.module.b.aws_sns_topic.t', 'module.a.module.b'],
    ]);
  });

  test.each<[string, unknown, RegExp]>([
    ['a resource without address (crashed the Markdown renderer)', show({ resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'b', values: {} }] }), /at \$\.values\.root_module\.resources\[0\]\.address: missing; expected a string/],
    ['values that are a list', show({ resources: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', values: [] }] }), /at \$\.values\.root_module\.resources\[0\]\.values: expected an object of attribute values/],
    ['a broken child module', show({ child_modules: [{ address: 'module.a', resources: 'x' }] }), /at \$\.values\.root_module\.child_modules\[0\]\.resources: expected an array, found "x"/],
    ['format_version 0.2', { format_version: '0.2', values: { root_module: {} } }, /at \$\.format_version: show -json format_version "0\.2" is not supported; expected 1\.x/],
    ['the show -json of a plan', { format_version: '1.2', planned_values: { root_module: {} }, resource_changes: [], prior_state: {} }, /the terraform show -json output of a plan .*not of a state: the audit judges what is deployed/],
  ])('%s: refused, naming the file and the JSON path', (_name, doc, message) => {
    expect(() => read(doc)).toThrow(message);
  });

  test('an empty show -json and an empty state are the same evidence, and audit the same', async () => {
    const fromShow = read({ format_version: '1.0' });
    const fromState = read(EMPTY_STATE);
    expect({ ...fromShow, source: 'state' }).toEqual(fromState);
    const dir = stateDir();
    const key = path.join(dir, 'tenants/acme/tenant.tfstate');
    const results = async () => (await collectStateEvidence([lz.tenants[0]], directoryReader(dir))).map((e) => auditTenant(lz.settings, e, 'state').results)[0];
    const withState = await results();
    fs.rmSync(key);
    fs.writeFileSync(`${key}.json`, JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4' }));
    expect(await results()).toEqual(withState);
  });
});

describe('the audit reads bad evidence without crashing or hanging', () => {
  test('a key policy action of "kms:" and 30 stars (exponential for a regular expression) is judged', async () => {
    const dir = stateDir();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/x' }, Action: `kms:${'*'.repeat(30)}x`, Resource: '*' }] });
    fs.writeFileSync(path.join(dir, 'shared/platform.tfstate'), JSON.stringify({ ...EMPTY_STATE, resources: [stateResource('aws_kms_key', 'platform', { arn: 'arn:aws:kms:eu-west-1:111111111111:key/1', key_id: '1', policy })] }));
    const audit = (await collectStateEvidence([lz.tenants[0]], directoryReader(dir))).map((e) => auditTenant(lz.settings, e, 'state'))[0];
    expect(audit.results.find((r) => r.ruleId === 'key-policy')).toMatchObject({ status: 'fail', message: expect.stringMatching(/no statement denies principals outside organization/) });
  });

  test('a state file that cannot be read (a folder at its key) is a problem naming it; the other tenant is audited', async () => {
    const dir = stateDir();
    const key = path.join(dir, 'tenants/acme/tenant.tfstate');
    fs.rmSync(key);
    fs.mkdirSync(key);
    const audits = (await collectStateEvidence(lz.tenants, directoryReader(dir))).map((e) => auditTenant(lz.settings, e, 'state'));
    expect(audits[0].problems).toEqual(['tenants/acme/tenant.tfstate: is a directory, not a state file']);
    expect(audits[1].problems).toEqual([]);
  });

  test('reports name inputs relative to the state folder and state their provenance in every format; no temporary folder in any of them', async () => {
    const dir = stateDir();
    fs.writeFileSync(path.join(dir, 'tenants/acme/tenant.tfstate'), '{"version":4,"resources":[{"mode":"managed"}]}');
    const out = tempDir();
    const run = await runAudit(lz, { evidence: { kind: 'state-dir', dir }, formats: ['md', 'json', 'junit', 'html', 'sarif'], outDir: out, failOn: 'none', generatedAt: '2026-11-23T10:00:00.000Z', repoDir: fx.root });
    expect(run.report.provenance).toEqual({ tool: expect.stringMatching(/^lz \d+\.\d+\.\d+$/), evidence: `deployed state: Terraform state files (or terraform show -json of them) in ${path.basename(dir)}, laid out like the state bucket`, inputsRelativeTo: `the state folder ${path.basename(dir)}` });
    expect(run.report.tenants[0].problems).toEqual(['tenants/acme/tenant.tfstate: at $.resources[0].type: missing; expected a string']);
    for (const file of run.files) {
      const text = fs.readFileSync(file, 'utf8');
      expect([path.basename(file), text.includes(dir), text.includes(out)]).toEqual([path.basename(file), false, false]);
      expect([path.basename(file), text.includes(`deployed state: Terraform state files (or terraform show -json of them) in ${path.basename(dir)}`)]).toEqual([path.basename(file), true]);
    }
  });

  test('the desired-state audit names inputs inside the synthesis it made, never its temporary folder', async () => {
    const out = tempDir();
    const run = await runAudit(lz, { evidence: { kind: 'desired' }, formats: ['md', 'json', 'junit', 'html', 'sarif'], outDir: out, failOn: 'none', generatedAt: '2026-11-23T10:00:00.000Z', repoDir: fx.root });
    expect(run.report.provenance).toEqual({
      tool: expect.stringMatching(/^lz /),
      evidence: 'desired configuration: what the manifests would deploy (the synthesized Terraform configuration), not the deployed state, synthesized for this audit',
      inputsRelativeTo: 'the synthesis made for this audit (lz synth writes the same files)',
    });
    expect(run.report.tenants[0].stacks.map((st) => st.input)).toContain('stacks/tenant-acme/cdk.tf.json');
    for (const file of run.files) expect([path.basename(file), fs.readFileSync(file, 'utf8').includes(os.tmpdir())]).toEqual([path.basename(file), false]);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, 'audit.sarif'), 'utf8'));
    expect(sarif.runs[0].tool.driver.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
