import { readConfigPath } from '../../terraform/protected-resources';
import { Evidence } from '../model';
import { AuditRule, fail, verdict } from '../rule';
import { byName, ev } from './helpers';

/** The tenant's tables (pooled for L1) have point-in-time recovery and deletion protection. */
export const tableProtection: AuditRule = {
  id: 'table-protection',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['data'], resourceTypes: ['aws_dynamodb_table'] },
  check(ctx) {
    const names = [ctx.profile.data.itemsTable, ctx.profile.data.usersTable];
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    for (const name of names) {
      const table = byName(ctx, 'data', 'aws_dynamodb_table', name);
      if (!table) {
        problems.push(`table ${name} is not in the evidence`);
        continue;
      }
      const pitr = readConfigPath(table.values, ['point_in_time_recovery', 'enabled']);
      evidence.push(ev(table, 'point_in_time_recovery.enabled', pitr), ev(table, 'deletion_protection_enabled'));
      if (pitr !== true) problems.push(`${name}: point-in-time recovery is off`);
      if (table.values.deletion_protection_enabled !== true) problems.push(`${name}: deletion protection is off`);
      const live = ctx.live?.tables?.[name];
      if (live) {
        evidence.push({ stack: 'live', address: `dynamodb:table/${name}`, attribute: 'PointInTimeRecoveryStatus', value: live.pitr ? 'ENABLED' : 'DISABLED' });
        if (!live.pitr) problems.push(`live: ${name} has point-in-time recovery off`);
      }
    }
    if (evidence.length === 0) return fail(problems.join('; '), []);
    return verdict(problems, `${names.join(' and ')}: point-in-time recovery and deletion protection on`, evidence);
  },
};
