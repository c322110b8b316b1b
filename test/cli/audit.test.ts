import * as fs from 'fs';
import * as path from 'path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { inputsRead } from '../../audit/model';
import { runAudit } from '../../audit/run';
import { lz } from '../helpers/cli';
import { FIXTURE_TENANTS, REPO_ROOT } from '../helpers/fixture';
import { editState, stateResource, writeStates } from '../helpers/state-fixtures';
import { fixtureLandingZone, synthTo, tempDir } from '../helpers/synth';

const example = fixtureLandingZone();
const states = tempDir('lz-cli-audit-');
writeStates(example, synthTo(example), states);
const env = { SOURCE_DATE_EPOCH: '1790000000' };
const run = (args: string[], cwd = REPO_ROOT) => lz(['--tenants', FIXTURE_TENANTS, '--no-history', 'audit', ...args], cwd, env);

describe('lz audit', () => {
  test('desired state (no source given): every format written, exit 0', async () => {
    const out = tempDir();
    const r = await run(['--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Audit of 8 tenants \(desired state: the synthesized configuration\): \d+ pass, 0 fail, 0 could not be evaluated/);
    expect(fs.readdirSync(out).sort()).toEqual(['audit.html', 'audit.json', 'audit.junit.xml', 'audit.md', 'audit.sarif']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'audit.json'), 'utf8')).generatedAt).toBe(new Date(1790000000 * 1000).toISOString());
  });

  test('state files: a finding exits 4 and is named; --fail-on decides by severity', async () => {
    const dir = tempDir();
    fs.cpSync(states, dir, { recursive: true });
    editState(path.join(dir, 'tenants/bluefin-analytics/tenant.tfstate'), (s) => (stateResource(s, 'aws_sqs_queue').tags_all.Tier = 'L3'));
    const out = tempDir();
    const low = await run(['--state-dir', dir, '--out', out, '--format', 'md,json']);
    expect(low.code).toBe(4);
    expect(low.stdout).toMatch(/bluefin-analytics\s+required-tags\s+low\s+fail/);
    expect(low.stderr).toMatch(/1 finding at severity low or higher/);
    expect((await run(['--state-dir', dir, '--out', out, '--fail-on', 'high'])).code).toBe(0);
    editState(path.join(dir, 'tenants/bluefin-analytics/tenant.tfstate'), (s) => (s.resources = s.resources.filter((r: any) => r.type !== 'aws_dynamodb_table_item')));
    const high = await run(['--state-dir', dir, '--out', out, '--fail-on', 'high']);
    expect([high.code, high.stdout]).toEqual([4, expect.stringMatching(/bluefin-analytics\s+tier-resources\s+high\s+fail\s+no entry in the platform registry/)]);
  });

  test('--tenant limits the audit; reports are byte-identical for the same evidence', async () => {
    const a = tempDir();
    const b = tempDir();
    expect((await run(['--state-dir', states, '--tenant', 'meridian-bank', '--out', a])).code).toBe(0);
    expect((await run(['--state-dir', states, '--tenant', 'meridian-bank', '--out', b])).code).toBe(0);
    for (const f of fs.readdirSync(a)) expect(fs.readFileSync(path.join(b, f))).toEqual(fs.readFileSync(path.join(a, f)));
    expect(JSON.parse(fs.readFileSync(path.join(a, 'audit.json'), 'utf8')).tenants.map((t: any) => t.tenantId)).toEqual(['meridian-bank']);
  });

  test('usage and input errors', async () => {
    expect((await run(['--state-dir', states, '--from-s3'])).code).toBe(2);
    expect((await run(['--format', 'pdf'])).code).toBe(2);
    expect((await run(['--fail-on', 'critical'])).code).toBe(2);
    const unknown = await run(['--tenant', 'nobody']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/unknown tenant: nobody/)]);
    expect((await run(['--state-dir', '/no/such/dir'])).stderr).toMatch(/does not exist/);
  });

  test('--state-dir without any state file of the audited stacks: one line, exit 1, no report', async () => {
    const empty = tempDir();
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a state file');
    const out = tempDir();
    const r = await run(['--state-dir', empty, '--out', out]);
    expect([r.code, r.stdout, r.stderr.trim().split('\n')]).toEqual([1, '', [expect.stringMatching(new RegExp(`^✗ --state-dir ${empty} holds no state file of the 14 audited stacks \\(expected the bucket's layout, e\\.g\\. .*tenants/pinecrest-schools/tenant\\.tfstate, or <key>\\.json from terraform show -json\\)$`))]]);
    expect(fs.readdirSync(out)).toEqual([]);
    const notADir = await run(['--state-dir', path.join(empty, 'notes.txt')]);
    expect([notADir.code, notADir.stderr.trim()]).toEqual([1, expect.stringMatching(/^✗ --state-dir .*notes\.txt: is a file, not a folder of state files/)]);
  });

  test('--from-s3 reads the state bucket through the AWS SDK', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      expect(input.Bucket).toBe(example.settings.state.bucket);
      if (!fs.existsSync(path.join(states, input.Key))) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      const bytes = fs.readFileSync(path.join(states, input.Key));
      return { Body: { transformToString: async () => bytes.toString('utf8') } as never };
    });
    const out = tempDir();
    const result = await runAudit(example, { evidence: { kind: 's3' }, formats: ['json'], outDir: out, failOn: 'low', tenantIds: ['harbor-logistics'], generatedAt: '2026-09-21T00:00:00.000Z' }, { s3: client });
    expect(result.findings).toBe(0);
    expect(inputsRead(result.report.tenants[0])).toContain(`s3://${example.settings.state.bucket}/tenants/harbor-logistics/tenant.tfstate`);
  });
});
