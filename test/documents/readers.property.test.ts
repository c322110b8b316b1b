import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { auditTenant } from '../../audit/engine';
import { AUDIT_FORMATS, renderAudit } from '../../audit/report';
import { runAudit } from '../../audit/run';
import { auditReport } from '../../audit/engine';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { sharedStacks, tenantStacks } from '../../model/inventory';
import { makeChange } from '../../pipeline/changes';
import { PipelineReport, stackReport } from '../../pipeline/report';
import { readPlan } from '../../pipeline/stack-plan';
import { lz } from '../helpers/cli';
import { l1, l2, makeFixture } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';
import { planFixture } from '../pipeline/helpers';
import { fcOptions, malformedText, RUNS } from './arbitraries';

/**
 * Property-based: every reader of an outside document, fed generated malformed documents,
 * ends with an exit code from the documented set, prints no stack trace, names the document it
 * refused, and still processes the other inputs. `npm test` runs a few dozen cases per reader
 * with a fixed seed; `npm run test:fuzz` runs thousands with a new seed.
 */
const STACK_TRACE = /internal error|\n\s+at .+:\d+/;
const provenance = { tool: 'lz test', evidence: 'deployed state', inputsRelativeTo: 'the state folder' };

function write(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('job reports (lz report)', () => {
  const good: PipelineReport = {
    formatVersion: 1,
    command: 'plan',
    mode: 'terraform',
    terraformVersion: '1.11.4',
    base: { ref: 'main', commit: 'a'.repeat(40) },
    head: { commit: 'b'.repeat(40), dirty: false },
    stacks: [
      stackReport({
        stack: 'tenant-beta',
        kind: 'tenant',
        tenantId: 'beta',
        tier: 'L2',
        wave: 3,
        change: 'changed',
        status: 'planned',
        source: 'terraform',
        changes: [makeChange({ address: 'aws_kms_key.data', type: 'aws_kms_key', action: 'update', actions: ['update'], changedAttributes: ['policy'], valueChanges: [{ path: 'policy', before: '{}', after: '{"a":1}' }] })],
        notes: ['provider.aws[0].default_tags changed'],
        violations: [{ rule: 'approval', stack: 'tenant-beta', message: 'm', remedy: 'r' }],
        approval: { environment: 'tenant-beta', approvers: ['@beta/cab'] },
        state: 's3://bucket/tenants/beta/tenant.tfstate',
      }),
    ],
  };
  const other = { ...good, stacks: [stackReport({ ...good.stacks[0], stack: 'tenant-acme', tenantId: 'acme', tier: 'L1', violations: [], approval: undefined, changes: [] })] };

  test('a malformed report: exit 0 or 1, named when refused, the other report still summarized', async () => {
    const dir = tempDir('lz-prop-report-');
    write(path.join(dir, 'other.json'), JSON.stringify(other));
    await fc.assert(
      fc.asyncProperty(malformedText(good), async (text) => {
        write(path.join(dir, 'job.json'), text);
        const r = await lz(['report', 'other.json', 'job.json', '--format', 'markdown'], dir);
        expect([0, 1]).toContain(r.code);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        const refused = r.stdout.includes('Job reports that could not be read');
        expect(refused).toBe(r.stderr.includes(`report ${path.join(dir, 'job.json')}`));
        if (refused) expect(r.code).toBe(1);
        // The other report is summarized unless the two are of different runs (named in one line).
        if (/reports of different runs/.test(r.stderr)) expect(r.stderr).toMatch(/reports read: other\.json, job\.json/);
        else expect(r.stdout).toContain('`acme`');
        expect(r.stdout).not.toMatch(/NaN|undefined|\[object Object\]/);
      }),
      fcOptions(),
    );
  });

  test('a malformed --expect document: exit 1 with one line naming it, or read', async () => {
    const dir = tempDir('lz-prop-expect-');
    write(path.join(dir, 'other.json'), JSON.stringify(other));
    const affected = {
      base: { ref: 'main', commit: 'a'.repeat(40), source: 'worktree' },
      head: { commit: 'b'.repeat(40), dirty: false },
      summary: { affected: 1, added: 0, changed: 1, removed: 0, unchanged: 0, headStacks: 1 },
      stacks: [{ name: 'tenant-acme', change: 'changed', kind: 'tenant', tenantId: 'acme', tier: 'L1', wave: 3, dependsOn: ['account-acme'], resources: 4, state: 's3://b/k' }],
    };
    await fc.assert(
      fc.asyncProperty(malformedText(affected), async (text) => {
        write(path.join(dir, 'affected.json'), text);
        const r = await lz(['report', 'other.json', '--expect', 'affected.json'], dir);
        expect([0, 1]).toContain(r.code);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        if (r.stdout === '') expect(r.stderr).toMatch(new RegExp(`^✗ (--expect ${path.join(dir, 'affected.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: |reports of different runs)`));
      }),
      fcOptions(),
    );
  });
});

describe('terraform show -json of a plan (lz plan, lz apply)', () => {
  const plans = ['create', 'update', 'delete', 'replace-delete-create', 'import'].map((n) => JSON.parse(fs.readFileSync(planFixture(n), 'utf8')) as { resource_changes: Array<{ address: string; mode: unknown; change: { actions: unknown; importing?: unknown } }> });

  test('never throws; a refused plan fails that stack, naming it; a read plan accounts for every resource change (fail closed)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...plans).chain((p) => malformedText(p)), (text) => {
        const outcome = readPlan(typeof text === 'string' ? text : text.toString('utf8'), 'tenant-x');
        if (!outcome.ok) {
          expect(outcome.status).toBe('failed');
          expect(outcome.error.phase).toBe('read-plan');
          expect(outcome.error.message).toMatch(/terraform show -json of stack tenant-x/);
          return;
        }
        const doc = JSON.parse(typeof text === 'string' ? text.replace(/^\uFEFF/, '') : text.toString('utf8'));
        const seen = new Set([...outcome.changes, ...outcome.unrecognized].map((c) => c.address));
        for (const rc of doc.resource_changes ?? []) {
          const actions = (rc.change.actions as string[]).join(',');
          const nothing = rc.mode === 'data' || actions === 'read' || (actions === 'no-op' && (rc.change.importing === undefined || rc.change.importing === null));
          if (!nothing) expect([rc.address, seen.has(rc.address)]).toEqual([rc.address, true]);
        }
      }),
      fcOptions(RUNS * 4),
    );
  });
});

