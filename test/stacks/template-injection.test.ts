import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { stringify } from 'yaml';
import { escapeTerraformTemplate, unescapeTerraformTemplate } from '../../terraform/template';
import { errorsOf, EXAMPLE_SETTINGS, l1, l2, l3, makeFixture } from '../helpers/fixture';
import { resources, stackJson, synthTo, tempDir, TfJson } from '../helpers/synth';

/**
 * Terraform template injection (issue 16, item 12): manifest and settings text reaches the
 * synthesized Terraform JSON, where every string is a template. Every free-text field here
 * carries template syntax that Terraform would evaluate if it were not escaped: a reference to
 * an undeclared variable (which `terraform validate` refuses), a directive, and text that is
 * already an escape (which must survive as written).
 */
const INJECTION = '${var.undeclared_injection}';
const DIRECTIVE = '%{ if true }x%{ endif }';
const LITERAL_ESCAPE = '$${kept} %%{kept}';
const text = (what: string) => `${what} ${INJECTION} ${DIRECTIVE} ${LITERAL_ESCAPE}`;
/** E-mail local parts allow `$`, `{`, `}` and `%` (no spaces). */
const email = (who: string) => `${who}\${var.undeclared_injection}%{x}@acme.example`;

const FIELDS = {
  displayName: text('Acme'),
  contactName: text('Jane'),
  ownerEmail: email('o'),
  accountEmail: email('aws'),
  offboardingReason: text('Contract ended'),
  destructionReason: text('Retention period over'),
  ouName: text('Tenants-L2'),
  alarmEmail: email('oncall'),
} as const;

const settings = fs
  .readFileSync(EXAMPLE_SETTINGS, 'utf8')
  .replace('tenantsL2: Tenants-L2', () => `tenantsL2: ${JSON.stringify(FIELDS.ouName)}`)
  .replace(/alarmEmail: .*/, () => `alarmEmail: ${JSON.stringify(FIELDS.alarmEmail)}`);
const contacts = (id: string) => [
  { name: FIELDS.contactName, email: FIELDS.ownerEmail.replace('@acme', `@${id}`), role: 'owner' },
  { name: FIELDS.contactName, email: `ops@${id}.example`, role: 'operations' },
];
const fx = makeFixture({
  settings,
  tenants: {
    'pooled.yaml': l1('pooled', {
      displayName: FIELDS.displayName,
      contacts: contacts('pooled'),
      status: 'offboarding',
      offboarding: { requestedOn: '2026-01-10', retentionDays: 90, reason: FIELDS.offboardingReason },
      acknowledgements: { dataDestruction: { reason: FIELDS.destructionReason, approvedBy: ['@acme/owners'] } },
    }),
    'dedicated.yaml': l2('dedicated', { displayName: FIELDS.displayName, contacts: contacts('dedicated'), account: { email: FIELDS.accountEmail } }),
    'own-app.yaml': l3('own-app', { displayName: FIELDS.displayName, contacts: contacts('own-app') }),
  },
});
afterAll(() => fx.cleanup());
const validation = fx.validate();
const result = synthTo(validation.landingZone!);
const files = new Map(result.stacks.map((s) => [s.spec.name, fs.readFileSync(path.join(result.outdir, s.file), 'utf8')]));

/** Every string in a synthesized configuration, object keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, strings(k, out));
  return out;
}

describe('template syntax in manifest and settings text reaches AWS literally', () => {
  test('the manifests are valid: template syntax is legitimate text', () => {
    expect(errorsOf(validation)).toEqual([]);
  });

  test('no stack holds an unescaped interpolation or directive from the input', () => {
    for (const [name, json] of files) {
      for (const s of strings(JSON.parse(json))) {
        expect([name, /(?<!\$)\$\{var\.undeclared_injection/.test(s), /(?<!%)%\{ ?(if|endif|x)/.test(s)]).toEqual([name, false, false]);
      }
    }
  });

  test('each field is written escaped where it is synthesized, and unescapes to exactly the input', () => {
    const where: Array<[string, string]> = [
      ['organization', FIELDS.ouName],
      ['platform', FIELDS.alarmEmail],
      ['account-dedicated', FIELDS.accountEmail],
      ['tenant-pooled', FIELDS.displayName],
      ['tenant-pooled', FIELDS.offboardingReason],
      ['tenant-pooled', FIELDS.ownerEmail.replace('@acme', '@pooled')],
      ['tenant-dedicated', FIELDS.displayName],
      ['tenant-own-app', FIELDS.ownerEmail.replace('@acme', '@own-app')],
    ];
    for (const [stack, value] of where) {
      const found = strings(JSON.parse(files.get(stack)!)).filter((s) => s.includes(escapeTerraformTemplate(value)));
      expect([stack, value, found.length > 0]).toEqual([stack, value, true]);
      for (const s of found) expect(unescapeTerraformTemplate(s)).toContain(value);
    }
  });

  test('the registry entry round-trips: Terraform hands DynamoDB the display name and reason as written', () => {
    const items = Object.values(resources(stackJson(result, 'tenant-pooled'), 'aws_dynamodb_table_item')) as TfJson[];
    const entry = unmarshall(JSON.parse(unescapeTerraformTemplate(items[0].item)));
    expect(entry.displayName).toBe(FIELDS.displayName);
    expect(entry.offboarding.reason).toBe(FIELDS.offboardingReason);
  });

  test('IAM policy variables stay policy variables and references stay references', () => {
    const platform = files.get('platform')!;
    expect(platform).toContain('$${aws:PrincipalTag/TenantId}');
    expect(platform).not.toMatch(/(?<!\$)\$\{aws:/);
    // A reference CDKTF resolved (the role of the data-access role policy) is not escaped.
    expect(platform).toMatch(/"role": "\$\{aws_iam_role\.[^}]+\.name\}"/);
  });
});

/**
 * Real `terraform validate` over every synthesized stack, each a child module of one temporary
 * root module (one provider load for all). The provider comes from a filesystem mirror
 * (LZ_PROVIDER_MIRROR: the folder holding registry.terraform.io/hashicorp/aws/<version>); the
 * copies ask for the version the mirror has, the synthesized files stay as they are.
 */
