import { addDays, migrationEvidenceKey, moveSteps, parseMigrationEvidence, PlannedMove } from '../../model/migration';
import { committedFixture as committed, errorsOf, l1, l2, l3, makeFixture, Manifest, Fixture } from '../helpers/fixture';

const cleanup = (move: string) => ({ migrationCleanup: [{ move, reason: 'retention period agreed with the customer has passed', approvedBy: ['@platform/leads'] }] });

describe('migration record in one manifest', () => {
  test.each([
    ['L2 from L1', l2('acme', { migration: { from: 'L1' } }), []],
    ['L3 from L2', l3('acme', { migration: { from: 'L2' } }), []],
    ['L3 straight from L1', l3('acme', { migration: { from: 'L1' } }), ['migration.from: a move goes up one tier at a time (the data first, then the app): from L1 straight to L3 is not supported']],
    ['L2 from L3', l2('acme', { migration: { from: 'L3' } }), ['migration.from: a migration moves up: from L3 cannot lead to tier L2']],
    ['L1 with a record', l1('acme', { migration: { from: 'L1' } }), ['migration.from: a migration moves up: from L1 cannot lead to tier L1']],
    ['cleanup of a move not made', l2('acme', { migration: { from: 'L1' }, acknowledgements: cleanup('L2-L3') }), ['acknowledgements.migrationCleanup[0].move: tier L2 has not made the move L2-L3: there is no old copy to delete']],
    ['unknown move', l2('acme', { acknowledgements: cleanup('L1-L3') }), ['acknowledgements.migrationCleanup[0].move: invalid']],
    ['retention too short', l2('acme', { migration: { from: 'L1', retentionDays: 1 } }), ['migration.retentionDays: invalid']],
  ])('%s', (_name, manifest, expected) => {
    const fx = makeFixture({ tenants: { 'acme.yaml': manifest } });
    try {
      // Schema errors are matched by field only; the rules' own messages word for word.
      const errors = errorsOf(fx.validate()).map((d) => (d.code === 'schema' ? `${d.field}: invalid` : `${d.field}: ${d.message}`));
      expect(errors).toEqual(expected);
    } finally {
      fx.cleanup();
    }
  });
});

