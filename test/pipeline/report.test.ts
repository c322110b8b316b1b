import * as fs from 'fs';
import * as path from 'path';
import { makeChange } from '../../pipeline/changes';
import { GuardViolation } from '../../pipeline/guards';
import { mergeReports, PipelineReport, reportPassed, StackReport, stackReport, totals } from '../../pipeline/report';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown, workflowRunUrl } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { lz } from '../helpers/cli';
import { tempDir } from '../helpers/synth';

function stack(i: number, opts: { violations?: number; failed?: boolean; l3?: boolean; resources?: number; dataBearing?: boolean } = {}): StackReport {
  const name = `tenant-t${String(i).padStart(5, '0')}-with-a-rather-long-name`;
  const changes = Array.from({ length: opts.resources ?? 8 }, (_, j) => makeChange({ address: `aws_dynamodb_table_item.item_${j}_${'x'.repeat(20)}`, type: opts.dataBearing && j === 0 ? 'aws_dynamodb_table' : 'aws_iam_role', action: j % 3 === 0 ? 'update' : 'create', actions: [j % 3 === 0 ? 'update' : 'create'], ...(j % 3 === 0 ? { changedAttributes: ['tags.Owner', 'tags_all'] } : {}) }));
  const violations: GuardViolation[] = Array.from({ length: opts.violations ?? 0 }, (_, j) => ({ rule: 'data-destruction', stack: name, address: `aws_s3_bucket.b${j}`, message: `aws_s3_bucket.b${j} would be deleted: aws_s3_bucket holds data`, remedy: 'tenant is active; destroying its data needs status: offboarding and acknowledgements.dataDestruction' }));
  return stackReport({
    stack: name,
    kind: 'tenant',
    tenantId: `t${i}`,
    tier: opts.l3 ? 'L3' : 'L1',
    wave: 3,
    change: 'added',
    status: opts.failed ? 'failed' : 'planned',
    source: 'terraform',
    changes,
    notes: [],
    violations,
    ...(opts.l3 ? { approval: { environment: `tenant-t${i}`, approvers: ['@t/cab'] } } : {}),
    ...(opts.failed ? { error: { phase: 'plan', message: 'terraform plan exited with 1', exitCode: 1, output: 'Error: AccessDenied\n'.repeat(400) } } : {}),
    state: `s3://bucket/tenants/t${i}/tenant.tfstate`,
  });
}

