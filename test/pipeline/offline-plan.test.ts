import * as fs from 'fs';
import * as path from 'path';
import { offlineStackPlan } from '../../pipeline/offline-plan';
import { loadStackConfig, TerraformJson } from '../../pipeline/stack-config';
import { tempDir } from '../helpers/synth';

const table = (extra: Record<string, unknown> = {}) => ({ name: 'kpz-items', hash_key: 'tenantId', billing_mode: 'PAY_PER_REQUEST', lifecycle: { prevent_destroy: true }, ...extra });
const config = (resource: Record<string, Record<string, unknown>>, extra: TerraformJson = {}): TerraformJson => ({ provider: { aws: [{ region: 'eu-west-1' }] }, resource, ...extra });
const summary = (base: TerraformJson | undefined, head: TerraformJson | undefined) => offlineStackPlan(base, head).changes.map((c) => [c.address, c.action, ...(c.replacedBecause ? [c.replacedBecause] : c.changedAttributes ? [c.changedAttributes] : [])]);

describe('offline plan: desired-state diff of one stack', () => {
  test('creates, deletes and in-place updates with the attribute paths that changed', () => {
    const base = config({ aws_dynamodb_table: { items: table({ ttl: [{ enabled: false }] }) }, aws_iam_role: { old: { name: 'old' } } });
    const head = config({ aws_dynamodb_table: { items: table({ ttl: [{ enabled: true }], tags: { Owner: 'x' } }) }, aws_sqs_queue: { q: { name: 'q' } } });
    expect(summary(base, head)).toEqual([
      ['aws_iam_role.old', 'delete'],
      ['aws_dynamodb_table.items', 'update', ['tags', 'ttl[0].enabled']],
      ['aws_sqs_queue.q', 'create'],
    ]);
  });

  test('a replacement-forcing attribute of a protected type is a replace; create_before_destroy orders it', () => {
    const base = config({ aws_dynamodb_table: { items: table() } });
    expect(offlineStackPlan(base, config({ aws_dynamodb_table: { items: table({ name: 'kpz-items-2' }) } })).changes[0]).toMatchObject({ action: 'replace', actions: ['delete', 'create'], replacedBecause: ['name'], dataBearing: true });
    const cbd = table({ name: 'kpz-items-2', lifecycle: { create_before_destroy: true } });
    expect(offlineStackPlan(base, config({ aws_dynamodb_table: { items: cbd } })).changes[0]).toMatchObject({ action: 'replace', actions: ['create', 'delete'] });
    // Nested forcing attribute: only case_sensitive of username_configuration forces a new pool.
    const pool = (cs: boolean, mfa: string) => config({ aws_cognito_user_pool: { p: { name: 'p', mfa_configuration: mfa, username_configuration: [{ case_sensitive: cs }] } } });
    expect(summary(pool(false, 'ON'), pool(true, 'ON'))).toEqual([['aws_cognito_user_pool.p', 'replace', ['username_configuration[0].case_sensitive']]]);
    expect(summary(pool(false, 'ON'), pool(false, 'OPTIONAL'))).toEqual([['aws_cognito_user_pool.p', 'update', ['mfa_configuration']]]);
  });

  test('moved, import and removed blocks follow Terraform: no delete+create, an import, a forget', () => {
    const base = config({ aws_s3_bucket: { old_name: { bucket: 'b' } }, aws_sqs_queue: { q: { name: 'q' } } });
    const head = config(
      { aws_s3_bucket: { new_name: { bucket: 'b' } }, aws_organizations_account: { account: { name: 'a', email: 'a@x.example' } } },
      { moved: [{ from: 'aws_s3_bucket.old_name', to: 'aws_s3_bucket.new_name' }], import: [{ to: 'aws_organizations_account.account', id: '123456789012' }], removed: [{ from: 'aws_sqs_queue.q', lifecycle: { destroy: false } }] },
    );
    const plan = offlineStackPlan(base, head);
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([
      ['aws_organizations_account.account', 'import'],
      ['aws_sqs_queue.q', 'forget'],
    ]);
    expect(plan.notes).toContain('aws_s3_bucket.old_name moved to aws_s3_bucket.new_name');
  });

  test('meta-arguments and stack-level blocks are notes, not resource updates', () => {
    const base = config({ aws_dynamodb_table: { items: table() } });
    const head = config({ aws_dynamodb_table: { items: table({ lifecycle: {} }) } }, { provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags: { Owner: 'new' } }] }] } });
    const plan = offlineStackPlan(base, head);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['aws_dynamodb_table.items: lifecycle.prevent_destroy changed (meta-argument, no infrastructure change)', 'provider.aws[0].default_tags changed']);
  });

  test('a stack new in the head is all creates; a stack gone from the head all deletes', () => {
    const c = config({ aws_kms_key: { k: { description: 'k' } }, aws_iam_role: { r: { name: 'r' } } });
    expect(summary(undefined, c)).toEqual([['aws_iam_role.r', 'create'], ['aws_kms_key.k', 'create']]);
    expect(summary(c, undefined)).toEqual([['aws_iam_role.r', 'delete'], ['aws_kms_key.k', 'delete']]);
    expect(offlineStackPlan(undefined, c).notes).toEqual([]);
  });
});

describe('stack configuration normalization', () => {
  function writeStack(dir: string, assetDir: string, zipBytes: string, extra: Record<string, unknown> = {}): string {
    fs.mkdirSync(path.join(dir, 'assets', assetDir, 'h'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'assets', assetDir, 'h', 'fn.zip'), zipBytes);
    const file = path.join(dir, 'cdk.tf.json');
    fs.writeFileSync(file, JSON.stringify({ '//': { metadata: { version: '0.21.0', stackName: path.basename(dir) } }, resource: { aws_lambda_function: { fn: { '//': { metadata: { path: `${path.basename(dir)}/fn` } }, function_name: 'fn', filename: `assets/${assetDir}/h/fn.zip`, ...extra } } } }));
    return file;
  }

  test('cdktf metadata and asset paths of identical bytes are noise; new asset bytes are a change', () => {
    const root = tempDir();
    const a = loadStackConfig(writeStack(path.join(root, 'a'), 'code_A1', 'zip-1'));
    const b = loadStackConfig(writeStack(path.join(root, 'b'), 'code_B2', 'zip-1'));
    const c = loadStackConfig(writeStack(path.join(root, 'c'), 'code_A1', 'zip-2'));
    expect(a.digest).toBe(b.digest);
    expect(JSON.stringify(a.json)).not.toContain('//');
    expect(c.digest).not.toBe(a.digest);
    expect(offlineStackPlan(a.json, c.json).changes).toEqual([expect.objectContaining({ address: 'aws_lambda_function.fn', action: 'update', changedAttributes: ['filename'] })]);
    // A string that only looks like an asset path stays as it is.
    const d = loadStackConfig(writeStack(path.join(root, 'd'), 'code_A1', 'zip-1', { description: 'assets/not-a-file' }));
    expect((d.json.resource as any).aws_lambda_function.fn.description).toBe('assets/not-a-file');
  });
});
