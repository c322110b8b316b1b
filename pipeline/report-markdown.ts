import { htmlText } from '../format/html';
import { codeSpan, markdownTable, markdownText, tableCode } from '../format/markdown';
import { terminalText } from '../format/terminal';
import { ChangeAction, isDestructive, ResourceChange } from './changes';
import { GuardViolation } from './guards';
import { compareStackReports, driftByTenant, isHeldBack, isQuiet, needsApproval, PipelineReport, providerText, reportPassed, STACK_STATUSES, StackReport, totals } from './report';
import { outcomeText, tenantOutcomes } from './report-tenants';

/**
 * The pull-request comment: what happens to each tenant first, then totals, guard violations,
 * failures and approvals, then the stacks that change or fail and (collapsed) their notable
 * resource changes with old and new values. It is rendered at decreasing levels of detail until
 * it fits GitHub's comment limit, so that 200 or 5,000 affected stacks still give one readable
 * comment; the JSON report always has everything. Every value printed is escaped for Markdown
 * (or HTML inside `<details>`), so no field of a report can add markup.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Marks the pipeline's comment, so that a workflow updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- lz-pipeline-summary -->';

export interface MarkdownOptions {
  /** Upper bound on the length (UTF-16 code units, which is at least the character count). @default 65,536 less a margin */
  readonly limit?: number;
  /** The CI run that made the report (see workflowRunUrl), linked under the title. */
  readonly runUrl?: string;
  /** List every stack, also those without changes. @default false: only stacks that change or fail */
  readonly verbose?: boolean;
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
  /** Lines of the per-tenant summary. */
  readonly tenantRows: number;
  /** Old and new values shown per resource change. */
  readonly valuesPerChange: number;
}

const LEVELS: ReadonlyArray<Detail> = [
  { resourcesPerStack: 30, resourceSections: 'all', violationRows: 100, outputChars: 2000, failureSections: 30, stackRows: Infinity, tenantRows: Infinity, valuesPerChange: 8 },
  { resourcesPerStack: 10, resourceSections: 'all', violationRows: 50, outputChars: 800, failureSections: 20, stackRows: Infinity, tenantRows: Infinity, valuesPerChange: 3 },
  { resourcesPerStack: 3, resourceSections: 'all', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity, tenantRows: 300, valuesPerChange: 1 },
  { resourcesPerStack: 10, resourceSections: 'notable', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity, tenantRows: 200, valuesPerChange: 1 },
  { resourcesPerStack: 3, resourceSections: 'notable', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity, tenantRows: 100, valuesPerChange: 0 },
  { resourcesPerStack: 0, resourceSections: 'none', violationRows: 30, outputChars: 300, failureSections: 10, stackRows: Infinity, tenantRows: 50, valuesPerChange: 0 },
];

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '±', delete: '−', import: '⇲', forget: '⊘' };

