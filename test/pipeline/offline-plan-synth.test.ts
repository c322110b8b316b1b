import * as path from 'path';
import { isProtectedResourceType } from '../../terraform/protected-resources';
import { LandingZone } from '../../model/validate';
import { computeAffected } from '../../pipeline/affected';
import { checkDataDestruction, guardContext } from '../../pipeline/guards';
import { offlineStackPlan } from '../../pipeline/offline-plan';
import { runPlan } from '../../pipeline/plan';
import { renderMarkdown } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { offlinePlanOf } from '../../pipeline/stack-plan';
import { loadStackConfig, TerraformJson } from '../../pipeline/stack-config';
import { readSynthesis, Synthesis, stackFile } from '../../pipeline/synthesis-index';
import { Syntheses } from '../../pipeline/workspace';
import { l1, l2, l3, makeFixture, Manifest } from '../helpers/fixture';
import { synthTo } from '../helpers/synth';

/** The offline plan on real syntheses of two manifest sets: a base and a change to it. */
const offboarding = { status: 'offboarding', offboarding: { requestedOn: '2026-01-05', retentionDays: 30 } };
const ack = { acknowledgements: { dataDestruction: { reason: 'Contract ended and the retention period is over', approvedBy: ['@acme/legal'] } } };

function synthesize(tenants: Record<string, Manifest>): { lz: LandingZone; synthesis: Synthesis } {
  const fx = makeFixture({ tenants });
  const result = fx.validate();
  if (!result.landingZone) throw new Error(JSON.stringify(result.diagnostics));
  const out = synthTo(result.landingZone);
  fx.cleanup();
  return { lz: result.landingZone, synthesis: readSynthesis(out.outdir) };
}

