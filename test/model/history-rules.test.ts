import { committedFixture as committed, errorsOf, l1, l2, l3, makeFixture } from '../helpers/fixture';

describe('rules that compare with the base revision', () => {
  test('a tier downgrade needs an acknowledgement naming the old tier', () => {
    const fx = committed({ 'acme.yaml': l3('acme') });
    try {
      fx.write('acme.yaml', l2('acme'));
      const [e] = errorsOf(fx.validate({ baseRef: 'HEAD' }));
      expect(e).toMatchObject({ code: 'tier-downgrade', field: 'tier', line: 5 });
      expect(e.message).toMatch(/tier moves down from L3 \(at HEAD\) to L2 without an acknowledgement/);

      fx.write('acme.yaml', l2('acme', { acknowledgements: { tierDowngrade: { from: 'L2', reason: 'customer moved to the mid-market plan' } } }));
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' })).map((d) => d.message)).toEqual(['a downgrade from L2 to L2 is not a move down', expect.stringMatching(/acknowledges a downgrade from L2, but the tenant is moving down from L3/)]);

      fx.write('acme.yaml', l2('acme', { acknowledgements: { tierDowngrade: { from: 'L3', reason: 'customer moved to the mid-market plan' } } }));
      const ok = fx.validate({ baseRef: 'HEAD' });
      expect(errorsOf(ok)).toEqual([]);
      expect(ok.landingZone).toBeDefined();
    } finally {
      fx.cleanup();
    }
  });

  test('the acknowledgement reason must say something', () => {
    const fx = committed({ 'acme.yaml': l2('acme') });
    try {
      fx.write('acme.yaml', l1('acme', { acknowledgements: { tierDowngrade: { from: 'L2', reason: 'ok' } } }));
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' })).map((d) => d.field)).toContain('acknowledgements.tierDowngrade.reason');
    } finally {
      fx.cleanup();
    }
  });

  test('an upgrade needs only its migration record, and a stale acknowledgement is a warning', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      fx.write('acme.yaml', l2('acme', { migration: { from: 'L1' }, acknowledgements: { tierDowngrade: { from: 'L3', reason: 'left over from an earlier change' } } }));
      const r = fx.validate({ baseRef: 'HEAD' });
      expect(errorsOf(r)).toEqual([]);
      expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'tier-downgrade']]);
    } finally {
      fx.cleanup();
    }
  });

  test('removing a manifest without offboarding is an error; after offboarding it is a warning', () => {
    const fx = committed({
      'gone.yaml': l1('gone'),
      'left.yaml': l1('left', { status: 'offboarding', offboarding: { requestedOn: '2026-01-01', retentionDays: 30 } }),
      'stay.yaml': l1('stay'),
    });
    try {
      fx.remove('gone.yaml');
      fx.remove('left.yaml');
      const r = fx.validate({ baseRef: 'HEAD' });
      expect(r.diagnostics.map((d) => [d.severity, d.code, d.file])).toEqual([
        ['error', 'removed-manifest', 'tenants/gone.yaml'],
        ['warning', 'removed-manifest', 'tenants/left.yaml'],
      ]);
      expect(r.diagnostics[0].message).toMatch(/removed without offboarding first/);
    } finally {
      fx.cleanup();
    }
  });

  test('renaming a tenant is a removal', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      fx.remove('acme.yaml');
      fx.write('acme-corp.yaml', l1('acme-corp'));
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' })).map((d) => d.code)).toEqual(['removed-manifest']);
    } finally {
      fx.cleanup();
    }
  });

  test('the account e-mail and adopted account id of a dedicated tenant cannot be re-pointed', () => {
    const fx = committed({ 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: '444444444444' } }) });
    try {
      fx.write('acme.yaml', l2('acme', { account: { email: 'aws+other@saas.example', id: '555555555555' } }));
      const errors = errorsOf(fx.validate({ baseRef: 'HEAD' }));
      expect(errors.map((d) => [d.code, d.field])).toEqual([
        ['account-change', 'account.email'],
        ['account-change', 'account.id'],
      ]);
    } finally {
      fx.cleanup();
    }
  });

  test('a new tenant starts active', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      fx.write('beta.yaml', l1('beta', { status: 'suspended' }));
      const errors = errorsOf(fx.validate({ baseRef: 'HEAD' }));
      expect(errors.map((d) => [d.code, d.field, d.message])).toEqual([['new-tenant-status', 'status', 'new tenant "beta" starts as suspended']]);
      fx.write('acme.yaml', l1('acme', { status: 'suspended' }));
      fx.write('beta.yaml', l1('beta'));
      expect(errorsOf(fx.validate({ baseRef: 'HEAD' }))).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('without git history the checks are skipped with a warning, not silently', () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme') } });
    try {
      const r = fx.validate({ baseRef: 'HEAD' });
      expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'history-skipped']]);
      expect(r.landingZone).toBeDefined();
    } finally {
      fx.cleanup();
    }
  });

  test('an unknown base revision is reported', () => {
    const fx = committed({ 'acme.yaml': l1('acme') });
    try {
      const r = fx.validate({ baseRef: 'no-such-branch' });
      expect(r.diagnostics[0].message).toMatch(/git revision "no-such-branch" does not exist/);
    } finally {
      fx.cleanup();
    }
  });
});
