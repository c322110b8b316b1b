import { RESTORE_TEST_PERIOD_DAYS } from '../../model/profile';
import { RestoreJobFact } from '../context';
import { Evidence } from '../model';
import { asList, recordFor } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev } from './helpers';

/** A restore job that restored and, where it was validated, passed validation. */
function succeeded(job: RestoreJobFact): boolean {
  return job.status === 'COMPLETED' && job.validationStatus !== 'FAILED' && job.validationStatus !== 'TIMED_OUT';
}

function failed(job: RestoreJobFact): boolean {
  return job.status === 'FAILED' || job.status === 'ABORTED' || job.validationStatus === 'FAILED' || job.validationStatus === 'TIMED_OUT';
}

/**
 * Backups you can prove: the tenant's restore testing plan restores recovery points of the
 * vault its backups go to, on the agreed schedule, covering the agreed resources with copies
 * kept the agreed hours. With `--live`, AWS Backup's restore jobs are the evidence: the last
 * successful restore per resource type is reported, and restores that never ran, fail, or last
 * succeeded longer ago than the schedule allows are findings.
 */
export const restoreTesting: AuditRule = {
  id: 'restore-testing',
  tiers: ['L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_backup_restore_testing_plan', 'aws_backup_restore_testing_selection', 'aws_backup_vault'] },
  check(ctx) {
    const agreed = ctx.profile.restoreTesting;
    if (!agreed) return fail('the profile of a dedicated tenant has no restore testing', []);
    const stack = ctx.stack('data');
    const plan = byName(ctx, 'data', 'aws_backup_restore_testing_plan', agreed.planName);
    if (!plan) {
      const plans = ctx.records('data', 'aws_backup_restore_testing_plan').map((p) => p.values.name);
      return fail(`restore testing plan ${agreed.planName} is not in the evidence: the backups are never proven`, [{ stack: stack.stack, address: 'aws_backup_restore_testing_plan.*', attribute: 'name', value: plans }]);
    }
    const problems: string[] = [];
    const evidence: Evidence[] = [ev(plan, 'schedule_expression')];
    if (plan.values.schedule_expression !== agreed.scheduleExpression) problems.push(`plan runs ${String(plan.values.schedule_expression)}, agreed ${agreed.scheduleExpression} (${agreed.frequency})`);
    const selection = asList<Record<string, unknown>>(plan.values.recovery_point_selection)[0] ?? {};
    const vaults = asList<string>(selection.include_vaults);
    evidence.push(ev(plan, 'recovery_point_selection[0].include_vaults', vaults));
    const testsTarget = vaults.some((v) => recordFor(stack, ['aws_backup_vault'], v, ['arn'])?.values.name === agreed.vaultName || v.endsWith(`:backup-vault:${agreed.vaultName}`));
    if (!testsTarget) problems.push(`the plan restores from ${vaults.join(', ') || 'no vault'}, not ${agreed.vaultName} where the backups go`);

    const selections = ctx.records('data', 'aws_backup_restore_testing_selection');
    for (const want of agreed.selections) {
      const s = selections.find((r) => r.values.name === want.name);
      if (!s) {
        problems.push(`no ${want.resourceType} selection ${want.name}`);
        continue;
      }
      evidence.push(ev(s, 'protected_resource_arns'), ev(s, 'validation_window_hours'));
      const planRef = s.values.restore_testing_plan_name;
      if (planRef !== agreed.planName && recordFor(stack, ['aws_backup_restore_testing_plan'], planRef, ['name']) !== plan) problems.push(`${want.name} belongs to ${String(planRef)}, not ${agreed.planName}`);
      if (s.values.protected_resource_type !== want.resourceType) problems.push(`${want.name} restores ${String(s.values.protected_resource_type)}, expected ${want.resourceType}`);
      if (Number(s.values.validation_window_hours) !== agreed.validationWindowHours) problems.push(`${want.name} keeps restored copies ${String(s.values.validation_window_hours)} hours, agreed ${agreed.validationWindowHours}`);
      const arns = asList<string>(s.values.protected_resource_arns);
      const expected = want.resources.map((r) => (r === 'items' ? `:table/${ctx.profile.data.itemsTable}` : r === 'users' ? `:table/${ctx.profile.data.usersTable}` : `:::${ctx.profile.data.bucketName(ctx.tenantAccountId ?? '')}`));
      const missing = want.resources.filter((_, i) => !arns.some((a) => a.endsWith(expected[i])));
      if (missing.length > 0) problems.push(`${want.name} does not restore ${missing.join(', ')}`);
    }

    let proven = 'restore results not read (run with --live)';
    const live = ctx.live;
    if (live) {
      const tests = live.restoreTests;
      if (!tests) problems.push('live: the restore jobs could not be read, so the backups are unproven (see the problems of this tenant)');
      else {
        const readAt = Date.parse(live.readAt ?? '');
        const maxAgeDays = RESTORE_TEST_PERIOD_DAYS[agreed.frequency] + 1;
        const lines: string[] = [];
        for (const want of agreed.selections) {
          const jobs = tests.jobs.filter((j) => j.resourceType === want.resourceType);
          const last = jobs.find(succeeded);
          const latest = jobs.find((j) => j.status !== 'PENDING' && j.status !== 'RUNNING');
          evidence.push({ stack: 'live', address: `backup:${tests.planArn}`, attribute: `last successful ${want.resourceType} restore`, value: last ?? null });
          if (jobs.length === 0) problems.push(`live: no ${want.resourceType} restore test ran in the last 90 days`);
          else if (!last) problems.push(`live: every ${want.resourceType} restore test failed (latest: ${latest?.status}${latest?.validationStatus ? `/${latest.validationStatus}` : ''}${latest?.message ? `: ${latest.message}` : ''})`);
          else {
            if (latest && failed(latest)) problems.push(`live: the latest ${want.resourceType} restore test ${latest.id} failed (${latest.status}${latest.validationStatus ? `/${latest.validationStatus}` : ''}${latest.message ? `: ${latest.message}` : ''})`);
            const at = last.completedAt ?? last.createdAt;
            const ageDays = (readAt - Date.parse(at)) / 86_400_000;
            if (Number.isFinite(ageDays) && ageDays > maxAgeDays) problems.push(`live: the last successful ${want.resourceType} restore was ${Math.floor(ageDays)} days ago (${at}), more than a ${agreed.frequency} schedule allows`);
            lines.push(`${want.resourceType} ${at} (${last.id})`);
          }
        }
        proven = `last successful restores: ${lines.join(', ') || 'none'}`;
      }
    }
    return verdict(problems, `restore tests ${agreed.frequency} from ${agreed.vaultName}, ${agreed.selections.map((s) => s.resources.join('+')).join(', ')}, copies kept ${agreed.validationWindowHours} h; ${proven}`, evidence);
  },
};
