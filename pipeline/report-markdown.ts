import { ChangeAction, ResourceChange } from './changes';
import { GuardViolation } from './guards';
import { compareStackReports, isHeldBack, needsApproval, PipelineReport, reportPassed, StackReport, totals } from './report';

/**
 * The pull-request comment: totals first, then guard violations, failures and approvals, then
 * one row per stack and (collapsed) its notable resource changes. It is rendered at decreasing
 * levels of detail until it fits GitHub's comment limit, so that 200 or 5,000 affected stacks
 * still give one readable comment; the JSON report always has everything.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Marks the pipeline's comment, so that a workflow updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- lz-pipeline-summary -->';

export interface MarkdownOptions {
  /** Upper bound on the length (UTF-16 code units, which is at least the character count). @default 65,536 less a margin */
  readonly limit?: number;
}

interface Detail {
  readonly resourcesPerStack: number;
  /** Which stacks get a (collapsed) list of their resource changes. */
  readonly resourceSections: 'all' | 'notable' | 'none';
  readonly violationRows: number;
  readonly outputChars: number;
  readonly failureSections: number;
  /** Rows of the stack table; Infinity for all. */
  readonly stackRows: number;
}

const LEVELS: ReadonlyArray<Detail> = [
  { resourcesPerStack: 30, resourceSections: 'all', violationRows: 100, outputChars: 2000, failureSections: 30, stackRows: Infinity },
  { resourcesPerStack: 10, resourceSections: 'all', violationRows: 50, outputChars: 800, failureSections: 20, stackRows: Infinity },
  { resourcesPerStack: 3, resourceSections: 'all', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity },
  { resourcesPerStack: 10, resourceSections: 'notable', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity },
  { resourcesPerStack: 3, resourceSections: 'notable', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity },
  { resourcesPerStack: 0, resourceSections: 'none', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity },
];

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '±', delete: '−', import: '⇲', forget: '⊘' };

export function renderMarkdown(report: PipelineReport, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 512;
  for (const level of LEVELS) {
    const text = render(report, level);
    if (text.length <= limit) return text;
  }
  // Last resort: as many stack rows as fit (binary search), everything else at its minimum.
  const minimal: Detail = { resourcesPerStack: 0, resourceSections: 'none', violationRows: 10, outputChars: 0, failureSections: 0, stackRows: 0 };
  let lo = 0;
  let hi = report.stacks.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(report, { ...minimal, stackRows: mid }).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  const text = render(report, { ...minimal, stackRows: lo });
  return text.length <= limit ? text : text.slice(0, limit - 80) + '\n\n… (cut at the comment limit: see the JSON report)\n';
}

