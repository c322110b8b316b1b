import { formatDiagnostic } from '../../model/diagnostics';
import { errorsOf, l1, l2, l3, lineOf, makeFixture, Manifest, toYaml } from '../helpers/fixture';

/**
 * One bad manifest per validation rule. Each case names the file, the rule code, the field
 * path, the line (found by a needle in the file text) and a fragment of the message, and
 * checks that the rest of the set stays clean: a rule that fires, and fires only there.
 */
interface Case {
  readonly name: string;
  readonly files: Record<string, Manifest | string>;
  readonly file: string;
  readonly code: string;
  readonly field: string;
  /** Text on the reported line; omitted for whole-file problems (line 0). */
  readonly needle?: string;
  readonly message: RegExp;
  readonly expected?: RegExp;
  readonly severity?: 'error' | 'warning';
}

const settingsAccounts = { management: '111111111111', platform: '222222222222' };

const CASES: Case[] = [
  // --- schema: types, formats, ranges ---
  { name: 'unknown field (typo) with a suggestion', files: { 'acme.yaml': l1('acme', { tagz: { a: 'b' } }) }, file: 'acme.yaml', code: 'unknown-field', field: 'tagz', needle: 'tagz:', message: /unknown field "tagz" \(did you mean "tags"\?\)/, expected: /one of: .*tags/ },
  { name: 'unknown nested field', files: { 'acme.yaml': l2('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 35, retention: 3 } }) }, file: 'acme.yaml', code: 'unknown-field', field: 'backup.retention', needle: 'retention: 3', message: /unknown field "retention"/, expected: /retentionDays/ },
  { name: 'missing required field', files: { 'acme.yaml': (() => { const m = l1('acme'); delete m.displayName; return m; })() }, file: 'acme.yaml', code: 'missing-field', field: 'displayName', needle: 'apiVersion', message: /required field is missing/ },
  { name: 'tier not in the enum', files: { 'acme.yaml': l1('acme', { tier: 'L4' }) }, file: 'acme.yaml', code: 'schema', field: 'tier', needle: 'tier: L4', message: /"L4" is not allowed/, expected: /"L1", "L2", "L3"/ },
  { name: 'id with uppercase letters', files: { 'Acme.yaml': l1('Acme') }, file: 'Acme.yaml', code: 'schema', field: 'id', needle: 'id: Acme', message: /"Acme" is not valid/, expected: /lowercase letters/ },
  { name: 'id longer than 20 characters', files: { 'abcdefghijklmnopqrstu.yaml': l1('abcdefghijklmnopqrstu') }, file: 'abcdefghijklmnopqrstu.yaml', code: 'schema', field: 'id', needle: 'id: abc', message: /too long/, expected: /at most 20 characters/ },
  { name: 'reserved id', files: { 'platform.yaml': l1('platform') }, file: 'platform.yaml', code: 'schema', field: 'id', needle: 'id: platform', message: /"platform" is not valid/, expected: /not reserved/ },
  { name: 'wrong apiVersion', files: { 'acme.yaml': l1('acme', { apiVersion: 'lz/v2' }) }, file: 'acme.yaml', code: 'schema', field: 'apiVersion', needle: 'apiVersion', message: /"lz\/v2" is not allowed/, expected: /lz\/v1/ },
  { name: 'wrong kind', files: { 'acme.yaml': l1('acme', { kind: 'Tenants' }) }, file: 'acme.yaml', code: 'schema', field: 'kind', needle: 'kind:', message: /"Tenants" is not allowed/, expected: /Tenant/ },
  { name: 'malformed contact e-mail', files: { 'acme.yaml': l1('acme', { contacts: [{ name: 'A', email: 'not-an-email', role: 'owner' }] }) }, file: 'acme.yaml', code: 'schema', field: 'contacts[0].email', needle: 'not-an-email', message: /"not-an-email" is not valid/, expected: /e-mail address/ },
  { name: 'malformed account e-mail', files: { 'acme.yaml': l2('acme', { account: { email: 'aws@@example.com' } }) }, file: 'acme.yaml', code: 'schema', field: 'account.email', needle: 'aws@@', message: /is not valid/, expected: /e-mail/ },
  { name: 'no contacts', files: { 'acme.yaml': l1('acme', { contacts: [] }) }, file: 'acme.yaml', code: 'schema', field: 'contacts', needle: 'contacts', message: /too short/, expected: /at least one contact/ },
  { name: 'bad contact role', files: { 'acme.yaml': l1('acme', { contacts: [{ name: 'A', email: 'a@b.example', role: 'boss' }] }) }, file: 'acme.yaml', code: 'schema', field: 'contacts[0].role', needle: 'role: boss', message: /"boss" is not allowed/, expected: /"owner"/ },
  { name: 'bad phone number', files: { 'acme.yaml': l1('acme', { contacts: [{ name: 'A', email: 'a@b.example', role: 'owner', phone: '0800 123' }] }) }, file: 'acme.yaml', code: 'schema', field: 'contacts[0].phone', needle: 'phone', message: /is not valid/, expected: /E\.164/ },
  { name: 'account id read as a number (unquoted)', files: { 'acme.yaml': toYaml(l2('acme')).replace('account:\n', 'account:\n  id: 012345678901\n') }, file: 'acme.yaml', code: 'schema', field: 'account.id', needle: 'id: 012345678901', message: /is a number, not a string.*quotes/, expected: /12-digit/ },
  { name: 'account id with 11 digits', files: { 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: '12345678901' } }) }, file: 'acme.yaml', code: 'schema', field: 'account.id', needle: '12345678901', message: /is not valid/, expected: /12-digit/ },
  { name: 'malformed region', files: { 'acme.yaml': l1('acme', { homeRegion: 'europe' }) }, file: 'acme.yaml', code: 'schema', field: 'homeRegion', needle: 'homeRegion', message: /"europe" is not valid/, expected: /region code/ },
  { name: 'cron with five fields', files: { 'acme.yaml': l2('acme', { backup: { schedule: 'cron(0 3 * * ?)', retentionDays: 35 } }) }, file: 'acme.yaml', code: 'schema', field: 'backup.schedule', needle: 'schedule', message: /is not valid/, expected: /six fields/ },
  { name: 'cron without a "?" day field', files: { 'acme.yaml': l2('acme', { backup: { schedule: 'cron(0 3 * * * *)', retentionDays: 35 } }) }, file: 'acme.yaml', code: 'schema', field: 'backup.schedule', needle: 'schedule', message: /is not valid/, expected: /exactly one of day-of-month/ },
  { name: 'backup retention too short', files: { 'acme.yaml': l2('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 3 } }) }, file: 'acme.yaml', code: 'schema', field: 'backup.retentionDays', needle: 'retentionDays: 3', message: /3 is too small/, expected: /at least 7 days/ },
  { name: 'cold storage without the 90 days AWS requires', files: { 'acme.yaml': l2('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 100, coldStorageAfterDays: 30 } }) }, file: 'acme.yaml', code: 'schema', field: 'backup.retentionDays', needle: 'retentionDays: 100', message: /less than coldStorageAfterDays \+ 90 \(120\)/, expected: /at least 120/ },
  { name: 'customer-key without keyArn', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'customer-key' } }) }, file: 'acme.yaml', code: 'schema', field: 'encryption.keyArn', needle: 'byok: customer-key', message: /keyArn is missing/ },
  { name: 'keyArn with byok imported', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'imported', keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }) }, file: 'acme.yaml', code: 'schema', field: 'encryption.keyArn', needle: 'keyArn', message: /keyArn applies to byok: customer-key only/ },
  { name: 'keyMaterialImported with customer-key', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'customer-key', keyMaterialImported: true, keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }) }, file: 'acme.yaml', code: 'schema', field: 'encryption.keyMaterialImported', needle: 'keyMaterialImported', message: /applies to byok: imported only/ },
  { name: 'key alias instead of key ARN', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:987654321098:alias/mine' } }) }, file: 'acme.yaml', code: 'schema', field: 'encryption.keyArn', needle: 'keyArn', message: /is not valid/, expected: /not an alias/ },
  { name: 'bad approver handle', files: { 'acme.yaml': l3('acme', { changeApprovers: ['jane'] }) }, file: 'acme.yaml', code: 'schema', field: 'changeApprovers[0]', needle: '- jane', message: /"jane" is not valid/, expected: /GitHub user/ },
  { name: 'app version with a leading v', files: { 'acme.yaml': l3('acme', { appVersion: 'v3.1.0' }) }, file: 'acme.yaml', code: 'schema', field: 'appVersion', needle: 'appVersion', message: /is not valid/, expected: /semantic version/ },
  { name: 'tag key with the aws: prefix', files: { 'acme.yaml': l1('acme', { tags: { 'aws:owner': 'x' } }) }, file: 'acme.yaml', code: 'schema', field: 'tags.aws:owner', needle: 'aws:owner', message: /key "aws:owner" is not valid/, expected: /"aws:"/ },
  { name: 'tag value that is a number', files: { 'acme.yaml': l1('acme', { tags: { CostCenter: 1234 } }) }, file: 'acme.yaml', code: 'schema', field: 'tags.CostCenter', needle: 'CostCenter', message: /1234 is a number, not a string/, expected: /quote/ },
  { name: 'offboarding retention under 30 days', files: { 'acme.yaml': l1('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-11-01', retentionDays: 7 } }) }, file: 'acme.yaml', code: 'schema', field: 'offboarding.retentionDays', needle: 'retentionDays: 7', message: /too small/, expected: /at least 30 days/ },
  { name: 'impossible calendar date', files: { 'acme.yaml': l1('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-02-30', retentionDays: 90 } }) }, file: 'acme.yaml', code: 'schema', field: 'offboarding.requestedOn', needle: 'requestedOn', message: /"2026-02-30" is not valid/, expected: /real calendar date/ },
  { name: 'display name with a control character', files: { 'acme.yaml': l1('acme', { displayName: 'Acme\u0007Corp' }) }, file: 'acme.yaml', code: 'hidden-character', field: 'displayName', needle: 'displayName', message: /a display name contains a control character \(U\+0007\)/, expected: /without control characters/ },
  { name: 'unknown status', files: { 'acme.yaml': l1('acme', { status: 'deleted' }) }, file: 'acme.yaml', code: 'schema', field: 'status', needle: 'status', message: /"deleted" is not allowed/, expected: /"offboarding"/ },

  // --- rules over one manifest ---
  { name: 'file name does not match the id', files: { 'acme.yaml': l1('acme-corp') }, file: 'acme.yaml', code: 'file-name', field: 'id', needle: 'id: acme-corp', message: /does not match the file name/, expected: /acme-corp\.yaml/ },
  { name: 'L1 with an account section', files: { 'acme.yaml': l1('acme', { account: { email: 'aws+acme@saas.example' } }) }, file: 'acme.yaml', code: 'tier-field', field: 'account', needle: 'account:', message: /not allowed for tier L1/ },
  { name: 'L1 with a backup section', files: { 'acme.yaml': l1('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 } }) }, file: 'acme.yaml', code: 'tier-field', field: 'backup', needle: 'backup:', message: /not allowed for tier L1.*platform daily backup/ },
  { name: 'L2 without an account', files: { 'acme.yaml': (() => { const m = l2('acme'); delete m.account; return m; })() }, file: 'acme.yaml', code: 'tier-field', field: 'account', needle: 'tier: L2', message: /tier L2 requires field "account"/ },
  { name: 'L2 with an app version pin', files: { 'acme.yaml': l2('acme', { appVersion: '1.2.3' }) }, file: 'acme.yaml', code: 'tier-field', field: 'appVersion', needle: 'appVersion', message: /not allowed for tier L2/ },
  { name: 'L2 with BYOK', files: { 'acme.yaml': l2('acme', { encryption: { byok: 'imported' } }) }, file: 'acme.yaml', code: 'tier-field', field: 'encryption', needle: 'encryption:', message: /not allowed for tier L2/ },
  { name: 'L3 without encryption (BYOK)', files: { 'acme.yaml': (() => { const m = l3('acme'); delete m.encryption; return m; })() }, file: 'acme.yaml', code: 'tier-field', field: 'encryption', needle: 'tier: L3', message: /tier L3 requires field "encryption"/, expected: /BYOK/ },
  { name: 'L3 without change approvers', files: { 'acme.yaml': (() => { const m = l3('acme'); delete m.changeApprovers; return m; })() }, file: 'acme.yaml', code: 'tier-field', field: 'changeApprovers', needle: 'tier: L3', message: /requires field "changeApprovers"/ },
  { name: 'offboarding status without details', files: { 'acme.yaml': l1('acme', { status: 'offboarding' }) }, file: 'acme.yaml', code: 'status', field: 'offboarding', needle: 'status: offboarding', message: /requires an offboarding section/ },
  { name: 'offboarding details on an active tenant', files: { 'acme.yaml': l1('acme', { offboarding: { requestedOn: '2026-11-01', retentionDays: 90 } }) }, file: 'acme.yaml', code: 'status', field: 'offboarding', needle: 'offboarding:', message: /only valid with status: offboarding/ },
  { name: 'data destruction acknowledged for an active tenant', files: { 'acme.yaml': l1('acme', { acknowledgements: { dataDestruction: { reason: 'contract ended two years ago', approvedBy: ['@acme/owners'] } } }) }, file: 'acme.yaml', code: 'data-destruction', field: 'acknowledgements.dataDestruction', needle: 'dataDestruction', message: /only be acknowledged for an offboarding tenant/ },
  { name: 'data destruction without approvers', files: { 'acme.yaml': l1('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-01-01', retentionDays: 30 }, acknowledgements: { dataDestruction: { reason: 'contract ended two years ago', approvedBy: [] } } }) }, file: 'acme.yaml', code: 'schema', field: 'acknowledgements.dataDestruction.approvedBy', needle: 'approvedBy', message: /too short/, expected: /at least one approver/ },
  { name: 'reserved tag key', files: { 'acme.yaml': l1('acme', { tags: { TenantId: 'other' } }) }, file: 'acme.yaml', code: 'reserved-tag', field: 'tags.TenantId', needle: 'TenantId', message: /set by the landing zone/ },
  { name: 'region outside the allow-list', files: { 'acme.yaml': l2('acme', { homeRegion: 'ap-south-1' }) }, file: 'acme.yaml', code: 'region', field: 'homeRegion', needle: 'homeRegion', message: /ap-south-1 is not in the landing-zone allow-list/, expected: /eu-west-1/ },
  { name: 'L1 outside the platform home region', files: { 'acme.yaml': l1('acme', { homeRegion: 'eu-central-1' }) }, file: 'acme.yaml', code: 'region', field: 'homeRegion', needle: 'homeRegion', message: /pooled tables of the platform home region/, expected: /homeRegion: eu-west-1/ },
  { name: 'adopting the platform account', files: { 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: settingsAccounts.platform } }) }, file: 'acme.yaml', code: 'account-id', field: 'account.id', needle: settingsAccounts.platform, message: /is the platform account/ },
  { name: 'adopting the management account', files: { 'acme.yaml': l2('acme', { account: { email: 'aws+acme@saas.example', id: settingsAccounts.management } }) }, file: 'acme.yaml', code: 'account-id', field: 'account.id', needle: settingsAccounts.management, message: /is the management account/ },
  { name: 'BYOK key in another region', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:us-east-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }) }, file: 'acme.yaml', code: 'byok-key', field: 'encryption.keyArn', needle: 'keyArn', message: /key is in us-east-1 but the tenant data is in eu-west-1/ },
  { name: 'BYOK key owned by the platform', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'customer-key', keyArn: `arn:aws:kms:eu-west-1:${settingsAccounts.platform}:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12` } }) }, file: 'acme.yaml', code: 'byok-key', field: 'encryption.keyArn', needle: 'keyArn', message: /belongs to the platform account/ },
  { name: 'BYOK key in the tenant account itself', files: { 'acme.yaml': l3('acme', { account: { email: 'aws+acme@saas.example', id: '987654321098' }, encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }) }, file: 'acme.yaml', code: 'byok-key', field: 'encryption.keyArn', needle: 'keyArn', message: /tenant account the landing zone manages/ },
  { name: 'imported key material pending (warning)', files: { 'acme.yaml': l3('acme', { encryption: { byok: 'imported', keyMaterialImported: false } }) }, file: 'acme.yaml', code: 'byok-pending', field: 'encryption.keyMaterialImported', needle: 'keyMaterialImported', message: /held back/, severity: 'warning' },

  // --- across manifests ---
  { name: 'duplicate id (.yaml and .yml)', files: { 'acme.yaml': l1('acme'), 'acme.yml': l1('acme', { contacts: [{ name: 'B', email: 'b@acme.example', role: 'owner' }] }) }, file: 'acme.yml', code: 'duplicate-id', field: 'id', needle: 'id: acme', message: /tenant id "acme" is also used in .*acme\.yaml:3/ },
  { name: 'duplicate account e-mail, case-insensitive', files: { 'aaa.yaml': l2('aaa', { account: { email: 'AWS+Shared@saas.example' } }), 'bbb.yaml': l2('bbb', { account: { email: 'aws+shared@saas.example' } }) }, file: 'bbb.yaml', code: 'duplicate-email', field: 'account.email', needle: 'aws+shared', message: /account e-mail .* is also used in .*aaa\.yaml/ },
  { name: 'duplicate adopted account id', files: { 'aaa.yaml': l2('aaa', { account: { email: 'aws+aaa@saas.example', id: '333333333333' } }), 'bbb.yaml': l2('bbb', { account: { email: 'aws+bbb@saas.example', id: '333333333333' } }) }, file: 'aaa.yaml', code: 'duplicate-account', field: 'account.id', needle: '333333333333', message: /is also used in .*bbb\.yaml/ },
  { name: 'two tenants on one BYOK key', files: { 'aaa.yaml': l3('aaa', { encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }), 'bbb.yaml': l3('bbb', { encryption: { byok: 'customer-key', keyArn: 'arn:aws:kms:eu-west-1:987654321098:key/4f1c2a7e-9b3d-4e6a-8c21-5d0f7a9b3e12' } }) }, file: 'bbb.yaml', code: 'duplicate-key', field: 'encryption.keyArn', needle: 'keyArn', message: /BYOK key ARN .* is also used/ },
];

