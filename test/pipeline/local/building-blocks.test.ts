import * as fs from 'fs';
import * as path from 'path';
import { convert, StackDerivation, UNKNOWN } from '../../../pipeline/local/derive-state';
import { fakeValue } from '../../../pipeline/local/fake-values';
import { discoverProviderMirror, mirrorVersions, satisfiesConstraint, terraformPlatform } from '../../../pipeline/local/mirror';
import { ProviderSchema } from '../../../pipeline/local/provider-schema';
import { parseTemplate, parseTraversal, rewriteTraversalRoots } from '../../../terraform/template-syntax';
import { addressOfPath, blockAt, trackedStringify } from '../../../terraform/tracked-json';
import { makeWorkCopy } from '../../../pipeline/local/work-copy';
import { tempDir } from '../../helpers/synth';

/** The pieces of the offline Terraform runs that need no Terraform: templates, mirrors, work copies, derived state. */
describe('templates', () => {
  test.each([
    ['plain', [{ literal: 'plain' }]],
    ['${aws_kms_key.k.arn}', [{ expression: 'aws_kms_key.k.arn' }]],
    ['arn:aws:iam::${data.terraform_remote_state.a.outputs.account_id}:role/X', [{ literal: 'arn:aws:iam::' }, { expression: 'data.terraform_remote_state.a.outputs.account_id' }, { literal: ':role/X' }]],
    ['$${aws:PrincipalTag/TenantId}/*', [{ literal: '${aws:PrincipalTag/TenantId}/*' }]],
    ['%{ if x }y%{ endif }', [{ directive: 'if x' }, { literal: 'y' }, { directive: 'endif' }]],
  ])('%s', (text, parts) => {
    expect(parseTemplate(text)).toEqual(parts);
  });

  test('traversals: attribute, index and key steps; anything else is not a traversal', () => {
    expect(parseTraversal('aws_x.y-z[0]["k"].attr.0')).toEqual(['aws_x', 'y-z', 0, 'k', 'attr', 0]);
    expect(parseTraversal('jsonencode(local.x)')).toBeUndefined();
    expect(parseTraversal('a.b + 1')).toBeUndefined();
  });

  test('rewriting traversal roots touches interpolations only, not literals, escapes or strings', () => {
    const t = 'data.aws_x.y.id ${data.aws_x.y.id} $${data.aws_x.y.id} ${"data.aws_x.y.id"} ${data.aws_x.yz.id}';
    expect(rewriteTraversalRoots(t, 'data.aws_x.y', 'local.s')).toBe('data.aws_x.y.id ${local.s.id} $${data.aws_x.y.id} ${"data.aws_x.y.id"} ${data.aws_x.yz.id}');
  });
});

describe('tracked JSON', () => {
  test('each block is found from a byte offset inside it', () => {
    const json = { provider: { aws: [{ region: 'eu-west-1' }, { alias: 'b', region: 'é' }] }, resource: { aws_s3_bucket: { b: { bucket: 'x' } } } };
    const { text, spans } = trackedStringify(json);
    expect(JSON.parse(text)).toEqual(json);
    const at = (needle: string) => addressOfPath(blockAt(spans, Buffer.byteLength(text.slice(0, text.indexOf(needle))))!.path);
    expect(at('"bucket"')).toBe('aws_s3_bucket.b');
    expect(at('"alias"')).toBe('provider.aws[1]');
  });
});

