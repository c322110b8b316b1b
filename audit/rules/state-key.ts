import { tenantStatePrefix } from '../../model/inventory';
import { StackRole } from '../context';
import { Evidence } from '../model';
import { AuditRule, verdict } from '../rule';

/** The tenant's state lives under its own prefix, so that its audit reads nobody else's state. */
export const stateKey: AuditRule = {
  id: 'state-key',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['tenant', 'account'], resourceTypes: [] },
  check(ctx) {
    const prefix = tenantStatePrefix(ctx.tenant.id);
    const roles: StackRole[] = ctx.profile.dedicated ? ['tenant', 'account'] : ['tenant'];
    const stacks = roles.map((r) => ctx.stackName(r));
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    for (const [i, name] of stacks.entries()) {
      const stack = ctx.stack(roles[i]);
      evidence.push({ stack: name, address: 'terraform.backend.s3', attribute: 'key', value: stack.stateKey ?? null });
      if (!stack.stateKey) problems.push(`${name}: the state key is not known`);
      else if (!stack.stateKey.startsWith(prefix)) problems.push(`${name}: state key ${stack.stateKey} is outside ${prefix}`);
    }
    return verdict(problems, `state of ${stacks.join(' and ')} under ${prefix}`, evidence);
  },
};
