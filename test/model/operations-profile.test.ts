import { restoreTestSchedule } from '../../model/profile';
import { tenantNames } from '../../model/names';
import { exampleSettings, l1, l2, l3, profileOf } from '../helpers/fixture';

/** The operations rows of the profile table (model/profile.ts): budget, restore tests, support, residency per tier. */
const settings = exampleSettings();
const own = (id: string) => tenantNames(settings, id);
const billing = { name: 'Finance', email: 'finance@acme.example', role: 'billing' };
const owner = { name: 'Owner', email: 'owner@acme.example', role: 'owner' };
const security = { name: 'Sec', email: 'sec@acme.example', role: 'security' };
const grant = { ticket: 'CHG-1', from: '2026-12-01T08:00Z', until: '2026-12-01T20:00Z' };

describe('budget: where it lives and what it counts', () => {
  test('L1: the tenant stack in the platform account, by its TenantId tag; alerts to the billing contacts by default', () => {
    expect(profileOf(l1('acme', { contacts: [owner, billing], budget: { monthlyLimitUsd: 99 } })).budget).toEqual({
      name: own('acme').budget,
      stack: 'tenant',
      account: 'platform',
      filter: { kind: 'tag', key: 'TenantId', value: 'acme' },
      limitUsd: 99,
      alerts: [
        { thresholdPercent: 80, type: 'actual' },
        { thresholdPercent: 100, type: 'actual' },
        { thresholdPercent: 100, type: 'forecasted' },
      ],
      recipients: ['finance@acme.example'],
    });
  });

  test('L2 and L3: the account stack in the management account, on the linked account; manifest recipients and topic win', () => {
    for (const m of [l2('acme', { budget: { monthlyLimitUsd: 10, recipients: ['x@acme.example'], snsTopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' } }), l3('acme', { budget: { monthlyLimitUsd: 10, recipients: ['x@acme.example'], snsTopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' } })]) {
      expect(profileOf(m).budget).toMatchObject({ stack: 'account', account: 'management', filter: { kind: 'linked-account' }, recipients: ['x@acme.example'], snsTopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' });
    }
  });

  test('no budget in the manifest: none', () => {
    expect(profileOf(l2('acme')).budget).toBeUndefined();
  });
});

describe('restore tests', () => {
  test('L1: none of its own (the platform backs up pooled data)', () => {
    expect(profileOf(l1('acme')).restoreTesting).toBeUndefined();
  });

  test('L2 default: weekly at 05:00 UTC from the tenant vault, tables and bucket, copies kept 24 hours', () => {
    expect(profileOf(l2('acme')).restoreTesting).toEqual({
      planName: 'kpz_acme_restore_tests',
      frequency: 'weekly',
      scheduleExpression: 'cron(0 5 ? * SUN *)',
      vaultName: own('acme').backupVault,
      validationWindowHours: 24,
      selectionWindowDays: 30,
      selections: [
        { name: 'kpz_acme_dynamodb', resourceType: 'DynamoDB', resources: ['items', 'users'] },
        { name: 'kpz_acme_s3', resourceType: 'S3', resources: ['files'] },
      ],
    });
  });

  test.each([
    ['L3 with BYOK in effect: the locked vault the backups go to', l3('acme'), own('acme').lockedBackupVault],
    ['L3 with BYOK pending: the tenant vault (no locked vault yet)', l3('acme', { encryption: { byok: 'imported', keyMaterialImported: false } }), own('acme').backupVault],
  ])('%s', (_what, m, vault) => {
    const p = profileOf(m);
    expect(p.restoreTesting!.vaultName).toBe(vault);
    expect(p.restoreTesting!.vaultName).toBe(p.backup.lockedVault?.name ?? p.backup.vaultName);
  });

  test.each([
    ['daily', 3, 'cron(0 3 * * ? *)'],
    ['weekly', 0, 'cron(0 0 ? * SUN *)'],
    ['monthly', 23, 'cron(0 23 1 * ? *)'],
  ] as const)('%s at %i UTC is %s', (frequency, hour, cron) => {
    expect(restoreTestSchedule(frequency, hour)).toBe(cron);
  });

  test('only the bucket; retention shorter than 30 days bounds the selection window', () => {
    const p = profileOf(l2('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 14, restoreTesting: { resources: ['files'], keepRestoredHours: 2 } } }));
    expect(p.restoreTesting).toMatchObject({ selectionWindowDays: 14, validationWindowHours: 2, selections: [{ resourceType: 'S3', resources: ['files'] }] });
  });
});

describe('support', () => {
  test('L1: none per tenant', () => {
    expect(profileOf(l1('acme')).support).toBeUndefined();
  });

  test.each([
    ['default (platform approval)', l2('acme'), true, true, 'pattern'],
    ['none', l2('acme', { support: { breakGlass: 'none' } }), true, false, 'pattern'],
    ['read-only off', l2('acme', { support: { readOnly: false } }), false, true, 'pattern'],
    ['tenant approval without a grant', l3('acme', { support: { breakGlass: 'tenant-approval' } }), true, false, 'pattern'],
    ['tenant approval with a grant', l3('acme', { support: { breakGlass: 'tenant-approval', grant } }), true, true, 'grant'],
    ['offboarding', l2('acme', { status: 'offboarding', offboarding: { requestedOn: '2026-11-01', retentionDays: 90 } }), true, false, 'pattern'],
  ] as const)('%s: read-only %s, break-glass assigned %s', (_what, m, readOnly, assigned, ticket) => {
    const s = profileOf(m).support!;
    expect([s.readOnly, s.breakGlass.assigned, s.breakGlass.ticket.kind]).toEqual([readOnly, assigned, ticket]);
    expect(s.breakGlass.sessionHours).toBe(settings.support.breakGlassSessionHours);
  });

  test('the ticket a grant requires and the patterns otherwise', () => {
    expect(profileOf(l3('acme', { support: { breakGlass: 'tenant-approval', grant } })).support!.breakGlass.ticket).toEqual({ kind: 'grant', ...grant });
    expect(profileOf(l2('acme')).support!.breakGlass.ticket).toEqual({ kind: 'pattern', patterns: settings.support.ticketPatterns });
  });

  test('break-glass alerts: the manifest, else the security contacts, else the owner', () => {
    expect(profileOf(l2('acme', { support: { notify: ['oncall@acme.example'] } })).support!.notify).toEqual(['oncall@acme.example']);
    expect(profileOf(l2('acme', { contacts: [owner, security] })).support!.notify).toEqual(['sec@acme.example']);
    expect(profileOf(l2('acme', { contacts: [owner] })).support!.notify).toEqual(['owner@acme.example']);
  });
});

describe('residency', () => {
  test.each([
    ['L1: validated against the platform region', l1('acme', { residency: ['eu-west-1'] }), { regions: ['eu-west-1'], enforcement: 'platform-region' }],
    ['L2: an SCP on its account', l2('acme', { residency: ['eu-west-1'] }), { regions: ['eu-west-1'], enforcement: 'account-scp', policyName: own('acme').residencyScp }],
    ['L3: an SCP on its account', l3('acme', { residency: ['eu-west-1', 'eu-central-1'] }), { regions: ['eu-west-1', 'eu-central-1'], enforcement: 'account-scp', policyName: own('acme').residencyScp }],
    ['none in the manifest', l2('acme'), { enforcement: 'none' }],
  ])('%s', (_what, m, want) => {
    expect(profileOf(m).residency).toEqual(want);
  });
});