describe('provider mirror', () => {
  test('constraints as Terraform reads them', () => {
    expect(satisfiesConstraint('5.100.0', '6.25.0')).toBe(false);
    expect(satisfiesConstraint('5.100.0', '>= 5.0, < 6.0')).toBe(true);
    expect(satisfiesConstraint('5.100.0', '~> 5.1')).toBe(true);
    expect(satisfiesConstraint('6.0.0', '~> 5.1')).toBe(false);
    expect(satisfiesConstraint('5.2.9', '~> 5.1.0')).toBe(false);
  });

  test('found through TF_CLI_CONFIG_FILE or LZ_PROVIDER_MIRROR; versions of both layouts', async () => {
    const dir = tempDir('lz-mirror-');
    try {
      const platform = terraformPlatform();
      fs.mkdirSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', platform), { recursive: true });
      fs.writeFileSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws', `terraform-provider-aws_6.25.0_${platform}.zip`), '');
      const cfg = path.join(dir, 'cli.tfrc');
      fs.writeFileSync(cfg, `provider_installation {\n  filesystem_mirror {\n    path = "${dir}"\n  }\n  direct {\n    exclude = ["*/*"]\n  }\n}\n`);
      const viaConfig = await discoverProviderMirror({ TF_CLI_CONFIG_FILE: cfg, HOME: dir });
      expect(viaConfig).toEqual({ mirror: { dirs: [dir], from: `TF_CLI_CONFIG_FILE (${cfg})` } });
      const viaVariable = await discoverProviderMirror({ LZ_PROVIDER_MIRROR: dir, HOME: dir });
      expect('mirror' in viaVariable && mirrorVersions(viaVariable.mirror, 'registry.terraform.io/hashicorp/aws')).toEqual(['6.25.0', '5.100.0']);
      expect(await discoverProviderMirror({ HOME: dir, XDG_DATA_DIRS: dir })).toEqual({ missing: expect.stringMatching(/^no provider mirror: LZ_PROVIDER_MIRROR is not set\. Set LZ_PROVIDER_MIRROR/) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('work copies and derived state', () => {
  const choice = new Map([['registry.terraform.io/hashicorp/aws', { source: 'registry.terraform.io/hashicorp/aws', required: ['6.25.0'], version: '5.100.0', relaxed: true }]]);
  const stack = {
    terraform: { backend: { s3: { bucket: 'b', key: 'k' } }, required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'], assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/D' }] }] },
    data: { aws_x_unit: { u: { name: 'n' } }, terraform_remote_state: { p: { backend: 's3', config: { key: 'shared/platform.tfstate' } } } },
    resource: { aws_y: { r: { parent: '${data.aws_x_unit.u.id}', lifecycle: { prevent_destroy: true, ignore_changes: ['a'] } } } },
    import: [{ to: 'aws_y.r', id: '1' }],
  };

  test('plan mode: no backend, relaxed version, offline provider, no prevent_destroy, stand-ins for data sources, imports moved out', () => {
    const copy = makeWorkCopy(stack, { mode: 'plan', providers: choice, remoteStatePath: () => 'remote/platform.tfstate', dataStandIns: new Map([['aws_x_unit.u', { id: 'ou-1' }]]) });
    const json = copy.json as any;
    expect(json.terraform).toEqual({ required_providers: { aws: { source: 'aws', version: '5.100.0' } } });
    expect(json.provider.aws[0]).toEqual(expect.objectContaining({ region: 'eu-west-1', skip_credentials_validation: true, skip_requesting_account_id: true, access_key: 'lz-local-plan' }));
    expect(json.provider.aws[0].assume_role).toBeUndefined();
    expect(json.provider.aws[0].allowed_account_ids).toBeUndefined();
    expect(json.resource.aws_y.r).toEqual({ parent: '${local.lzdata__aws_x_unit__u.id}', lifecycle: { ignore_changes: ['a'] } });
    expect(json.data).toEqual({ terraform_remote_state: { p: { backend: 'local', config: { path: 'remote/platform.tfstate' } } } });
    expect(json.locals).toEqual({ lzdata__aws_x_unit__u: { id: 'ou-1' } });
    expect(json.import).toBeUndefined();
    expect(copy.imports).toEqual([{ to: 'aws_y.r', block: { to: 'aws_y.r', id: '1' }, index: 0 }]);
    // The source is left as it was.
    expect(stack.terraform.backend).toBeDefined();
    expect(stack.resource.aws_y.r.lifecycle.prevent_destroy).toBe(true);
  });

  test('derived state: configured values converted to the schema type, references resolved, identities as stand-ins, other computed values empty', () => {
    const schema: ProviderSchema = {
      source: 'registry.terraform.io/hashicorp/aws',
      version: '5.100.0',
      data_source_schemas: { aws_x_unit: { version: 0, block: { attributes: { name: { type: 'string', required: true }, id: { type: 'string', computed: true } } } } },
      resource_schemas: {
        aws_y: {
          version: 2,
          block: {
            attributes: {
              id: { type: 'string', computed: true },
              arn: { type: 'string', computed: true },
              parent: { type: 'string', optional: true },
              size: { type: 'number', optional: true },
              secret: { type: 'string', optional: true, sensitive: true },
              tags_all: { type: ['map', 'string'], computed: true },
              status: { type: 'string', computed: true },
            },
            block_types: { rule: { nesting_mode: 'list', block: { attributes: { days: { type: 'number', optional: true } } } } },
          },
        },
      },
    };
    const json = { provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }] }, data: stack.data, resource: { aws_y: { r: { parent: '${data.aws_x_unit.u.id}', size: '5', secret: 's', rule: { days: '7' } }, q: { parent: 'x-${aws_y.r.arn}', size: '${jsonencode(1)}' } } } };
    const d = new StackDerivation({ stack: 'st', json, schemas: new Map([[schema.source, schema]]), remoteOutputs: () => ({}) });
    const r = d.resource('aws_y', 'r')!;
    const q = d.resource('aws_y', 'q')!;
    const attrs = r.instances[0].attributes;
    expect(r.schemaVersion).toBe(2);
    expect(attrs).toEqual(expect.objectContaining({ size: 5, secret: 's', tags_all: {}, status: null, rule: [{ days: 7 }] }));
    expect(attrs.parent).toBe((d.dataStandIn('aws_x_unit', 'u') as { id: string }).id);
    expect(attrs.arn).toMatch(/^arn:aws:[a-z-]+:eu-west-1:111111111111:/);
    expect(q.instances[0].attributes.parent).toBe(`x-${String(attrs.arn)}`);
    expect(q.instances[0].unresolved).toEqual(['size']);
    expect(r.instances[0].sensitivePaths).toEqual([[{ type: 'get_attr', value: 'secret' }]]);
    // Deterministic: the same configuration gives the same stand-ins.
    const again = new StackDerivation({ stack: 'st', json, schemas: new Map([[schema.source, schema]]), remoteOutputs: () => ({}) });
    expect(again.resource('aws_y', 'r')!.instances[0].attributes).toEqual(attrs);
    expect(convert(UNKNOWN, 'bool', () => false)).toBe(false);
  });

  test('stand-ins take the form the provider checks where a configuration passes them on', () => {
    const standIn = (resourceType: string, name: string) => fakeValue('string', { key: `st/data.${resourceType}.x/${name}`, name, resourceType, region: 'eu-west-1', account: '111111111111' }) as string;
    // An Identity Store group id becomes an SSO account assignment's principal_id (support access).
    const principalId = /^([0-9a-f]{10}-|)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
    expect(standIn('aws_identitystore_group', 'group_id')).toMatch(principalId);
    expect(standIn('aws_identitystore_user', 'user_id')).toMatch(principalId);
    expect(standIn('aws_organizations_organizational_unit', 'id')).toMatch(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
    expect(standIn('aws_kms_key', 'key_id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Elsewhere a group_id is a plain stand-in, and the same key always gives the same value.
    expect(standIn('aws_security_group', 'group_id')).toMatch(/^lz-fake-/);
    expect(standIn('aws_identitystore_group', 'group_id')).toBe(standIn('aws_identitystore_group', 'group_id'));
  });
});