function render(report: PipelineReport, d: Detail): string {
  const t = totals(report);
  const passed = reportPassed(report);
  const verb = report.command === 'plan' ? 'plan' : 'apply';
  const out: string[] = [COMMENT_MARKER];
  const problems = [t.violations ? `${n(t.violations)} guard violation${s(t.violations)}` : '', t.failed ? `${n(t.failed)} stack${s(t.failed)} failed or held back` : ''].filter(Boolean);
  out.push(`## ${passed ? '✅' : '❌'} Landing zone ${verb}: ${problems.length ? problems.join(', ') : changedSummary(t.stacks, t.byChange.removed)}`);
  out.push('');
  out.push(`${modeLine(report)}  \nBase \`${code(report.base.ref)}\` (\`${report.base.commit.slice(0, 12)}\`) → head ${report.head.commit ? `\`${report.head.commit.slice(0, 12)}\`` : 'working tree'}${report.head.dirty ? ' with uncommitted changes' : ''}`);
  out.push('');
  out.push('| Stacks | Create | Update | Replace | Delete | Import | Violations | Failed | Needs approval |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${n(t.stacks)} | ${n(t.counts.create)} | ${n(t.counts.update)} | ${n(t.counts.replace)} | ${n(t.counts.delete)} | ${n(t.counts.import)} | ${n(t.violations)} | ${n(t.failed)} | ${t.needsApproval ? `${n(t.needsApproval)} (${n(t.approvalTenants)} tenant${s(t.approvalTenants)})` : '0'} |`);

  const violations = report.stacks.flatMap((st) => st.violations);
  if (violations.length > 0) {
    out.push('', `### ❌ Guard violations (${n(violations.length)})`, '', '| Stack | Resource | Problem | To pass |', '|---|---|---|---|');
    for (const v of violations.slice(0, d.violationRows)) out.push(violationRow(v));
    if (violations.length > d.violationRows) out.push('', `… and ${n(violations.length - d.violationRows)} more in the JSON report.`);
  }

  const failures = report.stacks.filter(isHeldBack);
  if (failures.length > 0) {
    out.push('', `### ❌ Failed or held back (${n(failures.length)})`, '');
    failures.forEach((st, i) => {
      const why = failureLine(st);
      if (i < d.failureSections && st.error?.output && d.outputChars > 0) {
        out.push(`<details><summary><code>${html(st.stack)}</code>: ${html(why)}</summary>`, '', '```text', fence(tail(st.error.output, d.outputChars)), '```', '</details>');
      } else {
        out.push(`- \`${code(st.stack)}\`: ${md(why)}`);
      }
    });
  }

  const approvals = groupApprovals(report.stacks.filter(needsApproval));
  if (approvals.length > 0) {
    out.push('', `### 🔐 Needs approval (${n(t.needsApproval)} stack${s(t.needsApproval)})`, '', '| Environment | Approvers | Stacks |', '|---|---|---|');
    for (const a of approvals.slice(0, Math.max(d.violationRows, 10))) out.push(`| \`${code(a.environment)}\` | ${a.approvers.length ? a.approvers.map((x) => md(x)).join(', ') : '**none listed**'} | ${a.stacks.map((x) => `\`${code(x)}\``).join(', ')} |`);
    if (approvals.length > Math.max(d.violationRows, 10)) out.push('', `… and ${n(approvals.length - Math.max(d.violationRows, 10))} more environments in the JSON report.`);
  }

  const moves = report.stacks.filter((st) => st.migration && st.tenantId);
  if (moves.length > 0) {
    const verb = report.command === 'plan' ? 'will follow' : 'follow';
    out.push('', `### ↗ Tier moves that ${verb} the apply (${n(moves.length)})`, '', '`lz migrate` carries each out once the tenant\'s stacks are applied, and keeps its evidence (counts, checksums, times) next to the tenant\'s state for the audit.', '', '| Tenant | Move | Steps |', '|---|---|---|');
    for (const st of moves.slice(0, Math.max(d.violationRows, 10))) {
      const m = st.migration!;
      out.push(`| \`${code(st.tenantId!)}\` | ${md(m.move.replace('-', ' → '))} (${m.kind}) | ${m.steps.map((x, i) => `${i + 1}. ${md(x)}`).join('<br>')} |`);
    }
    if (moves.length > Math.max(d.violationRows, 10)) out.push('', `… and ${n(moves.length - Math.max(d.violationRows, 10))} more moves in the JSON report.`);
  }

  const stacks = [...report.stacks].sort(byAttention);
  if (stacks.length > 0) {
    const rows = stacks.slice(0, d.stackRows);
    out.push('', '### Stacks', '', `<details${stacks.length <= 30 ? ' open' : ''}><summary>${n(stacks.length)} stack${s(stacks.length)}: ${n(t.byChange.added)} added, ${n(t.byChange.changed)} changed, ${n(t.byChange.removed)} removed${t.byChange.unchanged ? `, ${n(t.byChange.unchanged)} unchanged` : ''}</summary>`, '');
    if (rows.length > 0) {
      out.push('| Stack | Change | Status | + | ~ | ± | − | Notes |', '|---|---|---|--:|--:|--:|--:|---|');
      for (const st of rows) out.push(stackRow(st));
    }
    if (stacks.length > rows.length) out.push('', `… and ${n(stacks.length - rows.length)} more stacks in the JSON report.`);
    out.push('', '</details>');
  }

  if (d.resourceSections !== 'none') {
    const withChanges = stacks.filter((st) => (d.resourceSections === 'all' ? st.changes.length > 0 || st.notes.length > 0 : isNotable(st)));
    if (withChanges.length > 0) {
      out.push('', d.resourceSections === 'all' ? '### Resource changes' : `### Notable resource changes (destructive or data-bearing; all ${n(stacks.filter((st) => st.changes.length > 0).length)} stacks in the JSON report)`, '');
      for (const st of withChanges) {
        const c = st.counts;
        out.push(`<details><summary><code>${html(st.stack)}</code> +${c.create} ~${c.update} ±${c.replace} −${c.delete}${c.import ? ` ⇲${c.import}` : ''}${st.violations.length ? ' ❌' : ''}</summary>`, '');
        const notable = notableChanges(st.changes);
        for (const ch of notable.slice(0, d.resourcesPerStack)) out.push(`- ${resourceLine(ch)}`);
        if (notable.length > d.resourcesPerStack) out.push(`- … ${n(notable.length - d.resourcesPerStack)} more`);
        const noteRows = Math.min(st.notes.length, Math.max(1, Math.floor(d.resourcesPerStack / 3)));
        for (const note of st.notes.slice(0, noteRows)) out.push(`- ℹ️ ${md(note)}`);
        if (st.notes.length > noteRows) out.push(`- ℹ️ … ${n(st.notes.length - noteRows)} more configuration notes`);
        out.push('', '</details>');
      }
    }
  }
  out.push('', `<sub>Full details: the JSON report of this run (\`lz ${verb} --report-json\`).</sub>`, '');
  return out.join('\n');
}

