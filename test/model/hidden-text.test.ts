import * as fs from 'fs';
import { hiddenCharacter } from '../../model/text-safety';
import { errorsOf, EXAMPLE_SETTINGS, l1, l2, lineOf, makeFixture, Manifest, toYaml } from '../helpers/fixture';

/**
 * Fuzzing found text that validates but does not say what it shows: a zero-width space inside a
 * cron expression, bidirectional overrides and control characters in names, reasons and OU
 * names, and a `__proto__` key that vanished from `tags`. Each is now a located error.
 */
const ZWSP = '\u200b';
const RLO = '\u202e';
const LRI = '\u2066';
const BEL = '\u0007';

interface Case {
  readonly name: string;
  readonly manifest: Manifest;
  readonly field: string;
  readonly needle: string;
  readonly message: RegExp;
}

const CASES: Case[] = [
  { name: 'zero-width space in backup.schedule', manifest: l2('acme', { backup: { schedule: `cron(${ZWSP}0 3 * * ? *)`, retentionDays: 35 } }), field: 'backup.schedule', needle: 'schedule:', message: /a cron expression contains an invisible format character \(U\+200B\) at character 6/ },
  { name: 'no-break space in backup.schedule', manifest: l2('acme', { backup: { schedule: 'cron(0\u00a03 * * ? *)', retentionDays: 35 } }), field: 'backup.schedule', needle: 'schedule:', message: /U\+00A0/ },
  { name: 'right-to-left override in displayName', manifest: l1('acme', { displayName: `Acme ${RLO}gnp.exe` }), field: 'displayName', needle: 'displayName', message: /a display name contains a bidirectional control character \(U\+202E\) at character 6/ },
  { name: 'bidirectional isolate in a contact name', manifest: l1('acme', { contacts: [{ name: `Jane ${LRI}Doe`, email: 'jane@acme.example', role: 'owner' }] }), field: 'contacts[0].name', needle: '- name:', message: /a contact name contains a bidirectional control character \(U\+2066\)/ },
  { name: 'zero-width space in a contact name', manifest: l1('acme', { contacts: [{ name: `Jane${ZWSP}Doe`, email: 'jane@acme.example', role: 'owner' }] }), field: 'contacts[0].name', needle: '- name:', message: /invisible character \(U\+200B\)/ },
  { name: 'control character in a contact name', manifest: l1('acme', { contacts: [{ name: `Jane${BEL}`, email: 'jane@acme.example', role: 'owner' }] }), field: 'contacts[0].name', needle: '- name:', message: /a contact name contains a control character \(U\+0007\)/ },
  {
    name: 'bidirectional override in the offboarding reason',
    manifest: l1('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-01-10', retentionDays: 90, reason: `Contract ended ${RLO}dne` } }),
    field: 'offboarding.reason',
    needle: 'reason:',
    message: /a reason contains a bidirectional control character \(U\+202E\)/,
  },
  {
    name: 'control character in a tier-downgrade reason',
    manifest: l1('acme', { acknowledgements: { tierDowngrade: { from: 'L2', reason: `Customer asked ${BEL}to move down` } } }),
    field: 'acknowledgements.tierDowngrade.reason',
    needle: 'reason:',
    message: /a reason contains a control character \(U\+0007\)/,
  },
  { name: 'zero-width joiner in a tag value (machine-read)', manifest: l1('acme', { tags: { CostCenter: `cc${'\u200d'}1234` } }), field: 'tags.CostCenter', needle: 'CostCenter', message: /a tag value contains an invisible format character \(U\+200D\)/ },
];