describe('migration record against the base revision', () => {
  const messages = (fx: Fixture) => errorsOf(fx.validate({ baseRef: 'HEAD' })).map((d) => `${d.code} ${d.field}: ${d.message}`);

  test('a move up needs migration.from naming the tier it leaves', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      fx.write('acme.yaml', l2('acme'));
      expect(messages(fx)).toEqual([expect.stringMatching(/^migration tier: tier moves up from L1 \(at HEAD\) to L2 without a migration record: the tenant's items, profiles and files would stay/)]);
      fx.write('acme.yaml', l2('acme', { migration: { from: 'L1' } }));
      expect(messages(fx)).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('the record stays until the next move replaces it', () => {
    const fx = committed({ 'acme.yaml': l2('acme', { migration: { from: 'L1' } }) });
    try {
      fx.write('acme.yaml', l2('acme'));
      expect(messages(fx)).toEqual([expect.stringMatching(/^migration tier: the record of the move from L1 \(at HEAD\) was removed: it stays until the next move/)]);
      fx.write('acme.yaml', l3('acme'));
      expect(messages(fx)).toEqual([expect.stringMatching(/tier moves up from L2 \(at HEAD\) to L3 without a migration record: the tenant's users would stay in the shared user pool/)]);
      fx.write('acme.yaml', l3('acme', { migration: { from: 'L2' } }));
      expect(messages(fx)).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('no record without a move, and none for a new tenant', () => {
    const fx = committed({ 'acme.yaml': l2('acme') });
    try {
      fx.write('acme.yaml', l2('acme', { migration: { from: 'L1' } }));
      fx.write('newco.yaml', l2('newco', { migration: { from: 'L1' } }));
      expect(messages(fx)).toEqual([
        expect.stringMatching(/^migration migration: no tier move in this change \(L2 at HEAD\): a migration record only comes with a move up/),
        expect.stringMatching(/^migration migration: tenant "newco" is new: it has no data or users to move/),
      ]);
    } finally {
      fx.cleanup();
    }
  });

  test('a cleanup is acknowledged after the move, not with it', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      fx.write('acme.yaml', l2('acme', { migration: { from: 'L1' }, acknowledgements: cleanup('L1-L2') }));
      expect(messages(fx)).toEqual([expect.stringMatching(/^migration-cleanup acknowledgements\.migrationCleanup\[0\]\.move: the move to L2 starts in this change/)]);
    } finally {
      fx.cleanup();
    }
    const later = committed({ 'acme.yaml': l2('acme', { migration: { from: 'L1' } }) });
    try {
      later.write('acme.yaml', l2('acme', { migration: { from: 'L1' }, acknowledgements: cleanup('L1-L2') }));
      expect(messages(later)).toEqual([]);
    } finally {
      later.cleanup();
    }
  });
});

/** The move the tenant's profile records (model/profile.ts decides it with plannedMove). */
function moveOf(m: Manifest): PlannedMove | undefined {
  const fx = makeFixture({ tenants: { 'acme.yaml': m } });
  try {
    return fx.validate().landingZone!.tenants[0].profile.move;
  } finally {
    fx.cleanup();
  }
}

describe('plannedMove', () => {
  test('L1 to L2 moves the data; the retention defaults to 30 days', () => {
    const move = moveOf(l2('acme', { migration: { from: 'L1' } }))!;
    expect(move).toEqual({ tenantId: 'acme', id: 'L1-L2', fromTier: 'L1', toTier: 'L2', kind: 'data', retentionDays: 30, cleanupAcknowledged: false });
    expect(moveSteps(move).join('\n')).toMatch(/writes freeze[\s\S]*registry switches to the tenant account only when they match[\s\S]*kept 30 days/);
  });

  test('L2 to L3 moves the users, and waits while the BYOK material is missing', () => {
    const ready = moveOf(l3('acme', { migration: { from: 'L2', retentionDays: 90 }, acknowledgements: cleanup('L1-L2') }))!;
    expect(ready).toMatchObject({ id: 'L2-L3', kind: 'users', retentionDays: 90, cleanupAcknowledged: false });
    expect(ready.waitingFor).toBeUndefined();
    const pending = moveOf(l3('acme', { migration: { from: 'L2' }, encryption: { byok: 'imported' } }))!;
    expect(moveSteps(pending)).toEqual([expect.stringMatching(/^waits for the BYOK key material/)]);
    expect(moveOf(l2('acme'))).toBeUndefined();
  });
});

describe('migration evidence document', () => {
  const sha = 'a'.repeat(64);
  const doc = {
    formatVersion: 1,
    tenantId: 'acme',
    updatedAt: '2030-01-02T00:00:00.000Z',
    moves: [
      {
        id: 'L1-L2',
        kind: 'data',
        phase: 'switched',
        servedFrom: 'dedicated',
        from: 'pooled',
        to: 'dedicated',
        startedAt: '2030-01-01T00:00:00.000Z',
        switchedAt: '2030-01-01T00:10:00.000Z',
        retainUntil: addDays('2030-01-01T00:10:00.000Z', 30),
        attempts: 1,
        checks: [{ name: 'items', match: true, source: { location: 'lz-items', count: 3, sha256: sha }, target: { location: 'lz-acme-items', count: 3, sha256: sha } }],
      },
    ],
  };

  test('a valid document reads back as written', () => {
    expect(parseMigrationEvidence(JSON.stringify(doc), 'm.json', 'acme')).toEqual(doc);
    expect(migrationEvidenceKey('acme')).toBe('tenants/acme/migration.json');
    expect(doc.moves[0].retainUntil).toBe('2030-01-31T00:10:00.000Z');
  });

  test('every problem is named with its path', () => {
    const bad = { ...doc, tenantId: 'other', moves: [{ ...doc.moves[0], phase: 'half', startedAt: 'yesterday', checks: [{ name: 'items', match: true, source: { location: 'x', count: 1, sha256: 'nope' } }] }] };
    expect(() => parseMigrationEvidence(JSON.stringify(bad), 'm.json', 'acme')).toThrow(
      'm.json: tenantId is "other", expected "acme"; moves[0].phase must be one of frozen, moving, switched, failed, cleaned; moves[0].startedAt must be an ISO time (UTC); moves[0].checks[0].source needs location, count and a hex sha256; moves[0].checks[0].target needs location, count and a hex sha256',
    );
    expect(() => parseMigrationEvidence('{', 'm.json', 'acme')).toThrow(/^m.json: not JSON/);
  });
});