describe('tenant manifest validation: one bad manifest per rule', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fx = makeFixture({ tenants: { 'good.yaml': l2('good', { account: { email: 'aws+good@other.example' } }), ...c.files } });
    try {
      const result = fx.validate();
      const text = typeof c.files[c.file] === 'string' ? (c.files[c.file] as string) : toYaml(c.files[c.file] as Manifest);
      const found = result.diagnostics.filter((d) => d.code === c.code && d.field === c.field && d.file.endsWith(c.file));
      expect(found.map(formatDiagnostic)).toHaveLength(1);
      const d = found[0];
      expect(d.severity).toBe(c.severity ?? 'error');
      expect(d.message).toMatch(c.message);
      if (c.expected) expect(d.expected).toMatch(c.expected);
      if (c.needle) {
        expect(d.line).toBe(lineOf(text, c.needle));
        expect(d.column).toBeGreaterThan(0);
      }
      // The good manifest next to it stays clean.
      expect(result.diagnostics.filter((x) => x.file.endsWith('good.yaml'))).toEqual([]);
      if ((c.severity ?? 'error') === 'error') expect(result.landingZone).toBeUndefined();
      else expect(result.landingZone).toBeDefined();
    } finally {
      fx.cleanup();
    }
  });

  test('the example manifests are valid', () => {
    const fx = makeFixture();
    try {
      for (const m of [l1('alpha'), l2('bravo'), l3('charlie')]) fx.write(`${m.id}.yaml`, m);
      const result = fx.validate();
      expect(errorsOf(result)).toEqual([]);
      expect(result.landingZone?.tenants.map((t) => t.manifest.id)).toEqual(['alpha', 'bravo', 'charlie']);
      expect(result.landingZone?.tenants[0].manifest.status).toBe('active');
    } finally {
      fx.cleanup();
    }
  });

  test('five mistakes in one manifest give five located messages', () => {
    const text = [
      'apiVersion: lz/v1',
      'kind: Tenant',
      'id: acme',
      'displayName: Acme',
      'tier: L4',
      'homeRegion: eu-west-1',
      'contacts:',
      '  - name: A',
      '    email: not-an-email',
      '    role: owner',
      'tagz: {}',
      'status: gone',
      'appVersion: "1"',
      '',
    ].join('\n');
    const fx = makeFixture({ tenants: { 'acme.yaml': text } });
    try {
      const errors = errorsOf(fx.validate());
      expect(errors.map((e) => [e.field, e.line])).toEqual([
        ['tier', 5],
        ['contacts[0].email', 9],
        ['tagz', 11],
        ['status', 12],
        ['appVersion', 13],
      ]);
    } finally {
      fx.cleanup();
    }
  });

  test('rules still run when another field of the same file fails the schema', () => {
    const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme', { displayName: 42, backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 }, homeRegion: 'us-east-1' }) } });
    try {
      const codes = errorsOf(fx.validate()).map((e) => `${e.code}:${e.field}`);
      expect(codes).toEqual(expect.arrayContaining(['schema:displayName', 'tier-field:backup', 'region:homeRegion']));
    } finally {
      fx.cleanup();
    }
  });
});
