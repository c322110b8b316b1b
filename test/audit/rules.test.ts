import * as fs from 'fs';
import * as path from 'path';
import { RULE_INFO } from '../../audit/pack';
import { platformNames, tenantNames } from '../../model/names';
import { defaultOuId } from '../helpers/apply-simulator';
import { OPERATIONS_RULE_IDS } from '../helpers/operations-fixture';
import { auditBrokenCopy, auditResults, editPolicy, editState, stateResource, writeStates } from '../helpers/state-fixtures';
import { fixtureLandingZone, synthTo, tempDir } from '../helpers/synth';

/**
 * Each rule, on state documents in the real version-4 format (what applying the example
 * syntheses leaves), passes on the clean state and fails on a deliberately broken copy.
 */
const lz = fixtureLandingZone();
const result = synthTo(lz);
const clean = tempDir('lz-audit-clean-');
writeStates(lz, result, clean);
const platform = platformNames(lz.settings);
const own = (id: string) => tenantNames(lz.settings, id);
const file = (dir: string, key: string) => path.join(dir, key);

const audit = (dir: string, source: 'state' | 'desired' = 'state') => auditResults(lz, dir, source);
const broken = (edit: (dir: string) => void) => auditBrokenCopy(lz, clean, edit);

const statement = (doc: any, sid: string) => doc.Statement.find((s: any) => s.Sid === sid);

describe('audit rules on clean state', () => {
  test('every rule passes (or does not apply) for every example tenant', async () => {
    const results = await audit(clean);
    for (const [tenant, rules] of results) {
      const tier = lz.tenants.find((t) => t.manifest.id === tenant)!.manifest.tier;
      for (const info of RULE_INFO) {
        const r = rules.get(info.id)!;
        expect([tenant, info.id, r.status, r.message]).toEqual([tenant, info.id, info.tiers.includes(tier) ? 'pass' : 'not-applicable', r.message]);
        if (r.status === 'pass') expect(r.evidence.length).toBeGreaterThan(0);
      }
    }
  });

  test('and on the desired state (synthesized configuration)', async () => {
    const results = await audit(result.outdir, 'desired');
    for (const [tenant, rules] of results) for (const [id, r] of rules) expect([tenant, id, r.status === 'fail' || r.status === 'error' ? r.message : 'ok']).toEqual([tenant, id, 'ok']);
  });
});

interface Case {
  readonly rule: string;
  readonly tenant: string;
  readonly what: string;
  readonly edit: (dir: string) => void;
  readonly message: RegExp;
}

