import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { generatedSchemaFiles, tenantJsonSchema, settingsJsonSchema } from '../../model/json-schema';
import { EXAMPLE_SETTINGS, FIXTURE_TENANTS, l1, l2, l3, REPO_ROOT } from '../helpers/fixture';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateTenant = ajv.compile(tenantJsonSchema());

describe('editor JSON Schemas generated from the zod schemas', () => {
  test('the committed schema files are up to date (run `npm run schema`)', () => {
    for (const [file, content] of Object.entries(generatedSchemaFiles())) {
      expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).toBe(content);
    }
  });

  test('every fixture manifest and the settings file pass the editor schema', () => {
    for (const f of fs.readdirSync(FIXTURE_TENANTS).filter((f) => f.endsWith('.yaml'))) {
      const ok = validateTenant(parse(fs.readFileSync(path.join(FIXTURE_TENANTS, f), 'utf8')));
      expect([f, ok, validateTenant.errors]).toEqual([f, true, null]);
    }
    expect(ajv.validate(settingsJsonSchema(), parse(fs.readFileSync(EXAMPLE_SETTINGS, 'utf8')))).toBe(true);
  });

  test('every fixture manifest points editors at the committed tenant schema', () => {
    for (const f of fs.readdirSync(FIXTURE_TENANTS).filter((f) => f.endsWith('.yaml'))) {
      const first = fs.readFileSync(path.join(FIXTURE_TENANTS, f), 'utf8').split('\n')[0];
      const schema = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
      expect([f, schema && path.resolve(FIXTURE_TENANTS, schema)]).toEqual([f, path.join(REPO_ROOT, 'tenants', 'tenant.schema.json')]);
    }
  });

  test.each([
    ['L1 with backup', l1('acme', { backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 } })],
    ['L2 without account', (() => { const m = l2('acme'); delete m.account; return m; })()],
    ['L3 without encryption', (() => { const m = l3('acme'); delete m.encryption; return m; })()],
    ['offboarding without details', l1('acme', { status: 'offboarding' })],
    ['unknown field', l1('acme', { tagz: {} })],
  ])('the tier and status rules reach the editor schema: %s is rejected', (_n, manifest) => {
    expect(validateTenant(manifest)).toBe(false);
  });
});