describe('state files and show -json (lz audit)', () => {
  const fx = makeFixture({ tenants: { 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta') } });
  const landingZone = fx.validate().landingZone!;
  afterAll(() => fx.cleanup());
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/admin' }, Action: 'kms:*', Resource: '*' }] });
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 3,
    lineage: 'x',
    outputs: { account_id: { value: '111111111111', type: 'string' } },
    resources: [
      { mode: 'managed', type: 'aws_kms_key', name: 'data', provider: 'provider["registry.terraform.io/hashicorp/aws"].tenant', instances: [{ schema_version: 0, attributes: { arn: 'arn:aws:kms:eu-west-1:111111111111:key/1', key_id: '1', policy, enable_key_rotation: true, tags_all: { TenantId: 'acme' } } }] },
      { module: 'module.extra', mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ index_key: 0, attributes: { bucket: 'b', tags: { TenantId: 'acme' } } }] },
      { mode: 'data', type: 'aws_caller_identity', name: 'me', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ attributes: { account_id: '111111111111' } }] },
    ],
  };
  const show = {
    format_version: '1.0',
    terraform_version: '1.11.4',
    values: { outputs: {}, root_module: { resources: [{ address: 'aws_kms_key.data', mode: 'managed', type: 'aws_kms_key', name: 'data', values: state.resources[0].instances[0].attributes }], child_modules: [{ address: 'module.extra', resources: [{ address: 'module.extra.aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', values: { bucket: 'b' } }] }] } },
  };
  const dir = tempDir('lz-prop-state-');
  for (const spec of [...sharedStacks(), ...landingZone.tenants.flatMap((t) => tenantStacks(t.profile))]) write(path.join(dir, spec.stateKey), JSON.stringify({ version: 4, resources: [] }));
  const acmeKey = 'tenants/acme/tenant.tfstate';

  test('a malformed state or show -json of one tenant: that tenant has a problem naming the file, the other is audited, every report renders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(malformedText(state).map((t) => [acmeKey, t] as const), malformedText(show).map((t) => [`${acmeKey}.json`, t] as const)), async ([key, text]) => {
        fs.rmSync(path.join(dir, acmeKey), { force: true });
        fs.rmSync(path.join(dir, `${acmeKey}.json`), { force: true });
        write(path.join(dir, key), text);
        const audits = (await collectStateEvidence(landingZone.tenants, directoryReader(dir))).map((e) => auditTenant(landingZone.settings, e, 'state'));
        const [acme, beta] = audits;
        for (const p of acme.problems) expect(p.startsWith(`${key}: `) || p.includes('no state for stack')).toBe(true);
        expect(beta.problems).toEqual([]);
        expect(beta.results.length).toBeGreaterThan(0);
        // An error result never hides a reader defect: it names the evidence or what is missing.
        for (const r of acme.results.filter((x) => x.status === 'error')) expect(r.message).not.toMatch(/could not evaluate: (Cannot read|.* is not a function|Maximum call stack)/);
        const report = auditReport(landingZone.settings, audits, 'state', '2026-11-23T00:00:00.000Z', provenance);
        for (const format of AUDIT_FORMATS) expect(renderAudit(report, format).length).toBeGreaterThan(0);
      }),
      fcOptions(),
    );
  });

  test('lz audit --state-dir with a malformed state: exit 0 or 4, no stack trace, reports written', async () => {
    const out = tempDir('lz-prop-audit-out-');
    await fc.assert(
      fc.asyncProperty(malformedText(state), async (text) => {
        write(path.join(dir, acmeKey), text);
        const r = await lz(['--settings', fx.settingsFile, '--tenants', fx.tenantsDir, '--no-history', 'audit', '--state-dir', dir, '--out', out, '--format', 'md,sarif'], fx.root);
        expect([0, 4]).toContain(r.code);
        expect(r.stderr + r.stdout).not.toMatch(STACK_TRACE);
        expect(fs.readdirSync(out).sort()).toEqual(['audit.md', 'audit.sarif']);
      }),
      fcOptions(Math.max(3, Math.floor(RUNS / 5))),
    );
  });

  test('runAudit on the same folder reads both tenants whatever acme holds', async () => {
    write(path.join(dir, acmeKey), '{"version":4,"resources":[{"mode":"managed","type":"aws_s3_bucket","name":"b","instances":[{"attributes":[]}]}]}');
    const run = await runAudit(landingZone, { evidence: { kind: 'state-dir', dir }, formats: [], outDir: tempDir(), failOn: 'none', generatedAt: '2026-11-23T00:00:00.000Z', repoDir: fx.root });
    expect(run.report.tenants.map((t) => [t.tenantId, t.problems])).toEqual([
      ['acme', ['tenants/acme/tenant.tfstate: at $.resources[0].instances[0].attributes: expected an object of attribute values, found an array of 0']],
      ['beta', []],
    ]);
  });
});
