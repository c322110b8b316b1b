import { StackSpec, tenantStacks } from '../../model/inventory';
import { makeChange, ResourceChange } from '../../pipeline/changes';
import { l1, l2, l3, profileOf } from '../helpers/fixture';
import { checkApprovalGate, checkApprovers, checkDataDestruction, checkUnrecognized, GuardContext, TenantGuardInfo } from '../../pipeline/guards';

const tenantStack = (id: string, tier: 'L1' | 'L2' | 'L3' = 'L2'): StackSpec => tenantStacks(profileOf({ L1: l1, L2: l2, L3: l3 }[tier](id))).find((s) => s.kind === 'tenant')!;
const platform: StackSpec = { name: 'platform', kind: 'platform', target: 'platform', stateKey: 'shared/platform.tfstate', dependsOn: ['organization'], wave: 2 };
const ctx = (tenants: Record<string, Partial<TenantGuardInfo>>): GuardContext => ({ tenants: new Map(Object.entries(tenants).map(([id, t]) => [id, { status: 'active', destroyProtection: true, changeApprovers: [], ...t }])) });
const ack = { reason: 'contract ended, retention period over', approvedBy: ['@acme/legal'] };
const change = (type: string, action: ResourceChange['action']) => makeChange({ address: `${type}.r`, type, action, actions: action === 'replace' ? ['delete', 'create'] : [action] });

describe('data-destruction guard', () => {
  test.each([
    ['shared stack, table replaced', platform, ctx({}), change('aws_dynamodb_table', 'replace'), /shared stack/],
    ['active tenant, bucket deleted', tenantStack('acme'), ctx({ acme: {} }), change('aws_s3_bucket', 'delete'), /acme is active; destroying its data needs status: offboarding and acknowledgements.dataDestruction/],
    ['suspended tenant, key deleted', tenantStack('acme'), ctx({ acme: { status: 'suspended' } }), change('aws_kms_key', 'delete'), /acme is suspended/],
    ['offboarding without acknowledgement', tenantStack('acme'), ctx({ acme: { status: 'offboarding' } }), change('aws_cognito_user_pool', 'replace'), /offboarding but its manifest has no acknowledgements.dataDestruction/],
    ['acknowledgement without offboarding', tenantStack('acme'), ctx({ acme: { status: 'active', dataDestruction: ack } }), change('aws_backup_vault', 'delete'), /acme is active/],
    ['no manifest for the tenant', tenantStack('ghost'), ctx({}), change('aws_cloudwatch_log_group', 'delete'), /could not evaluate: tenant ghost has no manifest/],
  ])('fails: %s', (_name, spec, context, c, remedy) => {
    const v = checkDataDestruction(spec, [c], context);
    expect(v).toEqual([expect.objectContaining({ rule: 'data-destruction', stack: spec.name, address: c.address, remedy: expect.stringMatching(remedy) })]);
  });

  test.each([
    ['offboarding with acknowledgement (the profile lifts destroy protection)', tenantStack('acme'), ctx({ acme: { status: 'offboarding', dataDestruction: ack, destroyProtection: false } }), change('aws_dynamodb_table', 'delete')],
    ['an unprotected type deleted', platform, ctx({}), change('aws_iam_role', 'delete')],
    ['a protected type updated in place', platform, ctx({}), change('aws_dynamodb_table', 'update')],
    ['a protected type created', platform, ctx({}), change('aws_kms_key', 'create')],
    ['a protected type forgotten (removed block, destroy = false)', platform, ctx({}), change('aws_organizations_account', 'forget')],
  ])('passes: %s', (_name, spec, context, c) => {
    expect(checkDataDestruction(spec, [c], context)).toEqual([]);
  });

  test('an unknown action list is a violation, not a pass', () => {
    expect(checkUnrecognized(platform, [{ address: 'a.b', type: 'a', actions: ['explode'], reason: 'at $.resource_changes[0].change.actions: unknown action list' }])).toEqual([
      expect.objectContaining({ rule: 'unrecognized-plan', address: 'a.b', message: 'could not evaluate a.b (a, actions [explode]): at $.resource_changes[0].change.actions: unknown action list' }),
    ]);
  });
});

describe('approval gate', () => {
  const l3 = tenantStack('bank', 'L3');
  const approvers = ctx({ bank: { changeApprovers: ['@bank/cab', '@jane'] } });

  test('an L3 stack applies only inside its environment', () => {
    expect(l3.approvalEnvironment).toBe('tenant-bank');
    expect(checkApprovalGate(l3, approvers, 'tenant-bank')).toEqual([]);
    expect(checkApprovalGate(l3, approvers, undefined)[0].message).toBe('tenant-bank needs approval by @bank/cab, @jane: this run is in no deployment environment, not tenant-bank');
    expect(checkApprovalGate(l3, approvers, 'tenant-other')[0].message).toMatch(/this run is in environment tenant-other, not tenant-bank/);
  });

  test('L1 and L2 stacks need no approval', () => {
    expect(checkApprovalGate(tenantStack('acme', 'L2'), ctx({ acme: {} }), undefined)).toEqual([]);
  });

  test('an L3 stack without approvers fails at plan and apply time, even inside the environment', () => {
    expect(checkApprovers(l3, ctx({ bank: {} }))[0].message).toMatch(/tenant bank's manifest names no changeApprovers/);
    expect(checkApprovalGate(l3, ctx({}), 'tenant-bank')).toHaveLength(1);
  });
});
