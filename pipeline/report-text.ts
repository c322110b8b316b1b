import { table } from '../scripts/io';
import { CHANGE_ACTIONS, ResourceChange } from './changes';
import { compareStackReports, isHeldBack, needsApproval, PipelineReport, reportPassed, StackReport, totals } from './report';

/** The report for a terminal: the same content as the Markdown comment, without collapsing. */
export interface TextOptions {
  /** Resource changes listed per stack. @default 10 */
  readonly resourcesPerStack?: number;
}

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', replace: '±', delete: '-', import: '<', forget: '/' };

export function renderText(report: PipelineReport, opts: TextOptions = {}): string {
  const per = opts.resourcesPerStack ?? 10;
  const t = totals(report);
  const out: string[] = [];
  const mode = report.mode === 'terraform' ? `Terraform${report.terraformVersion ? ` ${report.terraformVersion}` : ''}` : report.mode === 'mixed' ? 'Terraform and offline' : 'offline (desired-state diff)';
  out.push(`${report.command === 'plan' ? 'Plan' : 'Apply'}: ${mode}${report.modeReason ? ` (${report.modeReason})` : ''}; base ${report.base.ref} (${report.base.commit.slice(0, 12)}) → ${report.head.commit ? report.head.commit.slice(0, 12) : 'working tree'}${report.head.dirty ? ' + uncommitted changes' : ''}`);
  out.push(
    `  ${t.stacks} stack${t.stacks === 1 ? '' : 's'}: ${CHANGE_ACTIONS.filter((a) => a !== 'forget' || t.counts.forget)
      .map((a) => `${t.counts[a]} to ${a}`)
      .join(', ')}; ${t.violations} guard violation${t.violations === 1 ? '' : 's'}; ${t.failed} failed or held back; ${t.needsApproval} need${t.needsApproval === 1 ? 's' : ''} approval`,
  );
  const violations = report.stacks.flatMap((s) => s.violations);
  if (violations.length) {
    out.push('', '✗ Guard violations');
    for (const v of violations) out.push(`  ${v.stack}: ${v.message}`, `      to pass: ${v.remedy}`);
  }
  const failed = report.stacks.filter(isHeldBack);
  if (failed.length) {
    out.push('', '✗ Failed or held back');
    for (const s of failed) {
      if (s.status === 'blocked') out.push(`  ${s.stack}: not run, ${(s.blockedBy ?? []).join(', ')} did not succeed`);
      else if (s.error) {
        out.push(`  ${s.stack}: ${s.status} in ${s.error.phase}${s.error.exitCode !== undefined ? ` (exit ${s.error.exitCode})` : ''}: ${s.error.message}`);
        if (s.error.output) out.push(...s.error.output.trimEnd().split('\n').slice(-15).map((l) => `      ${l}`));
      } else out.push(`  ${s.stack}: ${s.status}`);
    }
  }
  const approvals = report.stacks.filter(needsApproval);
  if (approvals.length) {
    out.push('', 'Needs approval');
    for (const s of approvals) out.push(`  ${s.stack}: by ${s.approval!.approvers.join(', ') || 'nobody listed'} (environment ${s.approval!.environment})`);
  }
  const moves = report.stacks.filter((s) => s.migration);
  if (moves.length) {
    out.push('', `Tier moves that lz migrate carries out after the apply`);
    for (const s of moves) out.push(`  ${s.tenantId}: ${s.migration!.move} (${s.migration!.kind})`, ...s.migration!.steps.map((x, i) => `      ${i + 1}. ${x}`));
  }
  const stacks = [...report.stacks].sort(compareStackReports);
  if (stacks.length) {
    out.push('', 'Stacks');
    out.push(
      table(
        ['STACK', 'CHANGE', 'STATUS', '+', '~', '±', '-', 'NOTES'],
        stacks.map((s) => [s.stack, s.change, s.status, String(s.counts.create), String(s.counts.update), String(s.counts.replace), String(s.counts.delete), notes(s)]),
        '  ',
      ),
    );
  }
  const withChanges = stacks.filter((s) => s.changes.length || s.notes.length);
  if (withChanges.length && per > 0) {
    out.push('', 'Resource changes');
    for (const s of withChanges) {
      out.push(`  ${s.stack}`);
      for (const c of s.changes.slice(0, per)) out.push(`    ${SYMBOL[c.action]} ${c.address}${c.dataBearing ? ' [data-bearing]' : ''}${detail(c)}`);
      if (s.changes.length > per) out.push(`    … ${s.changes.length - per} more`);
      for (const note of s.notes.slice(0, 3)) out.push(`    i ${note}`);
      if (s.notes.length > 3) out.push(`    i … ${s.notes.length - 3} more notes`);
    }
  }
  out.push('', reportPassed(report) ? `✓ ${report.command} passed` : `✗ ${report.command} failed: ${t.violations} guard violation(s), ${t.failed} stack(s) failed or held back`);
  return out.join('\n');
}

function notes(s: StackReport): string {
  const n: string[] = [];
  if (s.violations.length) n.push(`${s.violations.length} violation(s)`);
  if (s.source === 'offline' && s.sourceNote) n.push(`offline: ${s.sourceNote}`);
  if (s.status === 'removed') n.push(`not destroyed, state stays at ${s.state}`);
  if (s.counts.import) n.push(`${s.counts.import} import(s)`);
  return n.join('; ');
}

function detail(c: ResourceChange): string {
  if (c.action === 'replace' && c.replacedBecause?.length) return ` (forced by ${c.replacedBecause.join(', ')})`;
  if (c.action === 'update' && c.changedAttributes?.length) return `: ${c.changedAttributes.slice(0, 6).join(', ')}${c.changedAttributes.length > 6 ? ', …' : ''}`;
  return '';
}
