import { matchesPattern } from '../helpers/event-pattern';

const event = { source: 'saas.platform', account: '222222222222', 'detail-type': 'UserConfirmed', detail: { tenantId: 'acme', tags: ['a', 'b'] } };

describe('event pattern matching', () => {
  test.each([
    [{ source: ['saas.platform'] }, true],
    [{ source: ['other'] }, false],
    [{ account: ['111111111111', '222222222222'] }, true],
    [{ detail: { tenantId: ['acme'] } }, true],
    [{ detail: { tenantId: ['beta'] } }, false],
    [{ detail: { missing: ['x'] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { tenantId: [{ exists: true }] } }, true],
    [{ source: [{ prefix: 'saas.' }] }, true],
    [{ source: [{ prefix: 'aws.' }] }, false],
    [{ account: [{ 'anything-but': '222222222222' }] }, false],
    [{ account: [{ 'anything-but': ['111111111111'] }] }, true],
    [{ detail: { tags: ['b'] } }, true],
    [{ source: ['saas.platform'], account: ['111111111111'] }, false],
    [{ nothere: { deeper: ['x'] } }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(event, pattern as never)).toBe(expected);
  });

  test('an unknown operator is an error, not a non-match', () => {
    expect(() => matchesPattern(event, { source: [{ suffix: '.platform' }] } as never)).toThrow(/unsupported pattern operator "suffix"/);
  });
});