const CASES: Case[] = [
  {
    rule: 'account-ou',
    tenant: 'harbor-logistics',
    what: 'account moved to the L3 OU',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/account.tfstate'), (s) => (stateResource(s, 'aws_organizations_account').parent_id = defaultOuId('Tenants-L3'))),
    message: /in OU "Tenants-L3", expected "Tenants-L2"/,
  },
  {
    rule: 'account-ou',
    tenant: 'atlas-insurance',
    what: 'account set to close on deletion',
    edit: (d) => editState(file(d, 'tenants/atlas-insurance/account.tfstate'), (s) => (stateResource(s, 'aws_organizations_account').close_on_deletion = true)),
    message: /close_on_deletion is not false/,
  },
  {
    rule: 'data-encryption',
    tenant: 'meridian-bank',
    what: 'a table on the platform key',
    edit: (d) => editState(file(d, 'tenants/meridian-bank/tenant.tfstate'), (s) => (stateResource(s, 'aws_dynamodb_table', (a) => a.name === own('meridian-bank').itemsTable).server_side_encryption[0].kms_key_arn = 'arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000000')),
    message: /items.*is encrypted with arn:aws:kms:eu-west-1:222222222222:key\/0+.*expected the BYOK key/,
  },
  {
    rule: 'data-encryption',
    tenant: 'harbor-logistics',
    what: 'the bucket on SSE-S3',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => (stateResource(s, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id = null)),
    message: /encrypted with no customer-managed key/,
  },
  {
    rule: 'byok',
    tenant: 'meridian-bank',
    what: 'key material in state',
    edit: (d) => editState(file(d, 'tenants/meridian-bank/tenant.tfstate'), (s) => (stateResource(s, 'aws_kms_external_key').key_material_base64 = 'c2VjcmV0')),
    message: /key material is present in the state/,
  },
  {
    rule: 'byok',
    tenant: 'meridian-bank',
    what: 'material not imported although the manifest says so',
    edit: (d) => editState(file(d, 'tenants/meridian-bank/tenant.tfstate'), (s) => (stateResource(s, 'aws_kms_external_key').key_state = 'PendingImport')),
    message: /the manifest says the material is imported but the key is PendingImport/,
  },
  {
    rule: 'byok',
    tenant: 'northwind-gov',
    what: 'tables not on the customer key',
    edit: (d) => editState(file(d, 'tenants/northwind-gov/tenant.tfstate'), (s) => (stateResource(s, 'aws_dynamodb_table', (a) => a.name === own('northwind-gov').itemsTable).server_side_encryption[0].kms_key_arn = 'arn:aws:kms:eu-north-1:111111111111:key/x')),
    message: /not the customer key/,
  },
  {
    rule: 'key-rotation',
    tenant: 'harbor-logistics',
    what: 'rotation off',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => (stateResource(s, 'aws_kms_key').enable_key_rotation = false)),
    message: /does not rotate/,
  },
  {
    rule: 'key-policy',
    tenant: 'harbor-logistics',
    what: 'the data role also administers the key',
    edit: (d) =>
      editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_kms_key'), 'policy', (doc) => statement(doc, 'KeyAdministration').Principal.AWS.push(statement(doc, 'KeyUseThroughDynamodbAndS3').Principal.AWS[0])),
      ),
    message: /can both manage and use the key/,
  },
  {
    rule: 'key-policy',
    tenant: 'cedar-dental',
    what: 'the platform key delegated to the account root, outsiders no longer denied',
    edit: (d) =>
      editState(file(d, 'shared/platform.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_kms_key'), 'policy', (doc) => {
          statement(doc, 'KeyUseThroughDynamodbAndS3').Principal.AWS.push('arn:aws:iam::222222222222:root');
          doc.Statement = doc.Statement.filter((x: any) => x.Sid !== 'DenyOutsideOrganization');
        }),
      ),
    message: /delegates the key to a whole account.*no statement denies principals outside/,
  },
  {
    rule: 'table-protection',
    tenant: 'cedar-dental',
    what: 'PITR off on the pooled items table',
    edit: (d) => editState(file(d, 'shared/platform.tfstate'), (s) => (stateResource(s, 'aws_dynamodb_table', (a) => a.name === platform.itemsTable).point_in_time_recovery[0].enabled = false)),
    message: /kpz-items: point-in-time recovery is off/,
  },
  {
    rule: 'table-protection',
    tenant: 'harbor-logistics',
    what: 'deletion protection off',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => (stateResource(s, 'aws_dynamodb_table', (a) => a.name === own('harbor-logistics').usersTable).deletion_protection_enabled = false)),
    message: /users: deletion protection is off/,
  },
  {
    rule: 'bucket-hardening',
    tenant: 'harbor-logistics',
    what: 'public policies allowed, versioning suspended',
    edit: (d) =>
      editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => {
        stateResource(s, 'aws_s3_bucket_public_access_block').block_public_policy = false;
        stateResource(s, 'aws_s3_bucket_versioning').versioning_configuration[0].status = 'Suspended';
      }),
    message: /leaves block_public_policy off; versioning is Suspended/,
  },
  {
    rule: 'bucket-hardening',
    tenant: 'bluefin-analytics',
    what: 'the pooled bucket lost its TLS-only statement',
    edit: (d) => editState(file(d, 'shared/platform.tfstate'), (s) => editPolicy(stateResource(s, 'aws_s3_bucket_policy'), 'policy', (doc) => (doc.Statement = doc.Statement.filter((x: any) => x.Sid !== 'DenyInsecureTransport')))),
    message: /no bucket policy statement denies requests without TLS/,
  },
  {
    rule: 'backup-plan',
    tenant: 'atlas-insurance',
    what: 'weekly instead of the agreed schedule, shorter retention',
    edit: (d) =>
      editState(file(d, 'tenants/atlas-insurance/tenant.tfstate'), (s) => {
        const rule = stateResource(s, 'aws_backup_plan').rule[0];
        rule.schedule = 'cron(0 5 ? * MON *)';
        rule.lifecycle[0].delete_after = 30;
      }),
    message: /schedule is cron\(0 5 \? \* MON \*\), agreed cron\(30 1 \? \* SUN \*\); retention is 30 days, agreed 400/,
  },
  {
    rule: 'backup-plan',
    tenant: 'meridian-bank',
    what: 'backups to the unlocked vault',
    edit: (d) => editState(file(d, 'tenants/meridian-bank/tenant.tfstate'), (s) => (stateResource(s, 'aws_backup_plan').rule[0].target_vault_name = own('meridian-bank').backupVault)),
    message: /not the locked vault/,
  },
  {
    rule: 'bus-policies',
    tenant: 'bluefin-analytics',
    what: 'central bus open to any account',
    edit: (d) => editState(file(d, 'shared/platform.tfstate'), (s) => editPolicy(stateResource(s, 'aws_cloudwatch_event_bus_policy'), 'policy', (doc) => delete doc.Statement[0].Condition)),
    message: /allows without aws:PrincipalOrgID/,
  },
  {
    rule: 'bus-policies',
    tenant: 'harbor-logistics',
    what: 'tenant bus open to another tenant',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => editPolicy(stateResource(s, 'aws_cloudwatch_event_bus_policy'), 'policy', (doc) => (doc.Statement[0].Principal.AWS = ['arn:aws:iam::222222222222:root', 'arn:aws:iam::345678901234:root']))),
    message: /accepts events from arn:aws:iam::345678901234:root/,
  },
  {
    rule: 'event-routing',
    tenant: 'harbor-logistics',
    what: 'routing by a tenant id in detail instead of account',
    edit: (d) => editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => (stateResource(s, 'aws_cloudwatch_event_rule', (a) => a.name === own('harbor-logistics').pooledRule).event_pattern = JSON.stringify({ detail: { tenantId: ['harbor-logistics'] } }))),
    message: /routes by detail.tenantId without pinning account to the platform/,
  },
  {
    rule: 'event-routing',
    tenant: 'bluefin-analytics',
    what: "a pooled route catching another tenant's events",
    edit: (d) => editState(file(d, 'tenants/bluefin-analytics/tenant.tfstate'), (s) => (stateResource(s, 'aws_cloudwatch_event_rule').event_pattern = JSON.stringify({ source: ['saas.platform'], account: ['222222222222'], detail: { tenantId: ['cedar-dental'] } }))),
    message: /routes events of \["cedar-dental"\], not bluefin-analytics/,
  },
  {
    rule: 'data-access-trust',
    tenant: 'harbor-logistics',
    what: 'a foreign principal and no external id',
    edit: (d) =>
      editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) =>
        editPolicy(stateResource(s, 'aws_iam_role', (a) => a.name === own('harbor-logistics').dataAccessRole), 'assume_role_policy', (doc) => {
          doc.Statement[0].Principal.AWS.push('arn:aws:iam::345678901234:role/Admin');
          delete doc.Statement[0].Condition.StringEquals['sts:ExternalId'];
        }),
      ),
    message: /outside the app's session-vending roles: arn:aws:iam::345678901234:role\/Admin.*external id is not harbor-logistics/,
  },
  {
    rule: 'data-access-trust',
    tenant: 'cedar-dental',
    what: 'pooled role accepting any session tag',
    edit: (d) => editState(file(d, 'shared/platform.tfstate'), (s) => editPolicy(stateResource(s, 'aws_iam_role', (a) => a.name === platform.dataAccessRole), 'assume_role_policy', (doc) => delete doc.Statement[0].Condition['ForAllValues:StringEquals'])),
    message: /session tags are not limited to exactly TenantId/,
  },
  {
    rule: 'leading-keys',
    tenant: 'cedar-dental',
    what: 'Scan allowed and the Null guard removed',
    edit: (d) =>
      editState(file(d, 'shared/platform.tfstate'), (s) => {
        const policy = s.resources.find((r: any) => r.type === 'aws_iam_role_policy' && r.instances[0].attributes.role === platform.dataAccessRole).instances[0].attributes;
        editPolicy(policy, 'policy', (doc) => {
          statement(doc, 'TenantItemsOnly').Action.push('dynamodb:Scan');
          delete statement(doc, 'TenantItemsOnly').Condition.Null;
        });
      }),
    message: /allows dynamodb:Scan.*no Null guard/,
  },
  {
    rule: 'leading-keys',
    tenant: 'harbor-logistics',
    what: 'S3 objects of every tenant',
    edit: (d) =>
      editState(file(d, 'tenants/harbor-logistics/tenant.tfstate'), (s) => {
        const policy = s.resources.find((r: any) => r.type === 'aws_iam_role_policy' && r.instances[0].attributes.role === own('harbor-logistics').dataAccessRole).instances[0].attributes;
        editPolicy(policy, 'policy', (doc) => (statement(doc, 'TenantObjectsOnly').Resource = `${statement(doc, 'TenantPrefixListing').Resource}/*`));
      }),
    message: /reaches objects outside the tenant prefix/,
  },
  {
    rule: 'required-tags',
    tenant: 'bluefin-analytics',
    what: "another tenant's TenantId on a resource",
    edit: (d) => editState(file(d, 'tenants/bluefin-analytics/tenant.tfstate'), (s) => (stateResource(s, 'aws_sqs_queue').tags_all.TenantId = 'cedar-dental')),
    message: /aws_sqs_queue\..* lacks or misstates TenantId/,
  },
  {
    rule: 'data-migration',
    tenant: 'harbor-logistics',
    what: 'the pooled copy of its move from L1 kept past its retention',
    edit: (d) => {
      const sha = 'c'.repeat(64);
      const check = { name: 'items', match: true, source: { location: 'kpz-items', count: 5, sha256: sha }, target: { location: 'kpz-harbor-logistics-items', count: 5, sha256: sha } };
      const move = { id: 'L1-L2', kind: 'data', phase: 'switched', servedFrom: 'dedicated', from: 'pooled', to: 'dedicated', startedAt: '2030-01-01T00:00:00.000Z', switchedAt: '2030-01-01T01:00:00.000Z', retainUntil: '2030-01-31T01:00:00.000Z', attempts: 1, checks: [check] };
      fs.writeFileSync(file(d, 'tenants/harbor-logistics/migration.json'), JSON.stringify({ formatVersion: 1, tenantId: 'harbor-logistics', updatedAt: '2030-01-01T01:00:00.000Z', moves: [move] }));
    },
    message: /old copy of the move L1-L2 \(pooled\) is kept past its retention \(until 2030-01-31T01:00:00.000Z\): acknowledge it in acknowledgements.migrationCleanup/,
  },
  {
    rule: 'tier-resources',
    tenant: 'bluefin-analytics',
    what: 'a pooled tenant with a dedicated table',
    edit: (d) =>
      editState(file(d, 'tenants/bluefin-analytics/tenant.tfstate'), (s) =>
        s.resources.push({ mode: 'managed', type: 'aws_dynamodb_table', name: 'extra', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ schema_version: 1, attributes: { name: 'kpz-bluefin-analytics-items', arn: 'arn:aws:dynamodb:eu-west-1:222222222222:table/kpz-bluefin-analytics-items' } }] }),
      ),
    message: /pooled tenant has a dedicated resource aws_dynamodb_table\.extra/,
  },
  {
    rule: 'tier-resources',
    tenant: 'meridian-bank',
    what: 'an L3 tenant without its own user pool and locked vault',
    edit: (d) => editState(file(d, 'tenants/meridian-bank/tenant.tfstate'), (s) => (s.resources = s.resources.filter((r: any) => r.type !== 'aws_cognito_user_pool' && !(r.type === 'aws_backup_vault' && r.instances[0].attributes.name === own('meridian-bank').lockedBackupVault)))),
    message: /missing aws_cognito_user_pool kpz-meridian-bank-users; missing aws_backup_vault kpz-meridian-bank-vault-locked/,
  },
];

