import { table } from '../format/text-table';
import { CHANGE_ACTIONS, ResourceChange } from './changes';
import { compareStackReports, driftByTenant, isHeldBack, needsApproval, PipelineReport, reportPassed, StackReport, totals } from './report';

/** The report for a terminal: the same content as the Markdown comment, without collapsing. */
export interface TextOptions {
  /** Resource changes listed per stack. @default 10 */
  readonly resourcesPerStack?: number;
}

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', replace: '±', delete: '-', import: '<', forget: '/' };
const TITLE: Record<PipelineReport['command'], string> = { plan: 'Plan', apply: 'Apply', drift: 'Drift' };

export function renderText(report: PipelineReport, opts: TextOptions = {}): string {
  const per = opts.resourcesPerStack ?? 10;
  const t = totals(report);
  const out: string[] = [];
  const mode = report.mode === 'terraform' ? `Terraform${report.terraformVersion ? ` ${report.terraformVersion}` : ''}` : report.mode === 'mixed' ? 'Terraform and offline' : 'offline (desired-state diff)';
  const head = `${report.head.commit ? report.head.commit.slice(0, 12) : 'working tree'}${report.head.dirty ? ' + uncommitted changes' : ''}`;
  const revisions = report.command === 'drift' ? `configuration at ${head}` : `base ${report.base.ref} (${report.base.commit.slice(0, 12)}) → ${head}`;
  out.push(`${TITLE[report.command]}: ${mode}${report.modeReason ? ` (${report.modeReason})` : ''}; ${revisions}`);
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
    for (const s of approvals) out.push(`  ${s.stack}: by ${s.approval!.approvers.join(', ') || 'nobody listed'} (environment ${s.approval!.environment})`);
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
  out.push('', verdict(report));
  return out.join('\n');
}

function verdict(report: PipelineReport): string {
  const t = totals(report);
  if (!reportPassed(report)) return `✗ ${report.command} failed: ${t.violations} guard violation(s), ${t.failed} stack(s) failed or held back`;
  if (report.command !== 'drift') return `✓ ${report.command} passed`;
  return t.byStatus.drifted ? `✗ drift: ${t.byStatus.drifted} stack(s) differ from the configuration` : '✓ no drift: every stack matches its configuration';
}

function notes(s: StackReport): string {
  const n: string[] = [];
  if (s.reason) n.push(s.reason);
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
