import * as fs from 'fs';
import { parsePlanJson, PlanJsonError } from '../../pipeline/plan-json';
import { readPlan } from '../../pipeline/stack-plan';
import { planFixture } from './helpers';

const read = (name: string) => fs.readFileSync(planFixture(name), 'utf8');

describe('terraform show -json parsing', () => {
  test('the real Terraform 1.2 document: ["create","delete"] is a replacement', () => {
    const plan = parsePlanJson(read('replace-create-before-destroy'));
    expect(plan.terraformVersion).toBe('1.2.4');
    expect(plan.changes).toEqual([expect.objectContaining({ address: 'aws_secretsmanager_secret.default', type: 'aws_secretsmanager_secret', action: 'replace', actions: ['create', 'delete'], dataBearing: false })]);
  });

  test.each([
    ['create', [['aws_dynamodb_table.items', 'create', true], ['aws_iam_role.app', 'create', false], ['aws_kms_key.key', 'create', true]]],
    ['update', [['aws_dynamodb_table.items', 'update', true], ['aws_lambda_function.api', 'update', false]]],
    ['replace-delete-create', [['aws_dynamodb_table.items', 'replace', true], ['aws_iam_role_policy.app', 'update', false]]],
    ['delete', [['aws_iam_role.old', 'delete', false], ['aws_s3_bucket.data', 'delete', true]]],
    ['no-op', []],
    ['import', [['aws_organizations_account.account', 'import', true]]],
  ])('%s: managed resources that change, destructive first; reads and no-ops left out', (name, expected) => {
    const plan = parsePlanJson(read(name as string));
    expect(plan.changes.map((c) => [c.address, c.action, c.dataBearing])).toEqual(expected);
    expect(plan.unrecognized).toEqual([]);
  });

  test('updates and replacements: the changed paths, their old and new values, and the arguments that forced a replacement', () => {
    const update = parsePlanJson(read('update'));
    const table = update.changes.find((c) => c.address === 'aws_dynamodb_table.items')!;
    expect(table.changedAttributes).toEqual(['tags.Owner', 'tags_all']);
    expect(table.valueChanges).toEqual([
      { path: 'tags.Owner', before: '(none)', after: '"platform-team"' },
      { path: 'tags_all', before: '(none)', after: '(known after apply)' },
    ]);
    expect(update.changes.find((c) => c.address === 'aws_lambda_function.api')?.changedAttributes).toEqual(['last_modified', 'memory_size', 'source_code_hash', 'version']);
    const replace = parsePlanJson(read('replace-delete-create'));
    expect(replace.changes[0]).toMatchObject({ action: 'replace', actions: ['delete', 'create'], replacedBecause: ['name'] });
    expect(replace.changes[0].valueChanges).toContainEqual({ path: 'name', before: '"kpz-items"', after: '"kpz-items-v2"' });
    // A policy kept as a JSON string is shown as the JSON it holds.
    expect(replace.changes[1].valueChanges).toEqual([{ path: 'policy', before: '{"a":1}', after: '{"a":2}' }]);
  });

  test("sensitive values are masked: Terraform's masks, and attributes whose name says secret", () => {
    const doc = JSON.parse(read('update'));
    const rc = doc.resource_changes[0];
    rc.change.before = { ...rc.change.before, master_password: 'hunter2', config: { key: 'old-key', plain: 1 } };
    rc.change.after = { ...rc.change.after, master_password: 'hunter3', config: { key: 'new-key', plain: 2 } };
    rc.change.before_sensitive = { config: { key: true } };
    rc.change.after_sensitive = { config: { key: true } };
    const values = parsePlanJson(JSON.stringify(doc)).changes.find((c) => c.address === rc.address)!.valueChanges!;
    expect(values).toContainEqual({ path: 'config.key', before: '(sensitive)', after: '(sensitive)' });
    expect(values).toContainEqual({ path: 'config.plain', before: '1', after: '2' });
    expect(values).toContainEqual({ path: 'master_password', before: '(sensitive)', after: '(sensitive)' });
    expect(JSON.stringify(values)).not.toMatch(/hunter|old-key|new-key/);
  });

  test('an account moving OU: parent_id old and new', () => {
    const doc = { format_version: '1.2', resource_changes: [{ address: 'aws_organizations_account.account', mode: 'managed', type: 'aws_organizations_account', change: { actions: ['update'], before: { parent_id: 'ou-ab12-l2000000' }, after: { parent_id: 'ou-ab12-l3000000' }, after_unknown: {} } }] };
    expect(parsePlanJson(JSON.stringify(doc)).changes[0].valueChanges).toEqual([{ path: 'parent_id', before: '"ou-ab12-l2000000"', after: '"ou-ab12-l3000000"' }]);
  });

  test('unknown action lists are reported, not dropped', () => {
    const doc = JSON.parse(read('update'));
    doc.resource_changes[0].change.actions = ['delete', 'forget'];
    const plan = parsePlanJson(JSON.stringify(doc));
    expect(plan.unrecognized).toEqual([{ address: 'aws_dynamodb_table.items', type: 'aws_dynamodb_table', actions: ['delete', 'forget'], reason: 'at $.resource_changes[0].change.actions: unknown action list' }]);
  });

  test.each(['MANAGED', 'Managed', 'resource', ''])('fail closed: a resource change of mode %j (a KMS key deleted) is unrecognized, never skipped', (mode) => {
    const doc = { format_version: '1.2', resource_changes: [{ address: 'aws_kms_key.data', mode, type: 'aws_kms_key', change: { actions: ['delete'], before: {}, after: null } }] };
    const plan = parsePlanJson(JSON.stringify(doc));
    expect(plan.changes).toEqual([]);
    expect(plan.unrecognized).toEqual([{ address: 'aws_kms_key.data', type: 'aws_kms_key', actions: ['delete'], reason: `at $.resource_changes[0].mode: ${JSON.stringify(mode)} is neither "managed" nor "data"` }]);
  });

  test('after_unknown nested 100,000 deep is refused with its path, not a stack overflow', () => {
    let deep = 'true';
    for (let i = 0; i < 100_000; i++) deep = `{"a":${deep}}`;
    const text = `{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","type":"a","change":{"actions":["update"],"before":{},"after":{},"after_unknown":${deep}}}]}`;
    expect(() => parsePlanJson(text, 'show of stack x')).toThrow(/^not a usable Terraform plan document: show of stack x: at \$\.resource_changes\[0\]\.change\.after_unknown\.a\.a.*…: nested deeper than 128 levels/);
  });

  test.each([
    ['not JSON', 'Error: something', /plan JSON: not JSON/],
    ['format 2', JSON.stringify({ format_version: '2.0' }), /at \$\.format_version: format_version 2\.0 is newer than this reader, which knows 1\.x/],
    ['format 0.2 (Terraform 1.0)', JSON.stringify({ format_version: '0.2', resource_changes: [] }), /at \$\.format_version: format_version 0\.2 is older than 1\.0: it was written by Terraform before 1\.1; plan with Terraform 1\.1 or later/],
    ['format as a number', JSON.stringify({ format_version: 1.2 }), /at \$\.format_version: expected a string, found number 1\.2/],
    ['errored plan', JSON.stringify({ format_version: '1.2', errored: true, resource_changes: [] }), /errored/],
    ['no actions', JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', change: { actions: [] } }] }), /at \$\.resource_changes\[0\]\.change\.actions: expected at least 1 item/],
    ['actions not a list', JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', change: { actions: 'delete' } }] }), /at \$\.resource_changes\[0\]\.change\.actions: expected an array, found "delete"/],
    ['no address', JSON.stringify({ format_version: '1.2', resource_changes: [{ mode: 'managed', type: 'a', change: { actions: ['delete'] } }] }), /at \$\.resource_changes\[0\]\.address: missing; expected a string/],
  ])('%s is refused with a reason', (_name, text, message) => {
    expect(() => parsePlanJson(text)).toThrow(PlanJsonError);
    expect(() => parsePlanJson(text)).toThrow(message);
  });

  test('readPlan: anything wrong with the document fails that stack (read-plan), never the run', () => {
    expect(readPlan('{"format_version":"0.1"}', 'tenant-x')).toEqual({ ok: false, status: 'failed', error: { phase: 'read-plan', message: expect.stringMatching(/^terraform show -json of stack tenant-x: at \$\.format_version: format_version 0\.1 is older than 1\.0/) } });
    expect(readPlan('[]', 'tenant-x')).toEqual({ ok: false, status: 'failed', error: { phase: 'read-plan', message: expect.stringMatching(/terraform show -json of stack tenant-x: expected an object, found an array of 0/) } });
  });
});
