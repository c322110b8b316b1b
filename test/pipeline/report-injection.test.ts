import { makeChange } from '../../pipeline/changes';
import { PipelineReport, stackReport, StackReport } from '../../pipeline/report';
import { renderMarkdown } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { INJECTION, markupOf } from '../helpers/markdown-check';

/**
 * Every field a plan report prints holds Markdown, HTML and control characters; the comment must
 * render to exactly the markup the renderer writes itself, and the terminal text must stay one
 * line per field with no escape sequences.
 */
const P = `${INJECTION}\u001b[31m\u0007`;

function stack(i: number, status: StackReport['status']): StackReport {
  return stackReport({
    stack: `${P}-${i}`,
    kind: i === 0 ? 'account' : 'tenant',
    tenantId: `${P}-tenant-${i}`,
    tier: 'L2',
    previousTier: 'L1',
    ouMove: { from: P, to: P },
    wave: 3,
    change: 'changed',
    status,
    source: 'offline',
    sourceNote: P,
    changes: [
      makeChange({ address: `${P}.update`, type: 'aws_iam_role', action: 'update', actions: ['update'], changedAttributes: [P, `${P}-2`], valueChanges: [{ path: P, before: P, after: P }] }),
      makeChange({ address: `${P}.replace`, type: 'aws_dynamodb_table', action: 'replace', actions: ['delete', 'create'], replacedBecause: [P] }),
      makeChange({ address: `${P}.forget`, type: 'aws_s3_bucket', action: 'forget', actions: ['forget'] }),
    ],
    notes: [P],
    violations: [{ rule: 'data-destruction', stack: P, address: P, message: P, remedy: P }],
    approval: { environment: P, approvers: [P] },
    ...(status === 'failed' ? { error: { phase: 'plan', message: P, exitCode: 1, output: `${P}\n\`\`\`\n${P}` } } : {}),
    ...(status === 'blocked' ? { blockedBy: [P] } : {}),
    state: P,
  });
}

const report: PipelineReport = {
  formatVersion: 1,
  command: 'plan',
  mode: 'mixed',
  modeReason: P,
  terraformVersion: P,
  base: { ref: P, commit: P },
  head: { commit: P, dirty: true },
  stacks: [stack(0, 'planned'), stack(1, 'failed'), stack(2, 'blocked'), stack(3, 'removed')],
  unreadable: [{ input: P, problem: P }],
};

/** The tags the comment writes itself (`strong`: the mode line; `a`: the workflow run link, checked below). */
const OWN_TAGS = ['p', 'h2', 'h3', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'details', 'summary', 'sub', 'br', 'a', 'strong'];

describe('the pull-request comment: no field can add markup', () => {
  test.each([{}, { verbose: true }, { limit: 6000 }])('options %j: only the markup the renderer writes', (opts) => {
    const md = renderMarkdown(report, { ...opts, runUrl: 'https://github.com/o/r/actions/runs/1' });
    const found = markupOf(md, OWN_TAGS);
    expect(found.tags).toEqual([]);
    expect(found.rendered).not.toMatch(/<strong>bold|<em>em|<del>|<img|<script|<h1|<li>item/);
    expect(found.links).toEqual(['https://github.com/o/r/actions/runs/1']);
    expect(found.brokenRows).toBe(0);
    for (const h of found.headings) expect(h).not.toContain('heading');
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test('every field is printed (escaped), so the test above covers them', () => {
    const md = renderMarkdown(report, { verbose: true });
    // Each field carries its own suffix: -0 stack names, -tenant-0 tenants, .update addresses.
    for (const marker of ['-0`', '-tenant-0', '.update', '.replace', '.forget']) expect(md).toContain(marker);
    expect(md.split('x \\*\\*bold\\*\\*').length + md.split('x **bold**').length).toBeGreaterThan(20);
  });
});

describe('the terminal text: no field can add lines or escape sequences', () => {
  test.each([{}, { verbose: true }])('options %j', (opts) => {
    const text = renderText(report, opts);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // The payload has two line breaks: shown as \u000A, it never starts a line of its own.
    expect(text.split('\n').filter((l) => /^(# heading|- item)/.test(l))).toEqual([]);
    expect(text).toContain('\\u001B[31m');
  });
});
