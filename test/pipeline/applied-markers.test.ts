import * as fs from 'fs';
import * as path from 'path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { appliedMarkerKey, stackInventory, StackSpec } from '../../model/inventory';
import { appliedScope } from '../../pipeline/since-applied';
import { l1, l2, l3, profileOf } from '../helpers/fixture';
import { AppliedMarker, markerAfter, MarkerError, pendingStacks, recordedCommits } from '../../pipeline/applied';
import { dirMarkerStore, s3MarkerStore } from '../../pipeline/applied-store';
import { StackStatus } from '../../pipeline/report';
import { tempDir } from '../helpers/synth';

const spec = (name: string, stateKey: string): StackSpec => ({ name, kind: 'tenant', target: 'platform', tenantId: 'acme', stateKey, dependsOn: [], wave: 3 });
const TENANT = spec('tenant-acme', 'tenants/acme/tenant.tfstate');
const PLATFORM: StackSpec = { name: 'platform', kind: 'platform', target: 'platform', stateKey: 'shared/platform.tfstate', dependsOn: [], wave: 2 };
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);
const ok = (stack: string, commit: string, digest: string): AppliedMarker => ({ formatVersion: 1, stack, commit, configDigest: digest, appliedAt: '2026-01-01T00:00:00.000Z' });

describe('the applied marker of a stack lives beside its state in the bucket (AWS SDK v3)', () => {
  const body = (text: string) => ({ Body: { transformToString: async () => text } as never });

  test('read: the marker of each stack from <state key without .tfstate>.applied.json; none recorded is undefined', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(GetObjectCommand, { Bucket: 'state', Key: 'tenants/acme/tenant.applied.json' }).resolves(body(JSON.stringify(ok('tenant-acme', C1, D1))));
    s3.on(GetObjectCommand, { Bucket: 'state', Key: 'shared/platform.applied.json' }).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    const markers = await s3MarkerStore(client, 'state').read([TENANT, PLATFORM]);
    expect([...markers.entries()]).toEqual([
      ['tenant-acme', ok('tenant-acme', C1, D1)],
      ['platform', undefined],
    ]);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key).sort()).toEqual(['shared/platform.applied.json', 'tenants/acme/tenant.applied.json']);
  });

  test('write: PutObject of the marker as JSON at its key', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(PutObjectCommand).resolves({});
    await s3MarkerStore(client, 'state').write(TENANT, ok('tenant-acme', C2, D2));
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect([input.Bucket, input.Key, input.ContentType, JSON.parse(String(input.Body))]).toEqual(['state', 'tenants/acme/tenant.applied.json', 'application/json', ok('tenant-acme', C2, D2)]);
  });

  test.each([
    ['not JSON', 'applied!', /s3:\/\/state\/tenants\/acme\/tenant.applied.json: not JSON .*delete it to apply the stack again/],
    ['another format', JSON.stringify({ formatVersion: 2, stack: 'tenant-acme' }), /tenant.applied.json: not an applied marker of format 1: formatVersion/],
    ['another stack', JSON.stringify(ok('tenant-beta', C1, D1)), /tenant.applied.json: records stack tenant-beta, not tenant-acme/],
    ['a short commit', JSON.stringify({ ...ok('tenant-acme', C1, D1), commit: 'abc123' }), /tenant.applied.json: .*commit/],
  ])('a marker that is %s is an error naming it (never read as applied)', async (_what, text, message) => {
    const client = new S3Client({ region: 'eu-west-1' });
    mockClient(client).on(GetObjectCommand).resolves(body(text));
    await expect(s3MarkerStore(client, 'state').read([TENANT])).rejects.toThrow(message);
  });

  test('access denied reading or writing is an error naming the object', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(s3MarkerStore(client, 'state').read([TENANT])).rejects.toThrow(new MarkerError('reading s3://state/tenants/acme/tenant.applied.json: AccessDenied: Access Denied'));
    await expect(s3MarkerStore(client, 'state').write(TENANT, ok('tenant-acme', C1, D1))).rejects.toThrow(/writing s3:\/\/state\/tenants\/acme\/tenant.applied.json: AccessDenied/);
  });

  test('a directory laid out like the bucket holds the same markers (--markers-dir)', async () => {
    const dir = tempDir();
    const store = dirMarkerStore(dir);
    expect((await store.read([TENANT])).get('tenant-acme')).toBeUndefined();
    await store.write(TENANT, ok('tenant-acme', C1, D1));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tenants', 'acme', 'tenant.applied.json'), 'utf8'))).toEqual(ok('tenant-acme', C1, D1));
    expect((await store.read([TENANT])).get('tenant-acme')).toEqual(ok('tenant-acme', C1, D1));
  });
});