describe('each rule fails on a deliberately broken state', () => {
  test.each(CASES.map((c) => [`${c.rule}: ${c.tenant}, ${c.what}`, c] as const))('%s', async (_name, c) => {
    const results = await broken(c.edit);
    const r = results.get(c.tenant)!.get(c.rule)!;
    expect([r.status, r.message]).toEqual(['fail', expect.stringMatching(c.message)]);
    expect(r.evidence.length).toBeGreaterThan(0);
  });

  test('every rule of the pack has at least one failing case here (the operations rules in operations-rules.test.ts)', () => {
    const elsewhere: ReadonlyArray<string> = ['state-key', ...OPERATIONS_RULE_IDS];
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(RULE_INFO.map((r) => r.id).filter((id) => !elsewhere.includes(id))));
  });

  test('state-key: a stack configured to keep its state outside the tenant prefix', async () => {
    const dir = tempDir('lz-audit-desired-');
    fs.cpSync(result.outdir, dir, { recursive: true });
    const cfgFile = path.join(dir, 'stacks/tenant-cedar-dental/cdk.tf.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    cfg.terraform.backend.s3.key = 'shared/cedar.tfstate';
    fs.writeFileSync(cfgFile, JSON.stringify(cfg));
    const r = (await audit(dir, 'desired')).get('cedar-dental')!.get('state-key')!;
    expect([r.status, r.message]).toEqual(['fail', 'tenant-cedar-dental: state key shared/cedar.tfstate is outside tenants/cedar-dental/']);
  });
});
