import * as fs from 'fs';
import * as path from 'path';
import { XMLParser } from 'fast-xml-parser';
import { collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { auditTenant } from '../../audit/engine';
import { runAudit } from '../../audit/run';
import { AUDIT_FORMATS, auditFileName } from '../../audit/report';
import { l3, makeFixture } from '../helpers/fixture';
import { writeStates } from '../helpers/state-fixtures';
import { fixtureLandingZone, synthTo, tempDir } from '../helpers/synth';

/**
 * BYOK pending (DESIGN.md): an L3 tenant whose imported key material has not arrived runs on the
 * landing zone's key. The audit says so as a finding with the profile's reason, never a pass,
 * in `byok` and `data-encryption`, from desired state and from state, in every report format.
 */
const fx = makeFixture({ tenants: { 'pend.yaml': l3('pend', { encryption: { byok: 'imported', keyMaterialImported: false } }), 'ready.yaml': l3('ready') } });
afterAll(() => fx.cleanup());
const lz = fixtureLandingZone(fx.tenantsDir);
const pending = lz.tenants.find((t) => t.manifest.id === 'pend')!.profile;
const result = synthTo(lz);

describe('an L3 tenant in the BYOK-pending state', () => {
  test('the profile names the state and its reason', () => {
    expect(pending.byok).toEqual({ mode: 'imported', state: 'pending', reason: expect.stringMatching(/^BYOK key alias\/kpz\/tenant\/pend\/byok has no key material yet/) });
  });

  test('desired state: byok and data-encryption are findings naming the reason, in every report format; the tenant whose BYOK is in effect passes', async () => {
    const out = tempDir();
    const run = await runAudit(lz, { evidence: { kind: 'desired', synthesized: result.outdir }, formats: [...AUDIT_FORMATS], outDir: out, failOn: 'low', generatedAt: '2026-01-01T00:00:00.000Z' });
    const results = (id: string) => new Map(run.report.tenants.find((t) => t.tenantId === id)!.results.map((r) => [r.ruleId, r]));
    const reason = `BYOK is not in effect: ${pending.byok.reason}`;
    expect(results('pend').get('byok')).toMatchObject({ status: 'fail', message: reason });
    expect(results('pend').get('data-encryption')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^BYOK is not in effect: .*; the \d+ data-bearing resources are encrypted with the landing-zone key alias\/kpz\/tenant\/pend, which the customer does not control$/) });
    expect([results('ready').get('byok')!.status, results('ready').get('data-encryption')!.status]).toEqual(['pass', 'pass']);
    expect(results('ready').get('data-encryption')!.message).toMatch(/encrypted with the BYOK key alias\/kpz\/tenant\/ready\/byok \(controlled by the customer\)$/);
    expect(run.findings).toBe(2);

    const file = (f: (typeof AUDIT_FORMATS)[number]) => fs.readFileSync(path.join(out, auditFileName(f)), 'utf8');
    expect(JSON.parse(file('json')).tenants.find((t: { tenantId: string }) => t.tenantId === 'pend').results.filter((r: { status: string }) => r.status === 'fail').map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(['byok', 'data-encryption']);
    const sarif = JSON.parse(file('sarif')).runs[0].results.filter((r: { message: { text: string } }) => r.message.text.includes('BYOK is not in effect'));
    expect(sarif.map((r: { ruleId: string; kind?: string; level?: string }) => [r.ruleId, r.kind ?? 'fail', r.level]).sort()).toEqual([expect.arrayContaining([expect.stringMatching(/byok$/)]), expect.arrayContaining([expect.stringMatching(/data-encryption$/)])]);
    const junit = new XMLParser({ ignoreAttributes: false }).parse(file('junit'));
    const cases = [junit.testsuites.testsuite].flat().flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Array<Record<string, unknown>>;
    const failing = cases.filter((c) => c.failure && String(c['@_classname'] ?? c['@_name']).includes('pend')).map((c) => String(c['@_name']));
    expect(failing.filter((n) => /byok|data-encryption/.test(n))).toHaveLength(2);
    expect(file('md')).toMatch(/BYOK is not in effect/);
    expect(file('html')).toMatch(/BYOK is not in effect/);
  });

  test('deployed state: the same findings', async () => {
    const dir = tempDir();
    writeStates(lz, result, dir);
    const evidence = await collectStateEvidence(lz.tenants, directoryReader(dir));
    const audit = auditTenant(lz.settings, evidence.find((e) => e.tenant.id === 'pend')!, 'state');
    expect(audit.results.filter((r) => r.status !== 'pass' && r.status !== 'not-applicable').map((r) => [r.ruleId, r.status, r.message.slice(0, 26)]).sort()).toEqual([
      ['byok', 'fail', 'BYOK is not in effect: BYO'],
      ['data-encryption', 'fail', 'BYOK is not in effect: BYO'],
    ]);
  });
});
