import * as fs from 'fs';
import { parseYamlBytes, MAX_YAML_BYTES, firstInvalidUtf8Byte } from '../../model/yaml-source';
import { errorsOf, EXAMPLE_SETTINGS, l1, makeFixture } from '../helpers/fixture';

function firstError(bytes: Buffer | string) {
  const r = parseYamlBytes('t.yaml', Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'), 'tenant manifest');
  if (r.ok) throw new Error('expected a failure');
  return r.diagnostics[0];
}

describe('files that are not a manifest give a clear error, never a stack trace', () => {
  test.each([
    ['empty file', '', /file is empty/, 0],
    ['only comments', '# nothing here\n', /file is empty/, 0],
    ['a list', '- a\n- b\n', /document is a list/, 1],
    ['a scalar', 'just text\n', /document is the scalar "just text"/, 1],
    ['two documents', 'a: 1\n---\nb: 2\n', /holds 2 YAML documents/, 2],
    ['syntax error', 'a: [1,\nb: 2\n', /YAML syntax error/, 2],
    ['duplicate key', 'a: 1\na: 2\n', /YAML syntax error: Map keys must be unique/, 2],
    ['tab indentation', 'a:\n\tb: 1\n', /YAML syntax error/, 2],
  ])('%s', (_n, text, message, line) => {
    const d = firstError(text as string);
    expect(d.message).toMatch(message as RegExp);
    expect(d.line).toBe(line);
    expect(d.expected).toBeTruthy();
  });

  test('non-UTF-8 bytes are located', () => {
    const d = firstError(Buffer.concat([Buffer.from('id: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(d.message).toMatch(/not valid UTF-8: byte 0xe9 at offset 7/);
    expect([d.line, d.column]).toEqual([1, 8]);
  });

  test('UTF-16 is named as such', () => {
    expect(firstError(Buffer.from('\ufeffid: x\n', 'utf16le')).message).toMatch(/UTF-16/);
  });

  test('a NUL byte reads as binary', () => {
    expect(firstError(Buffer.from('id: x\n\u0000\u0001')).message).toMatch(/NUL character/);
  });

  test('huge files are refused before parsing', () => {
    const d = firstError('a: ' + 'x'.repeat(MAX_YAML_BYTES) + '\n');
    expect(d.message).toMatch(/larger than the 262144-byte limit/);
  });

  test('an alias bomb is refused', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');
    expect(firstError(bomb).message).toMatch(/cannot read document: .*alias/i);
  });

  test('a BOM is accepted', () => {
    expect(parseYamlBytes('t.yaml', Buffer.from('\ufeffa: 1\n', 'utf8'), 'x').ok).toBe(true);
  });

  test('UTF-8 checker accepts valid multi-byte text and rejects overlong and surrogate forms', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('Zürich 東京 🙂', 'utf8'))).toBe(-1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8Byte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1); // truncated
  });

  test('bad files in the tenants directory are reported with the others and do not stop validation', () => {
    const fx = makeFixture({ tenants: { 'good.yaml': l1('good'), 'empty.yaml': '', 'bad.yaml': 'a: [\n', 'notes.txt': 'hello' } });
    try {
      const r = fx.validate();
      expect(errorsOf(r).map((d) => d.file.split('/').pop())).toEqual(['bad.yaml', 'empty.yaml']);
      expect(r.diagnostics.find((d) => d.file.endsWith('notes.txt'))?.severity).toBe('warning');
    } finally {
      fx.cleanup();
    }
  });

  test('a missing tenants directory and a missing settings file are errors', () => {
    const fx = makeFixture();
    try {
      fs.rmSync(fx.tenantsDir, { recursive: true });
      fs.rmSync(fx.settingsFile);
      const messages = errorsOf(fx.validate()).map((d) => d.message);
      expect(messages).toEqual(expect.arrayContaining(['file does not exist', 'tenants directory does not exist']));
    } finally {
      fx.cleanup();
    }
  });
});

describe('landing-zone settings', () => {
  const base = fs.readFileSync(EXAMPLE_SETTINGS, 'utf8');
  test.each([
    ['home region not allowed', base.replace('home: eu-west-1', 'home: us-west-2'), 'regions.home', /home region us-west-2 is not in regions.allowed/],
    ['state region not allowed', base.replace(/state:\n  bucket: (\S+)\n  region: eu-west-1/, 'state:\n  bucket: $1\n  region: ap-south-1'), 'state.region', /state region ap-south-1/],
    ['platform is the management account', base.replace('platformAccountId: "222222222222"', 'platformAccountId: "111111111111"'), 'organization.platformAccountId', /platform account is the management account/],
    ['duplicate OU names', base.replace('tenantsL3: Tenants-L3', 'tenantsL3: tenants-l2'), 'organizationalUnits.tenantsL3', /is also used for tenantsL2/],
    ['unknown settings field', base.replace('name: kpz', 'name: kpz\nnmae: x'), 'nmae', /unknown field "nmae" \(did you mean "name"\?\)/],
    ['bad organization id', base.replace('id: o-k7pz2q9x4m', 'id: org-1'), 'organization.id', /"org-1" is not valid/],
    ['bad log retention', base.replace('logRetentionDays: 365', 'logRetentionDays: 366'), 'platform.logRetentionDays', /366/],
    ['bad state bucket name', base.replace(/bucket: \S+/, 'bucket: My_Bucket'), 'state.bucket', /"My_Bucket" is not valid/],
    ['no pipeline repository', base.replace(/\npipeline:\n  repository: \S+\n  branch: main/, ''), 'pipeline', /required field is missing/],
    ['wildcard repository', base.replace(/repository: \S+/, 'repository: keypiz/*'), 'pipeline.repository', /no wildcards/],
    ['repository without owner', base.replace(/repository: \S+/, 'repository: landing-zone'), 'pipeline.repository', /owner\/name/],
    ['wildcard branch', base.replace('branch: main', 'branch: release/*'), 'pipeline.branch', /no wildcards/],
    ['plan role is the deployment role', base.replace('plan: LandingZonePlan', 'plan: LandingZoneDeployment'), 'roles.plan', /also used for roles.deployment/],
  ])('%s', (_n, text, field, message) => {
    const fx = makeFixture({ settings: text as string, tenants: { 'good.yaml': l1('good') } });
    try {
      const found = errorsOf(fx.validate()).filter((d) => d.file.endsWith('landing-zone.yaml') && d.field === field);
      expect(found).toHaveLength(1);
      expect(`${found[0].message} expected: ${found[0].expected ?? ''}`).toMatch(message as RegExp);
      expect(found[0].line).toBeGreaterThan(0);
    } finally {
      fx.cleanup();
    }
  });

  test('settings defaults are filled in', () => {
    const minimal = base.replace(/organizationalUnits:[\s\S]*?(?=roles:)/, '').replace(/roles:[\s\S]*?(?=# The GitHub)/, '').replace('  branch: main\n', '');
    const fx = makeFixture({ settings: minimal, tenants: { 'good.yaml': l1('good') } });
    try {
      const lz = fx.validate().landingZone!;
      expect(lz.settings.pipeline.branch).toBe('main');
      expect(lz.settings.organizationalUnits).toEqual({ platform: 'Platform', tenantsL2: 'Tenants-L2', tenantsL3: 'Tenants-L3', suspended: 'Suspended' });
      expect(lz.settings.roles).toEqual({
        deployment: 'LandingZoneDeployment',
        breakGlass: 'LandingZoneBreakGlass',
        pipeline: 'LandingZonePipeline',
        pipelinePlan: 'LandingZonePipelinePlan',
        plan: 'LandingZonePlan',
        organizationAccess: 'OrganizationAccountAccessRole',
      });
    } finally {
      fx.cleanup();
    }
  });
});
