import * as fs from 'fs';
import * as path from 'path';
import { PipelineReport } from '../../pipeline/report';
import { isProtectedResourceType } from '../../terraform/protected-resources';
import { lz } from '../helpers/cli';
import { errorsOf, l1, l2, l3 } from '../helpers/fixture';
import { resourceBlocks, TfJson } from '../helpers/synth';
import { fixtureArgs, gitFixture } from './helpers';

/**
 * A tier downgrade, the supported way: the manifest moves to the lower tier with
 * `acknowledgements.tierDowngrade`; what the lower tier does not have is released (Terraform
 * forgets it, AWS keeps it with its data), never destroyed. Validation says so, the plan shows
 * it as forgets and passes its guards, and the synthesized stack carries the removed blocks.
 */
const ack = (from: string) => ({ acknowledgements: { tierDowngrade: { from, reason: 'The customer moved to a smaller plan' } } });
const env = { PATH: process.env.PATH };

async function offlinePlan(fx: ReturnType<typeof gitFixture>): Promise<{ code: number; report: PipelineReport; stderr: string }> {
  const r = await lz([...fixtureArgs(fx), 'plan', '--offline', '--format', 'json'], fx.root, env);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

function stackFile(fx: ReturnType<typeof gitFixture>, side: 'base' | 'head', name: string): TfJson {
  return JSON.parse(fs.readFileSync(path.join(fx.root, '.lz', 'pipeline', side, 'stacks', name, 'cdk.tf.json'), 'utf8'));
}

describe('validation of a downgrade', () => {
  const fx = gitFixture({ 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: '345678901299' } }), 'beta.yaml': l3('beta') });
  afterAll(() => fx.cleanup());
  const validate = () => fx.validate({ baseRef: 'HEAD' });

  test('an adopted L2 account moving to L1 with the acknowledgement: valid, one warning saying what is released', () => {
    fx.write('acme.yaml', l1('acme', ack('L2')));
    const r = validate();
    expect(errorsOf(r)).toEqual([]);
    expect(r.diagnostics.filter((d) => d.file.endsWith('acme.yaml')).map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'tier-downgrade', expect.stringMatching(/^tier moves down from L2 to L1 \(acknowledged\): the tenant leaves its L2 account: Terraform forgets every resource there .*nothing is destroyed/)],
    ]);
  });

  test('keeping the account section in an L1 manifest: one error (L1 has no account), not a contradiction', () => {
    fx.write('acme.yaml', l1('acme', { ...ack('L2'), account: { email: 'aws+acme@saas.example', id: '345678901299' } }));
    expect(errorsOf(validate()).map((d) => [d.code, d.field])).toEqual([['tier-field', 'account']]);
  });

  test('without the acknowledgement: one error that says what a downgrade does and how to acknowledge it', () => {
    fx.write('acme.yaml', l1('acme'));
    expect(errorsOf(validate()).map((d) => [d.code, d.message, d.expected])).toEqual([
      ['tier-downgrade', expect.stringMatching(/^tier moves down from L2 \(at HEAD\) to L1 without an acknowledgement: the tenant leaves its L2 account/), expect.stringMatching(/tierDowngrade: \{ from: L2, reason/)],
    ]);
  });

  test('an acknowledgement that is not a move down is an error, with or without history', () => {
    fx.write('acme.yaml', l2('acme', { ...ack('L1'), account: { email: 'aws+acme@saas.example', id: '345678901299' } }));
    for (const r of [validate(), fx.validate({ baseRef: false })]) expect(errorsOf(r).map((d) => [d.code, d.field, d.message])).toEqual([['tier-downgrade', 'acknowledgements.tierDowngrade.from', 'a downgrade from L1 to L2 is not a move down']]);
    fx.write('acme.yaml', l2('acme', { account: { email: 'aws+acme@saas.example', id: '345678901299' } }));
  });
});

describe('the plan of a downgrade: forgets, no deletes of data, no guard violation', () => {
  test('L2 to L1: every resource in the tenant account is forgotten, the account stack is left alone', async () => {
    const fx = gitFixture({ 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: '345678901299' } }), 'keep.yaml': l1('keep') });
    try {
      fx.write('acme.yaml', l1('acme', ack('L2')));
      const { code, report } = await offlinePlan(fx);
      expect(code).toBe(0);
      const byStack = new Map(report.stacks.map((s) => [s.stack, s]));
      expect([byStack.get('account-acme')?.status, byStack.get('tenant-acme')?.violations]).toEqual(['removed', []]);
      const changes = byStack.get('tenant-acme')!.changes;
      const before = resourceBlocks(stackFile(fx, 'base', 'tenant-acme'));
      const inTenantAccount = [...before].filter(([, b]) => b.provider === 'aws.tenant').map(([a]) => a).sort();
      expect(inTenantAccount.length).toBeGreaterThan(20);
      expect(changes.filter((c) => c.action === 'forget').map((c) => c.address).sort()).toEqual(inTenantAccount);
      expect(changes.filter((c) => c.action === 'delete' || c.action === 'replace').filter((c) => c.dataBearing)).toEqual([]);

      const head = stackFile(fx, 'head', 'tenant-acme');
      expect(head.removed.every((r: TfJson) => r.lifecycle.destroy === false && !resourceBlocks(head).has(r.from))).toBe(true);
      expect(head.provider.aws.map((p: TfJson) => p.alias ?? 'default').sort()).toEqual(['default', 'tenant']);
      expect(head.output.tier_downgrade.value).toMatch(/^tier L2 to L1: \d+ resources of L2 are released \(Terraform forgets them, nothing is destroyed\); the tenant account is left as it was/);
    } finally {
      fx.cleanup();
    }
  });

  test('L3 to L2: the own app data, the BYOK key and the locked vault are forgotten; the own app is deleted; the tables stay', async () => {
    const fx = gitFixture({ 'bank.yaml': l3('bank') });
    try {
      fx.write('bank.yaml', { ...l2('bank'), ...ack('L3') });
      const { code, report } = await offlinePlan(fx);
      expect(code).toBe(0);
      const tenant = report.stacks.find((s) => s.stack === 'tenant-bank')!;
      expect(tenant.violations).toEqual([]);
      const before = resourceBlocks(stackFile(fx, 'base', 'tenant-bank'));
      const after = resourceBlocks(stackFile(fx, 'head', 'tenant-bank'));
      const gone = [...before.keys()].filter((a) => !after.has(a));
      const typeOf = (a: string) => a.split('.')[0];
      const expectedForgets = gone.filter((a) => isProtectedResourceType(typeOf(a)) || typeOf(a) === 'aws_backup_vault_lock_configuration').sort();
      expect(expectedForgets.map(typeOf)).toEqual(expect.arrayContaining(['aws_cognito_user_pool', 'aws_kms_external_key', 'aws_backup_vault', 'aws_backup_vault_lock_configuration', 'aws_dynamodb_table', 'aws_cloudwatch_log_group']));
      expect(tenant.changes.filter((c) => c.action === 'forget').map((c) => c.address).sort()).toEqual(expectedForgets);
      const deleted = tenant.changes.filter((c) => c.action === 'delete');
      expect(deleted.filter((c) => c.dataBearing)).toEqual([]);
      expect(deleted.map((c) => typeOf(c.address))).toContain('aws_lambda_function');
      // The tenant's items and users tables stay, now on the landing-zone key.
      expect(tenant.changes.filter((c) => c.action === 'replace')).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });
});