function report(stacks: StackReport[]): PipelineReport {
  return { formatVersion: 1, command: 'plan', mode: 'terraform', terraformVersion: 'terraform 1.9.8', base: { ref: 'origin/main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, stacks };
}

describe('plan report', () => {
  test('200 affected stacks: totals first, violations before the stack table, collapsed details, under the comment limit', () => {
    const stacks = Array.from({ length: 200 }, (_, i) => stack(i, { violations: i === 150 ? 2 : 0, failed: i === 160, l3: i % 10 === 0, dataBearing: i % 25 === 0 }));
    const md = renderMarkdown(report(stacks));
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    const lines = md.split('\n');
    expect(lines[1]).toBe('## ❌ Landing zone plan: 2 guard violations, 1 stack failed or held back');
    const at = (needle: string) => md.indexOf(needle);
    expect(at('| Stacks | Create |')).toBeLessThan(at('### ❌ Guard violations (2)'));
    expect(at('### ❌ Guard violations (2)')).toBeLessThan(at('### ❌ Failed or held back (1)'));
    expect(at('### ❌ Failed or held back (1)')).toBeLessThan(at('### 🔐 Needs approval (20 stacks)'));
    expect(at('### 🔐 Needs approval')).toBeLessThan(at('### Stacks'));
    expect(md).toContain('| 200 | 1,000 | 600 | 0 | 0 | 0 | 0 | 2 | 1 | 20 (20 tenants) |');
    // 200 rows would drown the comment: the table is collapsed, and so is every stack's detail.
    expect(md).toMatch(/<details><summary>200 stacks: 200 added, 0 changed, 0 removed<\/summary>/);
    // Every resource list does not fit; the notable ones (violations, data-bearing changes) do.
    expect(md).toMatch(/### Notable resource changes \(destructive or data-bearing; all 200 stacks in the JSON report\)/);
    const sections = [...md.matchAll(/<details><summary><code>(tenant-t\d+)/g)].map((m) => m[1]);
    // The failure's output first, then the notable stacks, the one with violations leading.
    const dataBearing = [0, 25, 50, 75, 100, 125, 175].map((k) => `tenant-t${String(k).padStart(5, '0')}`);
    expect(sections).toEqual(['tenant-t00160', 'tenant-t00150', ...dataBearing]);
    expect(md).toMatch(/- `~` `aws_dynamodb_table_item.item_0_x+` update \(data-bearing\): `tags.Owner`, `tags_all`/);
    // Stacks needing attention lead the table.
    const rows = lines.slice(lines.indexOf('### Stacks')).filter((l) => l.startsWith('| `tenant-'));
    expect(rows).toHaveLength(200);
    expect(rows[0]).toMatch(/t00150.*❌ 2 violations/);
    expect(rows[1]).toMatch(/t00160.*\| failed \|/);
  });

  test.each([1000, 5000])('%i stacks with violations still fit one comment, with the totals and a pointer to the JSON', (n) => {
    const stacks = Array.from({ length: n }, (_, i) => stack(i, { violations: 3, failed: i % 7 === 0, resources: 40 }));
    const md = renderMarkdown(report(stacks));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain(`| ${n.toLocaleString('en-US')} |`);
    expect(md).toMatch(/more in the JSON report/);
  });

  test('rendering is deterministic and escapes table and code syntax', () => {
    const s = stack(1);
    const odd = stackReport({ ...s, changes: [makeChange({ address: 'aws_x.a|b`c', type: 'aws_x', action: 'create', actions: ['create'] })] });
    const r = report([odd, stack(2)]);
    expect(renderMarkdown(r)).toBe(renderMarkdown(JSON.parse(JSON.stringify(r))));
    // A code span longer than any backtick run in the text; in a table the pipe is escaped too.
    expect(renderMarkdown(r)).toContain('- `+` ``aws_x.a|b`c`` create');
  });

  test('passing and failing reports; the text form for terminals', () => {
    const ok = report([stack(1)]);
    expect(reportPassed(ok)).toBe(true);
    expect(renderMarkdown(ok).split('\n')[1]).toBe('## ✅ Landing zone plan: 1 stack to change, no guard violations');
    const bad = report([stack(1, { violations: 1 })]);
    expect(reportPassed(bad)).toBe(false);
    const text = renderText(bad);
    expect(text).toMatch(/✗ Guard violations\n {2}tenant-t00001-with-a-rather-long-name: aws_s3_bucket.b0 would be deleted/);
    expect(text.trimEnd().split('\n').pop()).toBe('✗ plan failed: 1 guard violation(s), 0 stack(s) failed or held back');
  });

  test('merging job reports: stacks in dependency order, and an expected stack without a report fails', () => {
    const a = report([stack(2)]);
    const b = report([stack(1)]);
    const merged = mergeReports([a, b], [
      { stack: stack(3).stack, kind: 'tenant', wave: 3, change: 'changed', state: 's3://b/k' },
      { stack: 'tenant-gone', kind: 'tenant', wave: 3, change: 'removed', state: 's3://b/gone' },
    ]);
    expect(merged.stacks.map((s) => [s.stack, s.status])).toEqual([
      ['tenant-gone', 'removed'],
      [stack(1).stack, 'planned'],
      [stack(2).stack, 'planned'],
      [stack(3).stack, 'failed'],
    ]);
    expect(merged.stacks[3].error?.message).toMatch(/no report for this stack/);
    expect(totals(merged).failed).toBe(1);
    expect(() => mergeReports([a, { ...b, base: { ref: 'x', commit: 'c'.repeat(40) } }])).toThrow(/reports of different runs/);
  });
});

describe('lz report', () => {
  test('an apply job that applied an L3 stack wins over the shared job that deferred it, whatever the file order', async () => {
    const dir = tempDir();
    const applied = stack(1, { l3: true });
    const deferred = stackReport({ ...applied, status: 'deferred', changes: [] });
    fs.writeFileSync(path.join(dir, 'apply-a-tenant.json'), JSON.stringify({ ...report([stackReport({ ...applied, status: 'applied' })]), command: 'apply' }));
    fs.writeFileSync(path.join(dir, 'apply-shared.json'), JSON.stringify({ ...report([deferred, stack(2)]), command: 'apply' }));
    const r = await lz(['report', 'apply-a-tenant.json', 'apply-shared.json', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stacks.map((s: StackReport) => [s.stack, s.status])).toEqual([
      [applied.stack, 'applied'],
      [stack(2).stack, 'planned'],
    ]);
  });

  test('--expect: no reports for no affected stacks passes; an affected stack without a report fails', async () => {
    const dir = tempDir();
    const affected = (stacks: unknown[]) => JSON.stringify({ base: { ref: 'main', commit: 'a'.repeat(40), source: 'worktree' }, head: { commit: 'b'.repeat(40), dirty: false }, stacks });
    fs.writeFileSync(path.join(dir, 'none.json'), affected([]));
    const none = await lz(['report', '--expect', 'none.json', '--out', 'summary.md'], dir);
    expect(none.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(/## ✅ Landing zone plan: no stack changes/);
    fs.writeFileSync(path.join(dir, 'one.json'), affected([{ name: 'tenant-x', change: 'added', kind: 'tenant', tenantId: 'x', tier: 'L1', wave: 3, state: 's3://b/k' }]));
    const missing = await lz(['report', '--expect', 'one.json'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/`tenant-x`: failed in report: no report for this stack/);
    expect(missing.stderr).toMatch(/plan failed: 0 guard violations, 1 stack failed, held back or without a report/);
    const nothing = await lz(['report'], dir);
    expect([nothing.code, nothing.stderr]).toEqual([1, expect.stringMatching(/no reports to merge/)]);
  });
});

describe('summaries at scale and what they count', () => {
  const quiet = (i: number): StackReport => stackReport({ ...stack(i, { resources: 0 }), status: 'no-changes', change: 'unchanged' });

  test('forget actions are counted in every summary: totals table, stack rows, tenant lines, text', () => {
    const forgetting = stackReport({ ...stack(1, { resources: 0 }), changes: [makeChange({ address: 'aws_s3_bucket.old', type: 'aws_s3_bucket', action: 'forget', actions: ['forget'] })] });
    const r = report([forgetting]);
    const md = renderMarkdown(r);
    expect(md).toContain('| Stacks | Create | Update | Replace | Delete | Import | Forget | Violations | Failed | Needs approval |');
    expect(md).toContain('| 1 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 0 |');
    expect(md).toMatch(/\| `tenant-t00001-with-a-rather-long-name` \| added \| planned \| 0 \| 0 \| 0 \| 0 \| 1 \|/);
    expect(md).toMatch(/^- `t1` \(L1\): onboarded as L1; ⊘1$/m);
    expect(md).toContain('<code>tenant-t00001-with-a-rather-long-name</code> +0 ~0 ±0 −0 ⊘1');
    const text = renderText(r);
    expect(text).toMatch(/0 to delete, 0 to replace, 0 to update, 0 to create, 0 to import, 1 to forget;/);
    expect(text).toMatch(/ {2}tenant-t00001-with-a-rather-long-name +added +planned +0 +0 +0 +0 +1/);
  });

  test('400 stacks of which 3 change: counts by kind, tier and status; only the changing stacks listed; --verbose lists all', () => {
    const stacks = [...Array.from({ length: 397 }, (_, i) => quiet(i + 10)), stack(1), stack(2, { l3: true }), stack(3, { failed: true })];
    const r = report(stacks);
    const text = renderText(r);
    expect(text).toContain('  by kind: 400 tenant');
    expect(text).toContain('  by tier: 399 L1, 1 L3');
    expect(text).toContain('  by status: 2 planned, 397 no-changes, 1 failed');
    expect(text.match(/^ {2}tenant-t\d+-with-a-rather-long-name +(added|unchanged)/gm)).toHaveLength(3);
    expect(text).toContain('  397 stacks without changes not listed (--verbose lists them)');
    expect(text.split('\n').length).toBeLessThan(80);
    const verbose = renderText(r, { verbose: true });
    expect(verbose.match(/^ {2}tenant-t\d+-with-a-rather-long-name +(added|unchanged)/gm)).toHaveLength(400);
    const md = renderMarkdown(r);
    expect(md).toContain('By kind: 400 tenant · by tier: 399 L1, 1 L3 · by status: 2 planned, 397 no-changes, 1 failed');
    expect(md.match(/^\| `tenant-t\d{5}/gm)).toHaveLength(3);
    expect(md).toContain('397 stacks without changes are not listed (`--verbose` lists every stack).');
    expect(renderMarkdown(r, { verbose: true }).match(/^\| `tenant-t\d{5}/gm)).toHaveLength(400);
  });

  test('the comment opens with one line per tenant, those needing attention first, before the totals', () => {
    const md = renderMarkdown(report([stack(1), stack(2, { violations: 1 }), stackReport({ ...stack(3, { resources: 0 }), change: 'removed', status: 'removed' })]));
    const lines = md.split('\n');
    const at = lines.indexOf('### Tenants (3)');
    expect(lines.slice(at + 2, at + 5)).toEqual([
      '- ❌ `t2` (L1): onboarded as L1; +5 \\~3; 1 guard violation',
      '- `t1` (L1): onboarded as L1; +5 \\~3',
      '- `t3` (L1): removed from the configuration: its stacks are not destroyed, their state and resources stay',
    ]);
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('| Stacks |')));
  });

  test('in GitHub Actions the comment links the workflow run; odd values of the variables are not linked', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/landing-zone', GITHUB_RUN_ID: '123456789' };
    expect(workflowRunUrl(env)).toBe('https://github.com/acme/landing-zone/actions/runs/123456789');
    expect(workflowRunUrl({ ...env, GITHUB_RUN_ATTEMPT: '2' })).toBe('https://github.com/acme/landing-zone/actions/runs/123456789/attempts/2');
    expect(workflowRunUrl({})).toBeUndefined();
    expect(workflowRunUrl({ ...env, GITHUB_REPOSITORY: 'acme/x) [evil](https://evil.example' })).toBeUndefined();
    expect(workflowRunUrl({ ...env, GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBeUndefined();
    expect(renderMarkdown(report([stack(1)]), { runUrl: workflowRunUrl(env) })).toContain('[Workflow run](https://github.com/acme/landing-zone/actions/runs/123456789)');
  });

  test('lz report links the run from the environment', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(report([stack(1)])));
    const r = await lz(['report', 'a.json'], dir, { GITHUB_SERVER_URL: 'https://github.example.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[Workflow run](https://github.example.com/o/r/actions/runs/42)');
  });
});
