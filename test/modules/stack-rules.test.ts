import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, TerraformStack } from 'cdktf';
import { CustomerManagedKey } from '../../modules/kms/customer-managed-key';
import { keyPolicy } from '../../contract/key-policy';
import { SecureBucket } from '../../modules/secure-bucket';
import { allowDataDestruction, applyStackRules } from '../../modules/stack-rules';
import { tempDir } from '../helpers/synth';

function stackWithRules(tags: Record<string, string> | null = { ManagedBy: 'x', LandingZone: 'kpz', Stack: 's' }) {
  const app = new App({ outdir: tempDir(), stackTraces: false });
  const stack = new TerraformStack(app, 's');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1', ...(tags ? { defaultTags: [{ tags }] } : {}) });
  applyStackRules(stack);
  return { app, stack };
}

function synthJson(app: App, stack: TerraformStack) {
  app.synth();
  return JSON.parse(JSON.stringify((stack as any).toTerraform()));
}

const key = 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const policy = {
  administrators: ['arn:aws:iam::222222222222:role/admin'],
  users: [{ principals: ['arn:aws:iam::222222222222:role/app'], via: ['dynamodb'] as const }],
  organizationId: 'o-abcdefghij',
  accountId: '222222222222',
  region: 'eu-west-1',
};

describe('rules applied to every stack', () => {
  test('GIVEN data-bearing resources WHEN synthesized THEN each is protected from destroy', () => {
    const { app, stack } = stackWithRules();
    new DynamodbTable(stack, 't', { name: 't', hashKey: 'pk', attribute: [{ name: 'pk', type: 'S' }], serverSideEncryption: { enabled: true, kmsKeyArn: key } });
    new CloudwatchLogGroup(stack, 'lg', { name: 'lg', kmsKeyId: key });
    new SecureBucket(stack, 'b', { bucketName: 'bucket-name', kmsKeyArn: key });
    new CustomerManagedKey(stack, 'k', { description: 'k', alias: 'alias/k', ...policy });
    const json = synthJson(app, stack);
    for (const [type, name] of [['aws_dynamodb_table', 't'], ['aws_cloudwatch_log_group', 'lg'], ['aws_s3_bucket', 'b_bucket_9D5C6F4D'], ['aws_kms_key', 'k_key_2FD8C8C0']]) {
      const byName = json.resource[type];
      const resource = byName[name] ?? Object.values(byName)[0];
      expect([type, resource.lifecycle?.prevent_destroy]).toEqual([type, true]);
    }
    // Non-data resources are left alone.
    expect(Object.values(json.resource.aws_s3_bucket_policy)[0]).not.toHaveProperty('lifecycle');
  });

  test('GIVEN a stack marked for explicit data destruction THEN prevent_destroy is not added', () => {
    const { app, stack } = stackWithRules();
    allowDataDestruction(stack);
    new CloudwatchLogGroup(stack, 'lg', { name: 'lg', kmsKeyId: key });
    expect(synthJson(app, stack).resource.aws_cloudwatch_log_group.lg.lifecycle).toBeUndefined();
  });

  test.each([
    ['a DynamoDB table without a KMS key', (s: TerraformStack) => new DynamodbTable(s, 't', { name: 't', hashKey: 'pk', attribute: [{ name: 'pk', type: 'S' }] }), /aws_dynamodb_table must be encrypted .*server_side_encryption.kms_key_arn/],
    ['a log group without a KMS key', (s: TerraformStack) => new CloudwatchLogGroup(s, 'lg', { name: 'lg' }), /aws_cloudwatch_log_group must be encrypted/],
    ['a queue without a KMS key', (s: TerraformStack) => new SqsQueue(s, 'q', { name: 'q' }), /aws_sqs_queue must be encrypted/],
    ['a bare S3 bucket', (s: TerraformStack) => new S3Bucket(s, 'b', { bucket: 'b' }), /must be created through SecureBucket/],
  ])('GIVEN %s WHEN synthesized THEN synthesis fails naming it', (_n, make, message) => {
    const { app, stack } = stackWithRules();
    make(stack);
    expect(() => app.synth()).toThrow(message as RegExp);
  });

  test('GIVEN a provider without the common tags THEN synthesis fails', () => {
    const { app } = stackWithRules(null);
    expect(() => app.synth()).toThrow(/missing default tags ManagedBy, LandingZone, Stack/);
  });
});

