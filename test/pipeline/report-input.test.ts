import * as fs from 'fs';
import * as path from 'path';
import { makeChange } from '../../pipeline/changes';
import { PipelineReport, stackReport } from '../../pipeline/report';
import { readSynthesis, SynthesisIndexError } from '../../pipeline/synthesis-index';
import { lz } from '../helpers/cli';
import { tempDir } from '../helpers/synth';

/**
 * `lz report` reads documents other jobs wrote (job reports, `lz affected --format json`): each
 * is checked at the door, a bad one is named with the JSON path and what was expected, the
 * others are still summarized, and nothing crashes (exit 3) or prints a value of the wrong type.
 */
const COMMIT_A = 'a'.repeat(40);

function goodReport(stack = 'tenant-acme'): PipelineReport {
  return {
    formatVersion: 1,
    command: 'plan',
    mode: 'offline',
    modeReason: '--offline',
    base: { ref: 'main', commit: COMMIT_A },
    head: { commit: 'b'.repeat(40), dirty: false },
    stacks: [
      stackReport({
        stack,
        kind: 'tenant',
        tenantId: stack.replace(/^tenant-/, ''),
        tier: 'L1',
        wave: 3,
        change: 'changed',
        status: 'planned',
        source: 'offline',
        changes: [makeChange({ address: 'aws_iam_role.app', type: 'aws_iam_role', action: 'update', actions: ['update'], changedAttributes: ['tags.Owner'], valueChanges: [{ path: 'tags.Owner', before: '"a"', after: '"b"' }] })],
        notes: [],
        violations: [],
        state: `s3://bucket/tenants/${stack}/tenant.tfstate`,
      }),
    ],
  };
}