/**
 * The link to the GitHub Actions run that is rendering the report, from the variables GitHub
 * sets in every job; undefined outside Actions or when a variable does not look like GitHub's.
 */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repo = env.GITHUB_REPOSITORY;
  const run = env.GITHUB_RUN_ID;
  if (!server || !repo || !run) return undefined;
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(server) || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || !/^\d{1,20}$/.test(run)) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT && /^\d{1,5}$/.test(env.GITHUB_RUN_ATTEMPT) && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server}/${repo}/actions/runs/${run}${attempt}`;
}

export function renderMarkdown(report: PipelineReport, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 512;
  const pre = prepare(report, opts);
  for (const level of LEVELS) {
    const text = render(pre, level, limit);
    if (text !== undefined) return text;
  }
  // Last resort: as many stack rows as fit (binary search), everything else at its minimum.
  const minimal: Detail = { resourcesPerStack: 0, resourceSections: 'none', violationRows: 10, outputChars: 0, failureSections: 0, stackRows: 0, tenantRows: 20, valuesPerChange: 0 };
  let lo = 0;
  let hi = pre.listed.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(pre, { ...minimal, stackRows: mid }, limit) !== undefined) lo = mid;
    else hi = mid - 1;
  }
  const text = render(pre, { ...minimal, stackRows: lo }, Infinity)!;
  return text.length <= limit ? text : text.slice(0, limit - 80) + '\n\n… (cut at the comment limit: see the JSON report)\n';
}

/** What every level of detail renders from, computed once. */
interface Prepared {
  readonly report: PipelineReport;
  readonly opts: MarkdownOptions;
  readonly t: ReturnType<typeof totals>;
  readonly passed: boolean;
  readonly tenants: ReturnType<typeof tenantOutcomes>;
  /** Stacks needing attention first. */
  readonly stacks: ReadonlyArray<StackReport>;
  /** The stacks the table lists (without --verbose, those that change or fail). */
  readonly listed: ReadonlyArray<StackReport>;
  readonly violations: ReadonlyArray<GuardViolation>;
  readonly failures: ReadonlyArray<StackReport>;
  readonly approvals: ReturnType<typeof groupApprovals>;
  readonly withChanges: ReadonlyArray<StackReport>;
  readonly notable: ReadonlyArray<StackReport>;
}

function prepare(report: PipelineReport, opts: MarkdownOptions): Prepared {
  const stacks = [...report.stacks].sort(byAttention);
  return {
    report,
    opts,
    t: totals(report),
    passed: reportPassed(report),
    tenants: tenantOutcomes(report),
    stacks,
    listed: opts.verbose ? stacks : stacks.filter((st) => !isQuiet(st)),
    violations: report.stacks.flatMap((st) => st.violations),
    failures: report.stacks.filter(isHeldBack),
    approvals: groupApprovals(report.stacks.filter(needsApproval)),
    withChanges: stacks.filter((st) => st.changes.length > 0 || st.notes.length > 0),
    notable: stacks.filter(isNotable),
  };
}

/** Lines that stop the rendering once they pass the length limit (a level that cannot fit is abandoned early). */
class Lines {
  private readonly lines: string[] = [];
  private length = 0;
  constructor(private readonly limit: number) {}
  push(...xs: string[]): void {
    for (const x of xs) {
      this.lines.push(x);
      this.length += x.length + 1;
    }
    if (this.length > this.limit) throw TOO_LONG;
  }
  text(): string {
    return this.lines.join('\n');
  }
}

const TOO_LONG = new Error('over the length limit');

/** The comment at one level of detail, or undefined when it is longer than `limit`. */
function render(pre: Prepared, d: Detail, limit: number): string | undefined {
  const out = new Lines(limit);
  try {
    renderInto(out, pre, d);
  } catch (e) {
    if (e === TOO_LONG) return undefined;
    throw e;
  }
  const text = out.text();
  return text.length <= limit ? text : undefined;
}

function renderInto(out: Lines, pre: Prepared, d: Detail): void {
  const { report, opts, t, passed, tenants, stacks, listed, violations, failures, approvals } = pre;
  const verb = report.command;
  out.push(COMMENT_MARKER);
  const unreadable = report.unreadable ?? [];
  const drift = driftByTenant(report);
  const problems = [
    drift.length ? `${n(t.byStatus.drifted)} stack${s(t.byStatus.drifted)} drifted in ${n(drift.length)} tenant${s(drift.length)}` : '',
    t.violations ? `${n(t.violations)} guard violation${s(t.violations)}` : '',
    t.failed ? `${n(t.failed)} stack${s(t.failed)} failed or held back` : '',
    unreadable.length ? `${n(unreadable.length)} job report${s(unreadable.length)} unreadable` : '',
  ].filter(Boolean);
  const calm = verb === 'drift' ? `no drift in ${n(t.stacks)} stack${s(t.stacks)}` : changedSummary(t.stacks, t.byChange.removed);
  out.push(`## ${passed && drift.length === 0 ? '✅' : '❌'} Landing zone ${verb}: ${problems.length ? problems.join(', ') : calm}`);
  out.push('');
  const head = `${report.head.commit ? codeSpan(report.head.commit.slice(0, 12)) : 'working tree'}${report.head.dirty ? ' with uncommitted changes' : ''}`;
  const revisions = verb === 'drift' ? `Configuration at ${head}` : `Base ${codeSpan(report.base.ref)} (${codeSpan(report.base.commit.slice(0, 12))}) → head ${head}`;
  out.push(`${modeLine(report)}  \n${revisions}${opts.runUrl ? `  \n[Workflow run](${opts.runUrl})` : ''}`);

  if (tenants.length > 0) {
    out.push('', `### Tenants (${n(tenants.filter((x) => x.tenantId !== undefined).length)})`, '');
    for (const o of tenants.slice(0, d.tenantRows)) {
      const mark = o.violations > 0 || o.failed.length > 0 ? '❌ ' : o.approvers ? '🔐 ' : '';
      const who = o.tenantId === undefined ? 'shared stacks' : `${codeSpan(o.tenantId)}${o.tier ? ` (${markdownText(o.previousTier ? `${o.previousTier} → ${o.tier}` : o.tier)})` : ''}`;
      out.push(`- ${mark}${who}: ${markdownText(outcomeText(o, SYMBOL))}`);
    }
    if (tenants.length > d.tenantRows) out.push(`- … and ${n(tenants.length - d.tenantRows)} more in the JSON report`);
  }

  out.push('');
  out.push(
    ...markdownTable(
      ['Stacks', 'Create', 'Update', 'Replace', 'Delete', 'Import', 'Forget', 'Violations', 'Failed', 'Needs approval'],
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      [[n(t.stacks), n(t.counts.create), n(t.counts.update), n(t.counts.replace), n(t.counts.delete), n(t.counts.import), n(t.counts.forget), n(t.violations), n(t.failed), t.needsApproval ? `${n(t.needsApproval)} (${n(t.approvalTenants)} tenant${s(t.approvalTenants)})` : '0']],
    ),
  );
  if (t.stacks > 0) out.push('', breakdown(t));

  if (unreadable.length > 0) {
    out.push('', `### ❌ Job reports that could not be read (${n(unreadable.length)})`, '', 'Their stacks count as without a report.', '');
    for (const u of unreadable.slice(0, d.violationRows)) out.push(`- ${codeSpan(u.input)}: ${markdownText(u.problem)}`);
    if (unreadable.length > d.violationRows) out.push(`- … and ${n(unreadable.length - d.violationRows)} more`);
  }

  if (violations.length > 0) {
    out.push('', `### ❌ Guard violations (${n(violations.length)})`, '', '| Stack | Resource | Problem | To pass |', '|---|---|---|---|');
    for (const v of violations.slice(0, d.violationRows)) out.push(violationRow(v));
    if (violations.length > d.violationRows) out.push('', `… and ${n(violations.length - d.violationRows)} more in the JSON report.`);
  }

  if (failures.length > 0) {
    out.push('', `### ❌ Failed or held back (${n(failures.length)})`, '');
    failures.forEach((st, i) => {
      const why = failureLine(st);
      if (i < d.failureSections && st.error?.output && d.outputChars > 0) {
        // Raw HTML block: HTML escaping there; the output goes into a fence no line can close.
        // A blank line after </details> ends the HTML block: Markdown that follows is Markdown again.
        out.push(`<details><summary><code>${inlineHtml(st.stack)}</code>: ${inlineHtml(why)}</summary>`, '', ...fenced(tail(st.error.output, d.outputChars)), '</details>', '');
      } else {
        out.push(`- ${codeSpan(st.stack)}: ${markdownText(why)}`);
      }
    });
  }

  if (drift.length > 0) {
    out.push('', `### 🔀 Drift by tenant (${n(drift.length)})`, '', '| Tenant | Stack | Changed outside Terraform | To restore |', '|---|---|---|---|');
    for (const { tenant, stacks: drifted } of drift.slice(0, Math.max(d.violationRows, 10))) {
      for (const st of drifted) {
        const outside = st.drift ?? [];
        const shown = outside.slice(0, Math.max(d.resourcesPerStack, 3)).map((c) => `${tableCode(c.address)} ${c.action === 'delete' ? 'deleted' : 'changed'}`);
        const more = outside.length > shown.length ? ` … ${n(outside.length - shown.length)} more` : '';
        out.push(`| ${tableCode(tenant)} | ${tableCode(st.stack)} | ${shown.length ? shown.join(', ') + more : 'none seen by refresh (the configuration changed, or a resource is missing)'} | ${n(st.changes.length)} change${s(st.changes.length)} |`);
      }
    }
    if (drift.length > Math.max(d.violationRows, 10)) out.push('', `… and ${n(drift.length - Math.max(d.violationRows, 10))} more tenants in the JSON report.`);
  }

  if (approvals.length > 0) {
    out.push('', `### 🔐 Needs approval (${n(t.needsApproval)} stack${s(t.needsApproval)})`, '', '| Environment | Approvers | Stacks |', '|---|---|---|');
    for (const a of approvals.slice(0, Math.max(d.violationRows, 10))) out.push(`| ${tableCode(a.environment)} | ${a.approvers.length ? a.approvers.map((x) => markdownText(x)).join(', ') : '**none listed**'} | ${a.stacks.map((x) => tableCode(x)).join(', ')} |`);
    if (approvals.length > Math.max(d.violationRows, 10)) out.push('', `… and ${n(approvals.length - Math.max(d.violationRows, 10))} more environments in the JSON report.`);
  }

  const moves = report.stacks.filter((st) => st.migration && st.tenantId);
  if (moves.length > 0) {
    const verb = report.command === 'plan' ? 'will follow' : 'follow';
    out.push('', `### ↗ Tier moves that ${verb} the apply (${n(moves.length)})`, '', '`lz migrate` carries each out once the tenant\'s stacks are applied, and keeps its evidence (counts, checksums, times) next to the tenant\'s state for the audit.', '', '| Tenant | Move | Steps |', '|---|---|---|');
    for (const st of moves.slice(0, Math.max(d.violationRows, 10))) {
      const m = st.migration!;
      out.push(`| ${tableCode(st.tenantId!)} | ${markdownText(m.move.replace('-', ' → '))} (${m.kind}) | ${m.steps.map((x, i) => `${i + 1}. ${markdownText(x)}`).join('<br>')} |`);
    }
    if (moves.length > Math.max(d.violationRows, 10)) out.push('', `… and ${n(moves.length - Math.max(d.violationRows, 10))} more moves in the JSON report.`);
  }

  if (stacks.length > 0) {
    const rows = listed.slice(0, d.stackRows);
    const quiet = stacks.length - listed.length;
    out.push('', '### Stacks', '', `<details${listed.length <= 30 ? ' open' : ''}><summary>${n(stacks.length)} stack${s(stacks.length)}: ${n(t.byChange.added)} added, ${n(t.byChange.changed)} changed, ${n(t.byChange.removed)} removed${t.byChange.unchanged ? `, ${n(t.byChange.unchanged)} unchanged` : ''}</summary>`, '');
    if (rows.length > 0) {
      out.push('| Stack | Change | Status | + | ~ | ± | − | ⊘ | Notes |', '|---|---|---|--:|--:|--:|--:|--:|---|');
      for (const st of rows) out.push(stackRow(st));
    }
    if (quiet > 0) out.push('', `${n(quiet)} stack${s(quiet)} without changes ${quiet === 1 ? 'is' : 'are'} not listed (\`--verbose\` lists every stack).`);
    if (listed.length > rows.length) out.push('', `… and ${n(listed.length - rows.length)} more stacks in the JSON report.`);
    out.push('', '</details>');
  }

  if (d.resourceSections !== 'none') {
    const withChanges = d.resourceSections === 'all' ? pre.withChanges : pre.notable;
    if (withChanges.length > 0) {
      out.push('', d.resourceSections === 'all' ? '### Resource changes' : `### Notable resource changes (destructive or data-bearing; all ${n(pre.withChanges.length)} stacks in the JSON report)`, '');
      for (const st of withChanges) {
        const c = st.counts;
        out.push(`<details><summary><code>${inlineHtml(st.stack)}</code> +${c.create} ~${c.update} ±${c.replace} −${c.delete}${c.import ? ` ⇲${c.import}` : ''}${c.forget ? ` ⊘${c.forget}` : ''}${st.violations.length ? ' ❌' : ''}</summary>`, '');
        const notable = notableChanges(st.changes);
        for (const ch of notable.slice(0, d.resourcesPerStack)) out.push(...resourceLines(ch, d.valuesPerChange));
        if (notable.length > d.resourcesPerStack) out.push(`- … ${n(notable.length - d.resourcesPerStack)} more`);
        const noteRows = Math.min(st.notes.length, Math.max(1, Math.floor(d.resourcesPerStack / 3)));
        for (const note of st.notes.slice(0, noteRows)) out.push(`- ℹ️ ${markdownText(note)}`);
        if (st.notes.length > noteRows) out.push(`- ℹ️ … ${n(st.notes.length - noteRows)} more configuration notes`);
        out.push('', '</details>');
      }
    }
  }
  out.push('', `<sub>Full details: the JSON report of this run (\`lz ${verb} --report-json\`).</sub>`, '');
}