describe('CustomerManagedKey and its key policy', () => {
  test('rotation on, 30-day window, alias, separated policy', () => {
    const { app, stack } = stackWithRules();
    new CustomerManagedKey(stack, 'k', { description: 'd', alias: 'alias/x', ...policy });
    const json = synthJson(app, stack);
    const k: any = Object.values(json.resource.aws_kms_key)[0];
    expect(k).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const doc = JSON.parse(k.policy);
    const admin = doc.Statement.find((s: any) => s.Sid === 'KeyAdministration');
    const use = doc.Statement.find((s: any) => s.Sid === 'KeyUseThroughDynamodb');
    expect(admin.Action).not.toContain('kms:Decrypt');
    expect(admin.Action.some((a: string) => /Encrypt|Decrypt|GenerateDataKey/.test(a))).toBe(false);
    expect(use.Action.some((a: string) => /Delete|Schedule|Put|Disable/.test(a))).toBe(false);
    expect(doc.Statement.find((s: any) => s.Sid === 'DenyOutsideOrganization').Condition.StringNotEquals['aws:PrincipalOrgID']).toBe('o-abcdefghij');
    expect(JSON.stringify(doc)).not.toMatch(/:root"/);
  });

  test('origin EXTERNAL creates a key without material', () => {
    const { app, stack } = stackWithRules();
    new CustomerManagedKey(stack, 'k', { description: 'd', alias: 'alias/x', origin: 'EXTERNAL', ...policy });
    const ext: any = Object.values(synthJson(app, stack).resource.aws_kms_external_key)[0];
    expect(ext.key_material_base64).toBeUndefined();
    expect(ext.deletion_window_in_days).toBe(30);
  });

  test.each([
    ['an alias without the alias/ prefix', { alias: 'x' }, /alias must start with "alias\/".*got x/],
    ['an AWS-reserved alias', { alias: 'alias/aws/s3' }, /not "alias\/aws\/"/],
    ['a principal that is admin and user', { users: [{ principals: policy.administrators, via: ['s3'] }] }, /cannot be both key administrator and key user/],
    ['no administrators', { administrators: [] }, /administrators must name at least one principal/],
    ['a key user without a service to use it through', { users: [{ principals: ['arn:aws:iam::222222222222:role/app'], via: [] }] }, /must name at least one service to use the key through/],
  ])('rejects %s', (_n, override, message) => {
    const { stack } = stackWithRules();
    expect(() => new CustomerManagedKey(stack, 'k', { description: 'd', alias: 'alias/ok', ...policy, ...(override as object) })).toThrow(message as RegExp);
  });

  test('key users reach the key only through their services, from the key account', () => {
    const doc = keyPolicy({ ...policy, users: [{ principals: ['arn:aws:iam::222222222222:role/data'], via: ['s3', 'dynamodb'] }, { principals: ['arn:aws:iam::222222222222:role/fn'], via: ['dynamodb'] }] });
    const uses = doc.Statement.filter((s) => s.Sid?.startsWith('KeyUse'));
    expect(uses.map((s) => [s.Sid, s.Principal, s.Condition])).toEqual([
      ['KeyUseThroughDynamodbAndS3', { AWS: ['arn:aws:iam::222222222222:role/data'] }, { StringEquals: { 'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'], 'kms:CallerAccount': '222222222222' } }],
      ['KeyUseThroughDynamodb', { AWS: ['arn:aws:iam::222222222222:role/fn'] }, { StringEquals: { 'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com'], 'kms:CallerAccount': '222222222222' } }],
      ['KeyUseGrantsForAwsResources', { AWS: ['arn:aws:iam::222222222222:role/data', 'arn:aws:iam::222222222222:role/fn'] }, { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:CallerAccount': '222222222222' } }],
    ]);
    expect(doc.Statement.filter((s) => s.Effect === 'Allow' && s.Principal !== '*' && typeof s.Principal === 'object' && s.Principal.AWS && !s.Condition && s.Sid !== 'KeyAdministration')).toEqual([]);
  });

  test('keyPolicy grants services only what they are given', () => {
    const doc = keyPolicy({ ...policy, services: [{ service: 'logs.eu-west-1.amazonaws.com', conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:222222222222:log-group:*' } } }] });
    const svc = doc.Statement.find((s) => s.Sid === 'ServiceUse0')!;
    expect(svc.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(svc.Condition).toBeDefined();
  });
});

describe('SecureBucket', () => {
  test('SSE-KMS with bucket keys, versioning, public access blocked, ownership enforced, TLS only', () => {
    const { app, stack } = stackWithRules();
    new SecureBucket(stack, 'b', { bucketName: 'my-bucket', kmsKeyArn: key, noncurrentVersionExpirationDays: 90 });
    const r = synthJson(app, stack).resource;
    const one = (t: string): any => Object.values(r[t])[0];
    expect(one('aws_s3_bucket_server_side_encryption_configuration').rule[0]).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: key }, bucket_key_enabled: true });
    expect(one('aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(one('aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one('aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    const doc = JSON.parse(one('aws_s3_bucket_policy').policy);
    expect(doc.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(one('aws_s3_bucket').force_destroy).toBe(false);
  });

  test.each([
    ['no KMS key', { kmsKeyArn: '' }, /kmsKeyArn is required/],
    ['a zero-day noncurrent expiry', { noncurrentVersionExpirationDays: 0 }, /noncurrentVersionExpirationDays must be a whole number of days >= 1; got 0/],
  ])('rejects %s', (_n, override, message) => {
    const { stack } = stackWithRules();
    expect(() => new SecureBucket(stack, 'b', { bucketName: 'b', kmsKeyArn: key, ...(override as object) })).toThrow(message as RegExp);
  });
});