describe('offline plan of two real syntheses', () => {
  let base: Synthesis;
  let head: Synthesis;
  let lz: LandingZone;
  let s: Syntheses;

  beforeAll(() => {
    base = synthesize({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'old.yaml': l2('old', offboarding), 'delta.yaml': l2('delta') }).synthesis;
    const h = synthesize({
      'acme.yaml': l1('acme', { tags: { CostCenter: 'cc-7' } }),
      'beta.yaml': l2('beta', { backup: { schedule: 'cron(0 4 * * ? *)', retentionDays: 40 } }),
      'old.yaml': l2('old', { ...offboarding, ...ack }),
      'gamma.yaml': l1('gamma'),
      'delta.yaml': l3('delta'),
    });
    head = h.synthesis;
    lz = h.lz;
    s = { base, head, baseRevision: { ref: 'base', commit: 'c'.repeat(40), source: 'manifests-only' }, headRevision: { dirty: true }, workDir: path.dirname(head.dir) };
  });

  test('only the changed tenants are affected; shared stacks are not', () => {
    const affected = computeAffected(base, head).stacks;
    expect(affected.find((a) => a.spec.name === 'tenant-gamma')?.change).toBe('added');
    expect(new Set(affected.map((a) => a.spec.tenantId))).toEqual(new Set(['acme', 'beta', 'gamma', 'old', 'delta']));
    expect(affected.every((a) => a.change !== 'removed')).toBe(true);
  });

  test('every affected stack: creates and deletes are exactly the resource addresses only one side has', () => {
    const addresses = (json: TerraformJson | undefined) => new Set(Object.entries((json?.resource ?? {}) as Record<string, Record<string, unknown>>).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`)));
    for (const a of computeAffected(base, head).stacks) {
      const b = base.stacks.get(a.spec.name);
      const h = head.stacks.get(a.spec.name);
      const before = addresses(b && loadStackConfig(stackFile(b, base)).json);
      const after = addresses(h && loadStackConfig(stackFile(h, head)).json);
      const plan = offlinePlanOf(a.spec.name, s);
      const of = (action: string) => plan.changes.filter((c) => c.action === action || (action === 'create' && c.action === 'import')).map((c) => c.address).sort();
      expect([a.spec.name, of('create')]).toEqual([a.spec.name, [...after].filter((x) => !before.has(x)).sort()]);
      expect([a.spec.name, of('delete')]).toEqual([a.spec.name, [...before].filter((x) => !after.has(x)).sort()]);
      expect(plan.changes.filter((c) => c.action === 'update').every((c) => before.has(c.address) && after.has(c.address) && (c.changedAttributes?.length ?? 0) > 0)).toBe(true);
    }
  });

  test('a new tenant is all creates; a backup change is an update; an acknowledged offboarding only lifts prevent_destroy', () => {
    const gamma = offlinePlanOf('tenant-gamma', s);
    expect(gamma.changes.every((c) => c.action === 'create')).toBe(true);
    expect(gamma.changes).toHaveLength(head.stacks.get('tenant-gamma')!.resources!);
    const beta = offlinePlanOf('tenant-beta', s);
    expect(beta.changes.length).toBeGreaterThan(0);
    expect(beta.changes.every((c) => c.action === 'update')).toBe(true);
    const old = offlinePlanOf('tenant-old', s);
    expect(old.changes).toEqual([]);
    expect(old.notes.length).toBeGreaterThan(0);
    expect(old.notes.every((n) => /: lifecycle(\.prevent_destroy)? changed \(meta-argument, no infrastructure change\)$/.test(n))).toBe(true);
  });

  test('deleting a data-bearing resource of a real stack: refused for an active tenant, allowed for an acknowledged offboarding', () => {
    const ctx = guardContext(lz);
    for (const [tenant, expectViolation] of [['beta', true], ['old', false]] as const) {
      const name = `tenant-${tenant}`;
      const config = loadStackConfig(stackFile(head.stacks.get(name)!, head)).json;
      const resources = config.resource as Record<string, Record<string, unknown>>;
      const type = Object.keys(resources).find(isProtectedResourceType)!;
      const victim = Object.keys(resources[type])[0];
      const mutated = { ...config, resource: { ...resources, [type]: Object.fromEntries(Object.entries(resources[type]).filter(([n]) => n !== victim)) } };
      const plan = offlineStackPlan(config, mutated);
      expect(plan.changes).toEqual([expect.objectContaining({ address: `${type}.${victim}`, action: 'delete', dataBearing: true })]);
      const violations = checkDataDestruction(head.stacks.get(name)!.spec, plan.changes, ctx);
      expect([tenant, violations.length]).toEqual([tenant, expectViolation ? 1 : 0]);
    }
  });

  test('the plan report of a tier move: the account moves OU (old and new named), updates carry old and new values, one line per tenant first', async () => {
    const selection = computeAffected(base, head).stacks.map((a) => ({ spec: a.spec, change: a.change }));
    const report = await runPlan({ syntheses: s, ctx: guardContext(lz), settings: lz.settings, selection, mode: { kind: 'offline', reason: 'test' } });
    const account = report.stacks.find((st) => st.stack === 'account-delta')!;
    expect(account).toMatchObject({ previousTier: 'L2', ouMove: { from: 'Tenants-L2', to: 'Tenants-L3' } });
    expect(report.stacks.find((st) => st.stack === 'tenant-delta')!.previousTier).toBe('L2');
    // The backup change of beta: each changed attribute with its old and new value.
    const plan = report.stacks.find((st) => st.stack === 'tenant-beta')!.changes.find((c) => c.type === 'aws_backup_plan')!;
    expect(plan.valueChanges).toContainEqual({ path: 'rule[0].schedule', before: '"cron(0 3 * * ? *)"', after: '"cron(0 4 * * ? *)"' });
    const md = renderMarkdown(report);
    const lines = md.split('\n');
    const tenants = lines.indexOf('### Tenants (5)');
    expect(tenants).toBeGreaterThan(0);
    expect(tenants).toBeLessThan(lines.findIndex((l) => l.startsWith('| Stacks |')));
    expect(md).toMatch(/^- 🔐 `delta` \(L2 → L3\): tier L2 → L3; account moves from OU Tenants-L2 to OU Tenants-L3; /m);
    expect(md).toMatch(/^- `gamma` \(L1\): onboarded as L1; \+\d+$/m);
    expect(md).toContain('- `~` `aws_backup_plan.');
    expect(md).toMatch(/^ {2}- `rule\[0\]\.schedule`: `"cron\(0 3 \* \* \? \*\)"` → `"cron\(0 4 \* \* \? \*\)"`$/m);
    expect(renderText(report)).toMatch(/^ {2}delta \(L2 → L3\): tier L2 → L3; account moves from OU Tenants-L2 to OU Tenants-L3; /m);
  });
});