const mirror = process.env.LZ_PROVIDER_MIRROR;
const awsVersions = mirror ? (fs.existsSync(path.join(mirror, 'registry.terraform.io/hashicorp/aws')) ? fs.readdirSync(path.join(mirror, 'registry.terraform.io/hashicorp/aws')) : []) : [];
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const skipReason = !terraform
  ? 'no terraform binary on PATH'
  : !mirror
    ? 'LZ_PROVIDER_MIRROR is not set (a filesystem mirror of hashicorp/aws, e.g. the folder holding registry.terraform.io/)'
    : awsVersions.length === 0
      ? `LZ_PROVIDER_MIRROR=${mirror} holds no registry.terraform.io/hashicorp/aws/<version>`
      : undefined;
if (skipReason) console.warn(`template-injection: skipping terraform validate: ${skipReason}`);

(skipReason ? describe.skip : describe)('terraform validate', () => {
  const version = awsVersions.sort().at(-1)!;
  /** A temporary directory with a CLI configuration that installs hashicorp/aws from the mirror only. */
  function workspace(prefix: string) {
    const root = tempDir(prefix);
    const cli = path.join(root, '.terraformrc');
    fs.writeFileSync(cli, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    delete env.TF_PLUGIN_CACHE_DIR;
    const run = (...args: string[]) => spawnSync('terraform', args, { cwd: root, env, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    return { root, run };
  }
  /** A copy of a synthesized configuration that asks for the mirror's provider version. */
  const withMirrorVersion = (json: string): string => {
    const config = JSON.parse(json) as TfJson;
    if (config.terraform?.required_providers?.aws) config.terraform.required_providers.aws.version = version;
    return JSON.stringify(config);
  };
  const validate = (run: ReturnType<typeof workspace>['run']) => {
    const init = run('init', '-backend=false', '-input=false', '-no-color');
    expect([init.status, init.stderr]).toEqual([0, '']);
    return JSON.parse(run('validate', '-json', '-no-color').stdout) as { valid: boolean; diagnostics: Array<{ severity: string; summary: string }> };
  };

  test('sees no interpolation in any stack', () => {
    const { root, run } = workspace('lz-tf-validate-');
    const modules: Record<string, { source: string }> = {};
    for (const [name, json] of files) {
      fs.mkdirSync(path.join(root, name));
      fs.writeFileSync(path.join(root, name, 'cdk.tf.json'), withMirrorVersion(json));
      modules[name] = { source: `./${name}` };
    }
    fs.writeFileSync(path.join(root, 'main.tf.json'), JSON.stringify({ module: modules, terraform: { required_providers: { aws: { source: 'aws', version } } } }));
    const report = validate(run);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.valid).toBe(true);
  });

  test('and refuses the same input unescaped (the check can fail)', () => {
    const { root, run } = workspace('lz-tf-validate-neg-');
    fs.writeFileSync(path.join(root, 'cdk.tf.json'), unescapeTerraformTemplate(withMirrorVersion(files.get('organization')!)));
    const report = validate(run);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => d.summary)).toContain('Reference to undeclared input variable');
  });
});

describe('manifest text cannot smuggle a synthesizer reference', () => {
  test('a CDKTF token marker in a display name is a located error', () => {
    const fx2 = makeFixture({ tenants: { 'acme.yaml': l1('acme', { displayName: 'Acme ${TfToken[TOKEN.1]}' }) } });
    try {
      const found = errorsOf(fx2.validate()).filter((d) => d.code === 'reserved-sequence');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ field: 'displayName', line: stringify(l1('acme', { displayName: 'x' }), { lineWidth: 0 }).split('\n').findIndex((l) => l.startsWith('displayName')) + 1 });
    } finally {
      fx2.cleanup();
    }
  });
});
