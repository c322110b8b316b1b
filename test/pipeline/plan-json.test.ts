import * as fs from 'fs';
import { parsePlanJson, PlanJsonError } from '../../pipeline/plan-json';
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

  test('attribute paths of updates (values never) and the arguments that forced a replacement', () => {
    const update = parsePlanJson(read('update'));
    expect(update.changes.find((c) => c.address === 'aws_dynamodb_table.items')?.changedAttributes).toEqual(['tags.Owner', 'tags_all']);
    expect(update.changes.find((c) => c.address === 'aws_lambda_function.api')?.changedAttributes).toEqual(['last_modified', 'memory_size', 'source_code_hash', 'version']);
    const replace = parsePlanJson(read('replace-delete-create'));
    expect(replace.changes[0]).toMatchObject({ action: 'replace', actions: ['delete', 'create'], replacedBecause: ['name'] });
    expect(JSON.stringify(replace.changes)).not.toContain('kpz-items-v2');
  });

  test('unknown action lists are reported, not dropped', () => {
    const doc = JSON.parse(read('update'));
    doc.resource_changes[0].change.actions = ['delete', 'forget'];
    const plan = parsePlanJson(JSON.stringify(doc));
    expect(plan.unrecognized).toEqual([{ address: 'aws_dynamodb_table.items', type: 'aws_dynamodb_table', actions: ['delete', 'forget'] }]);
  });

  test.each([
    ['not JSON', 'Error: something', /not JSON/],
    ['format 2', JSON.stringify({ format_version: '2.0' }), /format_version: format_version 1.x/],
    ['errored plan', JSON.stringify({ format_version: '1.2', errored: true, resource_changes: [] }), /errored/],
    ['no actions', JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', change: { actions: [] } }] }), /resource_changes.0.change.actions/],
  ])('%s is refused with a reason', (_name, text, message) => {
    expect(() => parsePlanJson(text)).toThrow(PlanJsonError);
    expect(() => parsePlanJson(text)).toThrow(message);
  });
});