function write(dir: string, name: string, doc: unknown): string {
  fs.writeFileSync(path.join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return name;
}

function noCrash(r: { code: number; stdout: string; stderr: string }): void {
  expect(r.code).not.toBe(3);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('lz report: job reports checked at the door', () => {
  const mutate = (edit: (doc: any) => void) => {
    const doc = JSON.parse(JSON.stringify(goodReport()));
    edit(doc);
    return doc;
  };
  test.each<[string, unknown, RegExp]>([
    ['no mode, base or head (the smallest crash of issue 17)', { command: 'plan', formatVersion: 1, stacks: [] }, /at \$\.mode: expected one of "terraform", "terraform-local", "offline", "mixed", found nothing/],
    ['a stack entry {}', mutate((d) => (d.stacks = [{}])), /at \$\.stacks\[0\]\.stack: missing; expected a string/],
    ['no base.ref', mutate((d) => delete d.base.ref), /at \$\.base\.ref: missing; expected a string/],
    ['an unknown status', mutate((d) => (d.stacks[0].status = 'planned| FUZZ | pipe |')), /at \$\.stacks\[0\]\.status: expected one of "planned", "no-changes", .*found "planned\| FUZZ \| pipe \|"/],
    ['an array head.commit', mutate((d) => (d.head.commit = ['# injected heading'])), /at \$\.head\.commit: expected a string, found an array of 1/],
    ['a number where text belongs', mutate((d) => (d.stacks[0].changes[0].address = 42)), /at \$\.stacks\[0\]\.changes\[0\]\.address: expected a string, found number 42/],
    ['counts that disagree with the changes', mutate((d) => (d.stacks[0].counts.update = 0)), /at \$\.stacks\[0\]\.counts: expected counts that agree with the changes listed/],
    ['a KMS key delete claimed not data-bearing', mutate((d) => (d.stacks[0].changes[0] = { ...d.stacks[0].changes[0], type: 'aws_kms_key', action: 'delete', actions: ['delete'], dataBearing: false })), /at \$\.stacks\[0\]\.changes\[0\]\.dataBearing: expected dataBearing that agrees with the protected resource types/],
    ['an unknown field', mutate((d) => (d.stacks[0].extra = 1)), /at \$\.stacks\[0\]: unknown field "extra"/],
    ['formatVersion 2', mutate((d) => (d.formatVersion = 2)), /at \$\.formatVersion: expected formatVersion 1 \(this lz reads only that version\), found number 2/],
    ['not JSON', '{"formatVersion": 1,', /not JSON .*truncated\?/],
    ['nested 100,000 deep', `{"formatVersion":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /at \$\.x\[0\]\[0\].*…: nested deeper than 128 levels/],
  ])('%s: named with its JSON path; the other report is still summarized; exit 1', async (_name, bad, message) => {
    const dir = tempDir();
    const good = write(dir, 'good.json', goodReport('tenant-acme'));
    const broken = write(dir, 'broken.json', bad);
    const r = await lz(['report', good, broken, '--format', 'text'], dir);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`✗ report ${path.join(dir, 'broken.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toMatch(/tenant-acme/);
    expect(r.stdout).toMatch(/✗ Job reports that could not be read/);
    expect(r.stdout).not.toMatch(/NaN|undefined|\[object Object\]/);
    expect(r.stderr).toMatch(/plan failed: 0 guard violations, 0 stacks failed, held back or without a report, 1 job report unreadable/);
  });

  test('two copies of a report without base: both named, no crash in merging', async () => {
    const dir = tempDir();
    const doc = { command: 'plan', formatVersion: 1, stacks: [] };
    const r = await lz(['report', write(dir, 'a.json', doc), write(dir, 'b.json', doc)], dir);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a\.json: at \$\.mode/);
    expect(r.stderr).toMatch(/b\.json: at \$\.mode/);
    expect(r.stdout).toMatch(/### ❌ Job reports that could not be read \(2\)/);
  });

  test('with --expect, the stacks of an unreadable job report count as without a report', async () => {
    const dir = tempDir();
    const expect_ = write(dir, 'affected.json', {
      base: { ref: 'main', commit: COMMIT_A, source: 'worktree' },
      head: { commit: 'b'.repeat(40), dirty: false },
      summary: { affected: 2, added: 0, changed: 2, removed: 0, unchanged: 0, headStacks: 2 },
      stacks: [
        { name: 'tenant-acme', change: 'changed', kind: 'tenant', tenantId: 'acme', tier: 'L1', wave: 3, dependsOn: [], resources: 3, state: 's3://b/k1' },
        { name: 'tenant-beta', change: 'changed', kind: 'tenant', tenantId: 'beta', tier: 'L1', wave: 3, dependsOn: [], resources: 3, state: 's3://b/k2' },
      ],
    });
    const r = await lz(['report', write(dir, 'a.json', goodReport('tenant-acme')), write(dir, 'b.json', '}'), '--expect', expect_, '--format', 'text'], dir);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tenant-beta: failed in report: no report for this stack/);
  });

  test.each<[string, string, RegExp]>([
    ['}', '}', /--expect .*affected\.json: not JSON/],
    ['no stacks', JSON.stringify({ base: { ref: 'main', commit: COMMIT_A }, head: { dirty: false } }), /at \$\.stacks: missing; expected an array/],
    ['a stack without a name', JSON.stringify({ base: { ref: 'main', commit: COMMIT_A }, head: { dirty: false }, stacks: [{ change: 'added', kind: 'tenant', wave: 3, state: 's' }] }), /at \$\.stacks\[0\]\.name: missing/],
    ['a wave that is not a number', JSON.stringify({ base: { ref: 'main', commit: COMMIT_A }, head: { dirty: false }, stacks: [{ name: 'tenant-x', change: 'added', kind: 'tenant', wave: 'x', state: 's' }] }), /at \$\.stacks\[0\]\.wave: expected a number, found "x"/],
  ])('--expect holding %s: one line naming the file and the path, exit 1', async (_name, text, message) => {
    const dir = tempDir();
    const r = await lz(['report', write(dir, 'good.json', goodReport()), '--expect', write(dir, 'affected.json', text)], dir);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test.each<[string, (r: any) => void]>([
    ['a local plan (real Terraform offline, providers named)', (r) => { r.mode = 'terraform-local'; r.terraformVersion = '1.11.4'; r.providers = [{ source: 'hashicorp/aws', version: '5.100.0', required: ['>= 6.0'] }]; r.stacks[0].source = 'terraform-local'; }],
    ['a drift run (resources changed outside Terraform)', (r) => { r.command = 'drift'; r.mode = 'terraform'; r.stacks[0].source = 'terraform'; r.stacks[0].status = 'drifted'; r.stacks[0].drift = [r.stacks[0].changes[0]]; }],
    ['an apply from the applied markers (why each stack)', (r) => { r.command = 'apply'; r.stacks[0].reason = 'its last apply failed'; }],
  ])('every kind of report lz writes is read back as written: %s', async (_name, edit) => {
    const dir = tempDir();
    const report = JSON.parse(JSON.stringify(goodReport()));
    edit(report);
    const r = await lz(['report', write(dir, 'a.json', report), '--format', 'json'], dir);
    expect(r.stderr).not.toMatch(/could not be read|at \$\./);
    expect(JSON.parse(r.stdout)).toEqual(report);
  });

  test('the output of lz affected --format json and of lz plan --report-json are read back as they are written', async () => {
    const dir = tempDir();
    const report = goodReport();
    const r = await lz(['report', write(dir, 'a.json', report), '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe('what a synthesis leaves for --reuse-synth is checked at the door too', () => {
  test('a stack index whose stack file points outside the synthesis, or is not an index, is refused with the path', () => {
    const dir = tempDir();
    const entry = { name: 'tenant-x', kind: 'tenant', target: 'tenant', stateKey: 'tenants/x/tenant.tfstate', dependsOn: [], wave: 3, file: '../../etc/passwd', resources: 1 };
    fs.writeFileSync(path.join(dir, 'lz-stacks.json'), JSON.stringify({ stacks: [entry] }));
    expect(() => readSynthesis(dir)).toThrow(SynthesisIndexError);
    expect(() => readSynthesis(dir)).toThrow(/lz-stacks\.json: at \$\.stacks\[0\]\.file: expected a stack file inside the synthesis/);
    fs.writeFileSync(path.join(dir, 'lz-stacks.json'), '{"stacks": {}}');
    expect(() => readSynthesis(dir)).toThrow(/at \$\.stacks: expected an array, found an object/);
    // Fields an older revision's code wrote that this code does not read are fine.
    fs.writeFileSync(path.join(dir, 'lz-stacks.json'), JSON.stringify({ stacks: [{ ...entry, file: 'stacks/tenant-x/cdk.tf.json', legacy: true }] }));
    expect([...readSynthesis(dir).stacks.keys()]).toEqual(['tenant-x']);
  });
});