describe('what a stack needs, from its marker', () => {
  const head = [
    { spec: spec('a', 'tenants/a/tenant.tfstate'), configDigest: D1 },
    { spec: spec('b', 'tenants/b/tenant.tfstate'), configDigest: D2 },
    { spec: spec('c', 'tenants/c/tenant.tfstate'), configDigest: D1 },
    { spec: spec('d', 'tenants/d/tenant.tfstate'), configDigest: D1 },
  ];

  test('applied as configured: nothing; changed, never applied or failed: applied, with why', () => {
    const markers = new Map<string, AppliedMarker | undefined>([
      ['a', ok('a', C1, D1)],
      ['b', ok('b', C1, D1)],
      ['c', undefined],
      // the configuration is back to the one last applied, but an apply since stopped part-way
      ['d', { ...ok('d', C1, D1), failed: { commit: C2, status: 'failed', at: 'x' } }],
    ]);
    expect(pendingStacks(head, markers).map((p) => [p.spec.name, p.reason])).toEqual([
      ['b', 'changed'],
      ['c', 'never-applied'],
      ['d', 'retry'],
    ]);
  });

  test('the base is the oldest commit among the recorded ones', () => {
    expect(recordedCommits(new Map([['a', ok('a', C2, D1)], ['b', undefined], ['c', ok('c', C1, D1)], ['d', ok('d', C2, D1)]]))).toEqual([C1, C2]);
  });

  const ctx = { stack: 'a', commit: C2, configDigest: D2, at: '2026-02-02T00:00:00.000Z', run: 'https://github.com/o/r/actions/runs/7' };
  test.each<[string, StackStatus, boolean, AppliedMarker | undefined]>([
    ['applied', 'applied', true, { formatVersion: 1, stack: 'a', commit: C2, configDigest: D2, appliedAt: ctx.at, run: ctx.run }],
    ['no changes', 'no-changes', false, { formatVersion: 1, stack: 'a', commit: C2, configDigest: D2, appliedAt: ctx.at, run: ctx.run }],
    ['apply failed', 'failed', true, { ...ok('a', C1, D1), failed: { commit: C2, status: 'failed', at: ctx.at }, run: ctx.run }],
    ['apply timed out', 'timed-out', true, { ...ok('a', C1, D1), failed: { commit: C2, status: 'timed-out', at: ctx.at }, run: ctx.run }],
    ['plan failed (nothing changed)', 'failed', false, undefined],
    ['refused by a guard', 'refused', false, undefined],
    ['blocked by a dependency', 'blocked', false, undefined],
    ['waiting for approval', 'deferred', false, undefined],
  ])('%s: the record becomes %j', (_what, status, applyStarted, expected) => {
    expect(markerAfter(ok('a', C1, D1), status, applyStarted, ctx)).toEqual(expected);
  });

  test('a first apply that fails records the failure alone (no success to keep)', () => {
    expect(markerAfter(undefined, 'failed', true, ctx)).toEqual({ formatVersion: 1, stack: 'a', failed: { commit: C2, status: 'failed', at: ctx.at }, run: ctx.run });
  });
});

describe('which markers a run reads', () => {
  const inventory = stackInventory([profileOf(l1('acme')), profileOf(l2('beta')), profileOf(l3('bank')), profileOf(l3('bank-corp'))]);

  test("a run for all stacks reads every stack's marker", () => {
    expect(appliedScope(inventory, {}).length).toBe(inventory.length);
  });

  test("an L3 tenant's job (in its environment) reads its gated stack's marker and its dependencies', no more: exactly what its apply role may read", () => {
    const scope = appliedScope(inventory, { tenantIds: ['bank'], environment: 'tenant-bank' });
    expect(scope.map((s) => appliedMarkerKey(s.stateKey))).toEqual(['tenants/bank/account.applied.json', 'shared/platform.applied.json', 'tenants/bank/tenant.applied.json']);
  });

  test('for a tenant outside an environment: its stacks and their dependencies', () => {
    expect(appliedScope(inventory, { tenantIds: ['beta'] }).map((s) => s.name)).toEqual(['organization', 'account-beta', 'platform', 'tenant-beta']);
  });
});