describe('invisible and control characters are located errors', () => {
  test.each(CASES)('$name', ({ manifest, field, needle, message }) => {
    const fx = makeFixture({ tenants: { 'acme.yaml': manifest } });
    try {
      const text = toYaml(manifest);
      const found = errorsOf(fx.validate()).filter((d) => d.field === field);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ code: 'hidden-character', line: lineOf(text, needle) });
      expect(found[0].message).toMatch(message);
      expect(found[0].expected).toMatch(/without/);
      // The message never carries the offending text itself (a bidirectional override would reorder the log line).
      expect(found[0].message + found[0].expected).not.toMatch(/[\u200b\u202e\u2066\u0007\u00a0\u200d]/);
    } finally {
      fx.cleanup();
    }
  });

  test('an organizational unit name with a bidirectional override is refused in the settings', () => {
    const settings = fs.readFileSync(EXAMPLE_SETTINGS, 'utf8').replace('tenantsL3: Tenants-L3', `tenantsL3: Tenants${RLO}-L3`);
    const fx = makeFixture({ settings, tenants: { 'good.yaml': l1('good') } });
    try {
      const found = errorsOf(fx.validate()).filter((d) => d.field === 'organizationalUnits.tenantsL3');
      expect(found).toHaveLength(1);
      expect(found[0].message).toMatch(/an organizational unit name contains a bidirectional control character \(U\+202E\)/);
      expect(found[0]).toMatchObject({ code: 'hidden-character', line: lineOf(settings, 'tenantsL3:') });
    } finally {
      fx.cleanup();
    }
  });

  test('display text keeps what real names need: accents, other scripts, emoji sequences with a zero-width joiner', () => {
    const fx = makeFixture({
      tenants: {
        'acme.yaml': l1('acme', { displayName: 'Ærø Ünïcødé 株式会社 👩‍💻', contacts: [{ name: 'محمد علي', email: 'm@acme.example', role: 'owner' }] }),
        'beta.yaml': l1('beta', { status: 'offboarding', offboarding: { requestedOn: '2026-01-10', retentionDays: 90, reason: 'Contract ended.\nData export delivered.' } }),
      },
    });
    try {
      expect(errorsOf(fx.validate())).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });

  test('the character check reports the first offender with its code point and position', () => {
    expect(hiddenCharacter('ok', 'machine')).toBeUndefined();
    expect(hiddenCharacter(`a${ZWSP}b${RLO}`, 'machine')).toEqual({ index: 1, codePoint: '200B', description: 'an invisible format character' });
    expect(hiddenCharacter('a\u00adb', 'display')).toBeUndefined(); // soft hyphen: harmless in names
    expect(hiddenCharacter('a\u00adb', 'machine')?.codePoint).toBe('00AD');
    expect(hiddenCharacter('line\nbreak', 'display')?.codePoint).toBe('000A');
    expect(hiddenCharacter('line\nbreak', 'display', { multiline: true })).toBeUndefined();
    expect(hiddenCharacter('😀\u202e', 'display')).toEqual({ index: 2, codePoint: '202E', description: 'a bidirectional control character' });
  });
});

describe('__proto__ keys are unknown fields, never silently dropped', () => {
  test.each([
    ['under tags', 'tags:\n  __proto__: x\n  CostCenter: cc-1\n', 'tags.__proto__', /a key other than __proto__/],
    ['at the top level', '__proto__:\n  tier: L3\n', '__proto__', /one of: apiVersion/],
    ['in a contact', null, 'contacts[0].__proto__', /one of: name, email, role, phone/],
  ])('%s', (_name, extra, field, expected) => {
    const base = toYaml(l1('acme'));
    const text = extra === null ? base.replace('role: owner', 'role: owner\n    __proto__: {}') : `${base}${extra}`;
    const fx = makeFixture({ tenants: { 'acme.yaml': text } });
    try {
      const result = fx.validate();
      const found = errorsOf(result).filter((d) => d.field === field);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ code: 'unknown-field', message: 'unknown field "__proto__"', line: lineOf(text, '__proto__') });
      expect(found[0].expected).toMatch(expected as RegExp);
      expect(result.landingZone).toBeUndefined();
    } finally {
      fx.cleanup();
    }
  });
});
