/**
 * The pull-request comment shows the tier moves that `lz migrate` will carry out after the
 * apply: one row per changed tenant stack whose manifest records a move, with its steps.
 */
import { tenantStacks } from '../../model/inventory';
import { guardContext } from '../../pipeline/guards';
import { mergeReports, PipelineReport } from '../../pipeline/report';
import { renderMarkdown } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { reportFor, StackContext } from '../../pipeline/stack-plan';
import { l1, l2, l3, makeFixture } from '../helpers/fixture';

const fx = makeFixture({
  tenants: {
    'acme.yaml': l2('acme', { migration: { from: 'L1', retentionDays: 45 } }),
    'globex.yaml': l3('globex', { migration: { from: 'L2' } }),
    'hooli.yaml': l1('hooli'),
  },
});
const lz = fx.validate().landingZone!;
afterAll(() => fx.cleanup());
// No syntheses: these stacks have no base to compare placements with.
const sc = { ctx: guardContext(lz), settings: lz.settings, syntheses: { base: { stacks: new Map() }, head: { stacks: new Map() } } } as unknown as StackContext;
const specs = (id: string) => tenantStacks(lz.tenants.find((t) => t.manifest.id === id)!.profile);
const planned = (id: string, kind: 'tenant' | 'account', status: 'planned' | 'no-changes' = 'planned') => reportFor({ spec: specs(id).find((s) => s.kind === kind)!, change: 'changed' }, sc, { status, source: 'offline' });
const report = (stacks: PipelineReport['stacks']): PipelineReport => ({ formatVersion: 1, command: 'plan', mode: 'offline', base: { ref: 'main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, stacks });

test('a changed tenant stack of a moving tenant carries the move; its account stack, an unchanged stack and a tenant without a move do not', () => {
  expect(planned('acme', 'tenant').migration).toEqual({ move: 'L1-L2', kind: 'data', steps: expect.arrayContaining([expect.stringMatching(/^writes freeze/), expect.stringMatching(/kept 45 days after the switch/)]) });
  expect(planned('globex', 'tenant').migration).toMatchObject({ move: 'L2-L3', kind: 'users' });
  expect(planned('acme', 'account').migration).toBeUndefined();
  expect(planned('acme', 'tenant', 'no-changes').migration).toBeUndefined();
  expect(planned('hooli', 'tenant').migration).toBeUndefined();
});

test('the comment lists the moves with their steps, after the approvals and before the stack table; merged job reports keep them', () => {
  const merged = mergeReports([report([planned('acme', 'tenant'), planned('hooli', 'tenant')]), report([planned('globex', 'tenant')])]);
  const md = renderMarkdown(merged);
  expect(md).toContain('### ↗ Tier moves that will follow the apply (2)');
  expect(md).toMatch(/\| `acme` \| L1 → L2 \(data\) \| 1\. writes freeze \(the API answers 503 with Retry-After; reads go on from the pooled tables\)<br>2\. items and profiles are copied/);
  expect(md).toMatch(/\| `globex` \| L2 → L3 \(users\) \| 1\. users move to the tenant's own user pool at their first sign-in/);
  expect(md.indexOf('### ↗ Tier moves')).toBeLessThan(md.indexOf('### Stacks'));
  expect(md).not.toMatch(/`hooli` \| L/);
  expect(renderText(merged)).toMatch(/Tier moves that lz migrate carries out after the apply\n {2}acme: L1-L2 \(data\)\n {6}1\. writes freeze/);
});
