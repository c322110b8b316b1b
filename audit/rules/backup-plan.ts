import { readConfigPath } from '../../terraform/protected-resources';
import { Evidence } from '../model';
import { asList, recordFor } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev } from './helpers';

/** Backups run as agreed: the plan's schedule and retention are the manifest's (the platform's for L1). */
export const backupPlan: AuditRule = {
  id: 'backup-plan',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_backup_plan', 'aws_backup_selection', 'aws_backup_vault', 'aws_backup_vault_lock_configuration'] },
  check(ctx) {
    const stack = ctx.stack('data');
    const agreed = ctx.profile.backup;
    const planName = agreed.planName;
    const plan = byName(ctx, 'data', 'aws_backup_plan', planName);
    if (!plan) return fail(`backup plan ${planName} is not in the evidence`, []);
    const rule = asList<Record<string, unknown>>(plan.values.rule)[0] ?? {};
    const lifecycle = readConfigPath(rule, ['lifecycle']) as Record<string, unknown> | undefined;
    const evidence: Evidence[] = [ev(plan, 'rule[0].schedule', rule.schedule), ev(plan, 'rule[0].lifecycle', lifecycle ?? null)];
    const problems: string[] = [];
    if (rule.schedule !== agreed.schedule) problems.push(`schedule is ${String(rule.schedule)}, agreed ${agreed.schedule}`);
    if (lifecycle?.delete_after !== agreed.retentionDays) problems.push(`retention is ${String(lifecycle?.delete_after)} days, agreed ${agreed.retentionDays}`);
    if ((lifecycle?.cold_storage_after ?? undefined) !== (agreed.coldStorageAfterDays ?? undefined) && !(lifecycle?.cold_storage_after === 0 && agreed.coldStorageAfterDays === undefined)) {
      problems.push(`cold storage after ${String(lifecycle?.cold_storage_after)} days, agreed ${String(agreed.coldStorageAfterDays ?? 'none')}`);
    }
    const selection = ctx.records('data', 'aws_backup_selection').find((r) => recordFor(stack, ['aws_backup_plan'], r.values.plan_id, ['id']) === plan);
    const covered = asList<string>(selection?.values.resources);
    if (selection) evidence.push(ev(selection, 'resources'));
    const tables = [ctx.profile.data.itemsTable, ctx.profile.data.usersTable];
    const missing = tables.filter((t) => !covered.some((arn) => arn.endsWith(`:table/${t}`)));
    if (!selection) problems.push('no backup selection for the plan');
    else if (missing.length > 0) problems.push(`tables not backed up: ${missing.join(', ')}`);
    if (agreed.lockedVault) {
      const target = rule.target_vault_name;
      const lockedName = agreed.lockedVault.name;
      const targetsLocked = target === lockedName || recordFor(stack, ['aws_backup_vault'], target, ['name', 'id'])?.values.name === lockedName;
      const lock = ctx.records('data', 'aws_backup_vault_lock_configuration')[0];
      evidence.push(ev(plan, 'rule[0].target_vault_name', target));
      if (!targetsLocked) problems.push(`backups go to ${String(target)}, not the locked vault ${lockedName}`);
      if (!lock) problems.push('the L3 vault has no vault lock');
      else evidence.push(ev(lock, 'min_retention_days'));
    }
    return verdict(problems, `plan ${planName}: ${agreed.schedule}, kept ${agreed.retentionDays} days, tables and data covered`, evidence);
  },
};
