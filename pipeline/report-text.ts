import { terminalLines, terminalText as t_ } from '../format/terminal';
import { table } from '../format/text-table';
import { CHANGE_ACTIONS, ResourceChange } from './changes';
import { compareStackReports, driftByTenant, isHeldBack, isQuiet, needsApproval, PipelineReport, providerText, reportPassed, STACK_STATUSES, StackReport, totals } from './report';
import { outcomeText, tenantOutcomes } from './report-tenants';

/**
 * The report for a terminal: what happens to each tenant, totals with counts by stack kind, tier
 * and status, then only the stacks that change or fail (every stack with `verbose`). Every
 * field is printed through terminalText, so no value can inject control sequences.
 */
export interface TextOptions {
  /** Resource changes listed per stack. @default 10 (every change with verbose) */
  readonly resourcesPerStack?: number;
  /** Every tenant, stack and resource change, also those without changes. @default false */
  readonly verbose?: boolean;
}

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', replace: '±', delete: '-', import: '<', forget: '/' };
const TITLE: Record<PipelineReport['command'], string> = { plan: 'Plan', apply: 'Apply', drift: 'Drift' };

/** Tenant lines printed without --verbose. */
const TENANT_LINES = 50;

export function renderText(report: PipelineReport, opts: TextOptions = {}): string {
  const verbose = opts.verbose ?? false;
  const per = opts.resourcesPerStack ?? (verbose ? Infinity : 10);
  const t = totals(report);
  const out: string[] = [];
  const mode =
    report.mode === 'terraform'
      ? `Terraform${report.terraformVersion ? ` ${t_(report.terraformVersion)}` : ''}`
      : report.mode === 'terraform-local'
        ? `local ${t_(report.terraformVersion ?? 'Terraform')}${t_(providerText(report))} (no credentials, no network; prior state derived from the base revision)`
        : report.mode === 'mixed'
          ? 'Terraform and offline'
          : 'offline (desired-state diff)';
  const head = `${report.head.commit ? report.head.commit.slice(0, 12) : 'working tree'}${report.head.dirty ? ' + uncommitted changes' : ''}`;
  const revisions = report.command === 'drift' ? `configuration at ${head}` : `base ${t_(report.base.ref)} (${report.base.commit.slice(0, 12)}) → ${head}`;
  out.push(`${TITLE[report.command]}: ${mode}${report.modeReason ? ` (${t_(report.modeReason)})` : ''}; ${revisions}`);
  out.push(
    `  ${t.stacks} stack${t.stacks === 1 ? '' : 's'}: ${CHANGE_ACTIONS.map((a) => `${t.counts[a]} to ${a}`).join(', ')}; ${t.violations} guard violation${t.violations === 1 ? '' : 's'}; ${t.failed} failed or held back; ${t.needsApproval} need${t.needsApproval === 1 ? 's' : ''} approval`,
  );
  if (t.stacks > 0) {
    const list = (entries: Array<[string, number]>) =>
      entries
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
    out.push(`  by kind: ${list(Object.entries(t.byKind))}`);
    if (Object.keys(t.byTier).length) out.push(`  by tier: ${list(Object.entries(t.byTier).sort(([a], [b]) => (a < b ? -1 : 1)))}`);
    out.push(`  by status: ${list(STACK_STATUSES.map((s) => [s, t.byStatus[s]]))}`);
  }

  const outcomes = tenantOutcomes(report).filter((o) => verbose || o.lifecycle !== 'changed' || o.counts.create + o.counts.update + o.counts.replace + o.counts.delete + o.counts.import + o.counts.forget + o.notes + o.violations + o.failed.length > 0 || o.previousTier || o.ouMove);
  if (outcomes.length > 0) {
    const shown = verbose ? outcomes : outcomes.slice(0, TENANT_LINES);
    out.push('', 'Tenants');
    for (const o of shown) out.push(`  ${o.tenantId === undefined ? 'shared stacks' : t_(o.tenantId)}${o.tier ? ` (${o.previousTier ? `${t_(o.previousTier)} → ` : ''}${t_(o.tier)})` : ''}: ${t_(outcomeText(o, SYMBOL))}`);
    if (shown.length < outcomes.length) out.push(`  … ${outcomes.length - shown.length} more tenants (--verbose lists them)`);
  }

  const unreadable = report.unreadable ?? [];
  if (unreadable.length) {
    out.push('', '✗ Job reports that could not be read (their stacks count as without a report)');
    for (const u of unreadable) out.push(`  ${t_(u.problem)}`);
  }
  const violations = report.stacks.flatMap((s) => s.violations);
  if (violations.length) {
    out.push('', '✗ Guard violations');
    for (const v of violations) out.push(`  ${t_(v.stack)}: ${t_(v.message)}`, `      to pass: ${t_(v.remedy)}`);
  }
  const failed = report.stacks.filter(isHeldBack);
  if (failed.length) {
    out.push('', '✗ Failed or held back');
    for (const s of failed) {
      if (s.status === 'blocked') out.push(`  ${t_(s.stack)}: not run, ${t_((s.blockedBy ?? []).join(', '))} did not succeed`);
      else if (s.error) {
        out.push(`  ${t_(s.stack)}: ${s.status} in ${s.error.phase}${s.error.exitCode !== undefined ? ` (exit ${s.error.exitCode})` : ''}: ${t_(s.error.message)}`);
        if (s.error.output) out.push(...terminalLines(s.error.output.trimEnd()).slice(-15).map((l) => `      ${l}`));
      } else out.push(`  ${t_(s.stack)}: ${s.status}`);
    }
  }
  const drift = driftByTenant(report);
  if (drift.length) {
    out.push('', 'Drift by tenant (what is deployed differs from the configuration)');
    for (const { tenant, stacks } of drift) {
      out.push(`  ${tenant}`);
      for (const s of stacks) {
        out.push(`    ${s.stack}: ${(s.drift ?? []).length} resource${(s.drift ?? []).length === 1 ? '' : 's'} changed outside Terraform, ${s.changes.length} to restore`);
        for (const c of (s.drift ?? []).slice(0, per)) out.push(`      outside Terraform: ${c.action === 'delete' ? 'deleted' : 'changed'} ${c.address}${detail(c)}`);
      }
    }
  }
  const approvals = report.stacks.filter(needsApproval);
  if (approvals.length) {
    out.push('', 'Needs approval');
    for (const s of approvals) out.push(`  ${t_(s.stack)}: by ${t_(s.approval!.approvers.join(', ')) || 'nobody listed'} (environment ${t_(s.approval!.environment)})`);
  }
  const moves = report.stacks.filter((s) => s.migration);
  if (moves.length) {
    out.push('', `Tier moves that lz migrate carries out after the apply`);
    for (const s of moves) out.push(`  ${s.tenantId}: ${s.migration!.move} (${s.migration!.kind})`, ...s.migration!.steps.map((x, i) => `      ${i + 1}. ${x}`));
  }
  const stacks = [...report.stacks].sort(compareStackReports);
  const listed = verbose ? stacks : stacks.filter((s) => !isQuiet(s));
  if (listed.length) {
    out.push('', verbose ? 'Stacks' : 'Stacks that change or fail');
    out.push(
      table(
        ['STACK', 'CHANGE', 'STATUS', '+', '~', '±', '-', '/', 'NOTES'],
        listed.map((s) => [t_(s.stack), s.change, s.status, String(s.counts.create), String(s.counts.update), String(s.counts.replace), String(s.counts.delete), String(s.counts.forget), t_(notes(s))]),
        '  ',
      ),
    );
  }
  if (listed.length < stacks.length) out.push(`  ${stacks.length - listed.length} stack${stacks.length - listed.length === 1 ? '' : 's'} without changes not listed (--verbose lists them)`);
  const withChanges = stacks.filter((s) => s.changes.length || s.notes.length);
  if (withChanges.length && per > 0) {
    out.push('', 'Resource changes');
    for (const s of withChanges) {
      out.push(`  ${t_(s.stack)}`);
      for (const c of s.changes.slice(0, per)) {
        out.push(`    ${SYMBOL[c.action]} ${t_(c.address)}${c.dataBearing ? ' [data-bearing]' : ''}${t_(detail(c))}`);
        for (const v of c.valueChanges ?? []) out.push(`        ${t_(v.path)}: ${t_(v.before)} → ${t_(v.after)}`);
      }
      if (s.changes.length > per) out.push(`    … ${s.changes.length - per} more`);
      const noteRows = verbose ? s.notes.length : 3;
      for (const note of s.notes.slice(0, noteRows)) out.push(`    i ${t_(note)}`);
      if (s.notes.length > noteRows) out.push(`    i … ${s.notes.length - noteRows} more notes`);
    }
  }
  out.push('', verdict(report, unreadable.length));
  return out.join('\n');
}

