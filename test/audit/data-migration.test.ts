/**
 * The data-migration rule, paired compliant and non-compliant: a tenant's move as its manifest
 * records it and as `lz migrate` evidenced it, and old copies against their retention.
 */
import * as fs from 'fs';
import * as path from 'path';
import { auditTenant } from '../../audit/engine';
import { EvidenceError } from '../../audit/evidence';
import { RULES } from '../../audit/pack';
import { dataMigration } from '../../audit/rules/data-migration';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { MigrationEvidence, MoveEvidence } from '../../model/migration';
import { LoadedTenant } from '../../model/load';
import { l1, l2, l3, makeFixture, Manifest } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';

const AT = '2030-03-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);
const check = (name: string, count: number, target = count, targetSha = sha('a')) => ({ name, match: count === target && targetSha === sha('a'), source: { location: `old-${name}`, count, sha256: sha('a') }, target: { location: `new-${name}`, count: target, sha256: targetSha } });
const dataMove = (fields: Partial<MoveEvidence> = {}): MoveEvidence => ({
  id: 'L1-L2',
  kind: 'data',
  phase: 'switched',
  servedFrom: 'dedicated in 333333333333',
  from: 'pooled in 222222222222',
  to: 'dedicated in 333333333333',
  startedAt: '2030-02-01T00:00:00.000Z',
  switchedAt: '2030-02-01T00:10:00.000Z',
  retainUntil: '2030-03-03T00:10:00.000Z',
  attempts: 1,
  checks: [check('items', 10), check('users', 2), check('files', 4)],
  ...fields,
});
const doc = (...moves: MoveEvidence[]): MigrationEvidence => ({ formatVersion: 1, tenantId: 'acme', updatedAt: AT, moves });

function manifest(m: Manifest): LoadedTenant {
  const fx = makeFixture({ tenants: { 'acme.yaml': m } });
  try {
    const lz = fx.validate().landingZone!;
    return lz.tenants[0];
  } finally {
    fx.cleanup();
  }
}
const settings = (() => {
  const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme') } });
  try {
    return fx.validate().landingZone!.settings;
  } finally {
    fx.cleanup();
  }
})();

const run = (tenant: LoadedTenant, migration?: MigrationEvidence | EvidenceError, source: 'state' | 'desired' = 'state') =>
  auditTenant(settings, { tenant: tenant.manifest, profile: tenant.profile, stacks: new Map(), ...(migration ? { migration } : {}) }, source, [dataMigration], AT).results[0];

const moving = manifest(l2('acme', { migration: { from: 'L1' } }));

