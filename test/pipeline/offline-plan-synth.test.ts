import * as path from 'path';
import { isProtectedResourceType } from '../../terraform/protected-resources';
import { LandingZone } from '../../model/validate';
import { computeAffected } from '../../pipeline/affected';
import { checkDataDestruction, guardContext } from '../../pipeline/guards';
import { offlineStackPlan } from '../../pipeline/offline-plan';
import { offlinePlanOf } from '../../pipeline/stack-plan';
import { loadStackConfig, TerraformJson } from '../../pipeline/stack-config';
import { readSynthesis, Synthesis, stackFile } from '../../pipeline/synthesis-index';
import { Syntheses } from '../../pipeline/workspace';
import { l1, l2, makeFixture, Manifest } from '../helpers/fixture';
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
    base = synthesize({ 'acme.yaml': l1('acme'), 'beta.yaml': l2('beta'), 'old.yaml': l2('old', offboarding) }).synthesis;
    const h = synthesize({
      'acme.yaml': l1('acme', { tags: { CostCenter: 'cc-7' } }),
      'beta.yaml': l2('beta', { backup: { schedule: 'cron(0 4 * * ? *)', retentionDays: 40 } }),
      'old.yaml': l2('old', { ...offboarding, ...ack }),
      'gamma.yaml': l1('gamma'),
    });
    head = h.synthesis;
    lz = h.lz;
    s = { base, head, baseRevision: { ref: 'base', commit: 'c'.repeat(40), source: 'manifests-only' }, headRevision: { dirty: true }, workDir: path.dirname(head.dir) };
  });

  test('only the changed tenants are affected; shared stacks are not', () => {
    const affected = computeAffected(base, head).stacks;
    expect(affected.find((a) => a.spec.name === 'tenant-gamma')?.change).toBe('added');
    expect(new Set(affected.map((a) => a.spec.tenantId))).toEqual(new Set(['acme', 'beta', 'gamma', 'old']));
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
});