function verdict(report: PipelineReport, unreadable: number): string {
  const t = totals(report);
  const lost = unreadable ? `, ${unreadable} job report(s) unreadable` : '';
  if (!reportPassed(report)) return `✗ ${report.command} failed: ${t.violations} guard violation(s), ${t.failed} stack(s) failed or held back${lost}`;
  if (report.command !== 'drift') return `✓ ${report.command} passed`;
  return t.byStatus.drifted ? `✗ drift: ${t.byStatus.drifted} stack(s) differ from the configuration` : '✓ no drift: every stack matches its configuration';
}

function notes(s: StackReport): string {
  const n: string[] = [];
  if (s.reason) n.push(s.reason);
  if (s.violations.length) n.push(`${s.violations.length} violation(s)`);
  if (s.source !== 'terraform' && s.sourceNote) n.push(`${s.source}: ${s.sourceNote}`);
  if (s.status === 'removed') n.push(`not destroyed, state stays at ${s.state}`);
  if (s.ouMove) n.push(`account moves from OU ${s.ouMove.from} to OU ${s.ouMove.to}`);
  if (s.counts.import) n.push(`${s.counts.import} import(s)`);
  return n.join('; ');
}

function detail(c: ResourceChange): string {
  if (c.action === 'replace' && c.replacedBecause?.length) return ` (forced by ${c.replacedBecause.join(', ')})`;
  const shown = new Set((c.valueChanges ?? []).map((v) => v.path));
  const others = (c.changedAttributes ?? []).filter((p) => !shown.has(p));
  if (c.action === 'update' && others.length) return `: ${shown.size ? 'also ' : ''}${others.slice(0, 6).join(', ')}${others.length > 6 ? ', …' : ''}`;
  return '';
}