describe('data-migration', () => {
  test('pass: the move is verified and switched; the report says where the data is and until when the old copy stays', () => {
    const r = run(moving, doc(dataMove()));
    expect([r.status, r.message]).toEqual(['pass', 'L1-L2: served from dedicated in 333333333333 since 2030-02-01T00:10:00.000Z, verified (items 10, users 2, files 4); old copy (pooled in 222222222222) kept until 2030-03-03T00:10:00.000Z']);
    expect(r.evidence[0]).toMatchObject({ stack: 'tenants/acme/migration.json', address: 'moves[L1-L2]', attribute: 'phase' });
  });

  test('fail: the manifest records a move and nothing evidences it', () => {
    expect(run(moving)).toMatchObject({ status: 'fail', message: expect.stringMatching(/records the move L1-L2 but there is no evidence of it .*still be only in the pooled tables and bucket/) });
  });

  test.each([
    ['frozen', dataMove({ phase: 'frozen', servedFrom: 'pooled in 222222222222' }), /the move L1-L2 is frozen: served from pooled/],
    ['failed', dataMove({ phase: 'failed', servedFrom: 'pooled in 222222222222', failure: 'verification failed: files' }), /is failed \(verification failed: files\)/],
    ['switched with a check that differs', dataMove({ checks: [check('items', 10, 9)] }), /switched without matching checks \(items\)/],
    ['kept past its retention', dataMove({ retainUntil: '2030-02-28T00:00:00.000Z' }), /kept past its retention \(until 2030-02-28T00:00:00.000Z\): acknowledge it in acknowledgements.migrationCleanup/],
  ])('fail: %s', (_name, move, message) => {
    expect(run(moving, doc(move))).toMatchObject({ status: 'fail', message: expect.stringMatching(message) });
  });

  test('a leftover past retention whose cleanup is acknowledged points at lz migrate --cleanup', () => {
    const acked = manifest(l3('acme', { migration: { from: 'L2' }, acknowledgements: { migrationCleanup: [{ move: 'L1-L2', reason: 'retention agreed with the customer is over', approvedBy: ['@ops'] }] } }));
    const users = dataMove({ id: 'L2-L3', kind: 'users', checks: [check('users', 3), check('profiles', 2)], retainUntil: '2030-04-01T00:00:00.000Z' });
    expect(run(acked, doc(dataMove({ retainUntil: '2030-02-28T00:00:00.000Z' }), users))).toMatchObject({ status: 'fail', message: expect.stringMatching(/L1-L2 .*kept past its retention .*the cleanup is acknowledged; lz migrate --cleanup deletes it$/) });
  });

  test('pass: the old copy was deleted; an earlier move with no record in the manifest any more still counts', () => {
    const l3Moved = manifest(l3('acme', { migration: { from: 'L2' } }));
    const r = run(l3Moved, doc(dataMove({ phase: 'cleaned', cleanedAt: '2030-02-20T00:00:00.000Z', retainUntil: '2030-02-15T00:00:00.000Z' }), dataMove({ id: 'L2-L3', kind: 'users', checks: [check('users', 3)] })));
    expect([r.status, r.message]).toEqual(['pass', expect.stringMatching(/^L1-L2: .*old copy deleted 2030-02-20T00:00:00.000Z; L2-L3: served from/)]);
  });

  test('no move at all: pass; a users move waiting for BYOK material: pass, said so', () => {
    expect(run(manifest(l2('acme')))).toMatchObject({ status: 'pass', message: 'no tier move recorded: the data is where the tier puts it' });
    const pending = manifest(l3('acme', { migration: { from: 'L2' }, encryption: { byok: 'imported' } }));
    expect(run(pending)).toMatchObject({ status: 'pass', message: expect.stringMatching(/^the move L2-L3 waits for the BYOK key material/) });
  });

  test('the desired state cannot say where data is: not applicable; unreadable evidence: error', () => {
    expect(run(moving, undefined, 'desired')).toMatchObject({ status: 'not-applicable' });
    expect(run(moving, new EvidenceError('tenants/acme/migration.json', 'not JSON'))).toMatchObject({ status: 'error', message: 'tenants/acme/migration.json: not JSON' });
  });

  test('the state reader picks the evidence up next to the tenant state, and reports a broken file for that tenant only', async () => {
    const dir = tempDir('lz-audit-migration-');
    fs.mkdirSync(path.join(dir, 'tenants/acme'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tenants/acme/migration.json'), JSON.stringify(doc(dataMove())));
    const [acme] = await collectStateEvidence([moving], directoryReader(dir));
    expect(acme.migration).toEqual(doc(dataMove()));
    // Named by its key in the state bucket's layout, never by where the folder is on this machine.
    expect(acme.migrationInput).toBe('tenants/acme/migration.json');
    fs.writeFileSync(path.join(dir, 'tenants/acme/migration.json'), '{"formatVersion": 2}');
    const [broken] = await collectStateEvidence([moving], directoryReader(dir));
    const audit = auditTenant(settings, broken, 'state', RULES, AT);
    expect(audit.results.find((r) => r.ruleId === 'data-migration')).toMatchObject({ status: 'error', message: expect.stringMatching(/formatVersion is 2, this lz reads 1/) });
    expect(audit.problems).toContain(broken.migration instanceof EvidenceError ? broken.migration.message : 'x');
  });
});