/** Counts by stack kind, tier and status, so that 400 stacks read as a few numbers. */
function breakdown(t: ReturnType<typeof totals>): string {
  const list = (entries: Array<[string, number]>) =>
    entries
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${n(v)} ${k}`)
      .join(', ');
  const tiers = Object.entries(t.byTier).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `By kind: ${list(Object.entries(t.byKind))}`,
    ...(tiers.length ? [`by tier: ${list(tiers)}`] : []),
    `by status: ${list(STACK_STATUSES.map((st) => [st, t.byStatus[st]]))}`,
  ].join(' · ');
}

function modeLine(r: PipelineReport): string {
  if (r.mode === 'terraform') return `**Terraform plan**${r.terraformVersion ? ` (${markdownText(r.terraformVersion)})` : ''}`;
  if (r.mode === 'terraform-local') return `**Local Terraform plan** (${markdownText(`${r.terraformVersion ?? 'Terraform'}${providerText(r)}`)}; no credentials, no network; prior state derived from the base revision, the provider decides update versus replace)`;
  if (r.mode === 'mixed') return `**Terraform and offline plans**${r.modeReason ? `: ${markdownText(r.modeReason)}` : ''}`;
  return `**Offline plan** (diff of the synthesized desired state, no Terraform state consulted)${r.modeReason ? `: ${markdownText(r.modeReason)}` : ''}`;
}

function changedSummary(stacks: number, removed: number): string {
  if (stacks === 0) return 'no stack changes';
  return `${n(stacks - removed)} stack${s(stacks - removed)} to change${removed ? `, ${n(removed)} removed` : ''}, no guard violations`;
}

function violationRow(v: GuardViolation): string {
  return `| ${tableCode(v.stack)} | ${v.address ? tableCode(v.address) : '-'} | ${markdownText(v.message)} | ${markdownText(v.remedy)} |`;
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
  if (st.reason) notes.push(st.reason);
  if (st.violations.length) notes.push(`❌ ${st.violations.length} violation${s(st.violations.length)}`);
  if (st.approval && needsApproval(st)) notes.push(`🔐 needs approval by ${st.approval.approvers.join(', ') || 'nobody listed'}`);
  if (st.source !== 'terraform' && st.sourceNote) notes.push(`${st.source}: ${st.sourceNote}`);
  if (st.status === 'removed') notes.push(`not destroyed: state stays at ${st.state}`);
  if (st.ouMove) notes.push(`account moves from OU ${st.ouMove.from} to OU ${st.ouMove.to}`);
  if (c.import) notes.push(`${c.import} import${s(c.import)}`);
  return `| ${tableCode(st.stack)} | ${st.change} | ${st.status} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.forget} | ${markdownText(notes.join('; '))} |`;
}

/** A stack whose changes a reviewer must see: guard violations, destruction, data-bearing resources. */
function isNotable(st: StackReport): boolean {
  return st.violations.length > 0 || st.changes.some((c) => c.dataBearing || isDestructive(c));
}

/** Destructive changes, then data-bearing ones, then the rest (each already sorted). */
function notableChanges(changes: ReadonlyArray<ResourceChange>): ResourceChange[] {
  const rank = (c: ResourceChange) => (isDestructive(c) ? 0 : c.dataBearing ? 1 : 2);
  return [...changes].sort((a, b) => rank(a) - rank(b));
}

/** A resource change, and under it the old and new value of up to `values` of its attributes. */
function resourceLines(c: ResourceChange, values: number): string[] {
  const shown = values > 0 ? (c.valueChanges ?? []).slice(0, values) : [];
  const listed = new Set(shown.map((v) => v.path));
  const others = (c.changedAttributes ?? []).filter((p) => !listed.has(p));
  const paths = (xs: ReadonlyArray<string>) => `${xs.slice(0, 5).map(codeSpan).join(', ')}${xs.length > 5 ? ', …' : ''}`;
  const attrs = c.action === 'replace' && c.replacedBecause?.length ? ` (forced by ${paths(c.replacedBecause)})` : c.action === 'update' && others.length && shown.length === 0 ? `: ${paths(others)}` : '';
  const line = `- ${codeSpan(SYMBOL[c.action])} ${codeSpan(c.address)} ${c.action}${c.dataBearing ? ' (data-bearing)' : ''}${attrs}`;
  const more = shown.length > 0 && others.length > 0 ? [`  - and ${others.length} more changed: ${paths(others)}`] : [];
  return [line, ...shown.map((v) => `  - ${codeSpan(v.path)}: ${codeSpan(v.before)} → ${codeSpan(v.after)}`), ...more];
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function s(x: number): string {
  return x === 1 ? '' : 's';
}

/** Text inside the one-line raw HTML of a `<summary>`: one line, controls visible, HTML-escaped. */
function inlineHtml(x: string): string {
  return htmlText(terminalText(x));
}

/** A fenced block no line of `x` can close: the fence is longer than any backtick run in it. */
function fenced(x: string): string[] {
  const longest = Math.max(2, ...(x.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, x.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`), fence];
}

function tail(x: string, chars: number): string {
  return x.length <= chars ? x : `…${x.slice(x.length - chars)}`;
}