function modeLine(r: PipelineReport): string {
  if (r.mode === 'terraform') return `**Terraform plan**${r.terraformVersion ? ` (${md(r.terraformVersion)})` : ''}`;
  if (r.mode === 'mixed') return `**Terraform and offline plans**${r.modeReason ? `: ${md(r.modeReason)}` : ''}`;
  return `**Offline plan** (diff of the synthesized desired state, no Terraform state consulted)${r.modeReason ? `: ${md(r.modeReason)}` : ''}`;
}

function changedSummary(stacks: number, removed: number): string {
  if (stacks === 0) return 'no stack changes';
  return `${n(stacks - removed)} stack${s(stacks - removed)} to change${removed ? `, ${n(removed)} removed` : ''}, no guard violations`;
}

function violationRow(v: GuardViolation): string {
  return `| \`${code(v.stack)}\` | ${v.address ? `\`${code(v.address)}\`` : '-'} | ${md(v.message)} | ${md(v.remedy)} |`;
}

function failureLine(st: StackReport): string {
  if (st.status === 'blocked') return `not run: dependenc${st.blockedBy?.length === 1 ? 'y' : 'ies'} ${(st.blockedBy ?? []).join(', ')} did not succeed`;
  if (st.status === 'not-approved') return 'not applied: outside its approval environment';
  if (st.status === 'refused') return 'not applied: a guard refused its plan';
  if (!st.error) return st.status;
  return `${st.status === 'timed-out' ? 'timed out' : 'failed'} in ${st.error.phase}${st.error.exitCode !== undefined ? ` (exit ${st.error.exitCode})` : ''}: ${st.error.message}`;
}

function groupApprovals(stacks: ReadonlyArray<StackReport>): Array<{ environment: string; approvers: ReadonlyArray<string>; stacks: string[] }> {
  const byEnv = new Map<string, { environment: string; approvers: ReadonlyArray<string>; stacks: string[] }>();
  for (const st of stacks) {
    const e = byEnv.get(st.approval!.environment) ?? { environment: st.approval!.environment, approvers: st.approval!.approvers, stacks: [] };
    e.stacks.push(st.stack);
    byEnv.set(e.environment, e);
  }
  return [...byEnv.values()].sort((a, b) => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0));
}

/** Stacks needing attention first (violations, failures), then in dependency order. */
function byAttention(a: StackReport, b: StackReport): number {
  const rank = (st: StackReport) => (st.violations.length > 0 ? 0 : isHeldBack(st) ? 1 : 2);
  return rank(a) - rank(b) || compareStackReports(a, b);
}

function stackRow(st: StackReport): string {
  const c = st.counts;
  const notes: string[] = [];
  if (st.violations.length) notes.push(`❌ ${st.violations.length} violation${s(st.violations.length)}`);
  if (st.approval && needsApproval(st)) notes.push(`🔐 needs approval by ${st.approval.approvers.join(', ') || 'nobody listed'}`);
  if (st.source === 'offline' && st.sourceNote) notes.push(`offline: ${st.sourceNote}`);
  if (st.status === 'removed') notes.push(`not destroyed: state stays at ${st.state}`);
  if (c.import) notes.push(`${c.import} import${s(c.import)}`);
  return `| \`${code(st.stack)}\` | ${st.change} | ${st.status} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${md(notes.join('; '))} |`;
}

/** A stack whose changes a reviewer must see: guard violations, destruction, data-bearing resources. */
function isNotable(st: StackReport): boolean {
  return st.violations.length > 0 || st.changes.some((c) => c.dataBearing || c.action === 'delete' || c.action === 'replace');
}

/** Destructive changes, then data-bearing ones, then the rest (each already sorted). */
function notableChanges(changes: ReadonlyArray<ResourceChange>): ResourceChange[] {
  const rank = (c: ResourceChange) => (c.action === 'delete' || c.action === 'replace' ? 0 : c.dataBearing ? 1 : 2);
  return [...changes].sort((a, b) => rank(a) - rank(b));
}

function resourceLine(c: ResourceChange): string {
  const attrs = c.action === 'replace' && c.replacedBecause?.length ? ` (forced by ${c.replacedBecause.slice(0, 5).join(', ')})` : c.action === 'update' && c.changedAttributes?.length ? `: ${c.changedAttributes.slice(0, 5).join(', ')}${c.changedAttributes.length > 5 ? ', …' : ''}` : '';
  return `\`${SYMBOL[c.action]}\` \`${code(c.address)}\` ${c.action}${c.dataBearing ? ' (data-bearing)' : ''}${md(attrs)}`;
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function s(x: number): string {
  return x === 1 ? '' : 's';
}

/** Text inside a code span: backticks would end it, pipes would end a table cell. */
function code(x: string): string {
  return x.replace(/`/g, "'").replace(/\|/g, '\\|');
}

/** Plain Markdown text in a table cell or list. */
function md(x: string): string {
  return x.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;');
}

function html(x: string): string {
  return x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text inside a fenced block cannot close it. */
function fence(x: string): string {
  return x.replace(/```/g, "'''");
}

function tail(x: string, chars: number): string {
  return x.length <= chars ? x : `…${x.slice(x.length - chars)}`;
}
