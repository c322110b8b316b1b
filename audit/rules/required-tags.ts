import { landingZoneTags, tenantTags } from '../../model/tags';
import { Evidence } from '../model';
import { AuditRule, fail, verdict } from '../rule';
import { ev } from './helpers';

/** Every resource of the tenant's stacks carries TenantId and Tier (and the landing-zone tags). */
export const requiredTags: AuditRule = {
  id: 'required-tags',
  tiers: ['L1', 'L2', 'L3'],
  scope: { stacks: ['tenant'], resourceTypes: ['*'] },
  check(ctx) {
    // Stack differs per stack; the rest is the same on every resource of the tenant.
    const { Stack: _stack, ...stackWide } = landingZoneTags(ctx.settings.name, '');
    const want: Record<string, string> = { ...tenantTags(ctx.tenant), ...stackWide };
    const stack = ctx.stack('tenant');
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const mismatch = (tags: Record<string, unknown>) => Object.entries(want).filter(([k, v]) => tags[k] !== v).map(([k]) => k);
    if (stack.providers) {
      // Desired state: the providers' default tags reach every resource.
      for (const [i, p] of stack.providers.entries()) {
        const tags = ((p.default_tags as Array<{ tags?: Record<string, unknown> }> | undefined)?.[0]?.tags ?? {}) as Record<string, unknown>;
        evidence.push({ stack: stack.stack, address: `provider.aws${p.alias ? `.${String(p.alias)}` : ''}`, attribute: 'default_tags', value: tags });
        const missing = mismatch(tags);
        if (missing.length > 0) problems.push(`provider ${i} default tags lack or misstate ${missing.join(', ')}`);
      }
      if (stack.providers.length === 0) problems.push('no provider configuration in the evidence');
    } else {
      // State: tags_all is what AWS holds on each taggable resource.
      const taggable = ctx.records('tenant', '*').filter((r) => r.values.tags_all !== undefined);
      if (taggable.length === 0) return fail('no taggable resource in the state evidence', []);
      for (const r of taggable) {
        const missing = mismatch((r.values.tags_all ?? {}) as Record<string, unknown>);
        if (missing.length > 0) {
          problems.push(`${r.address} lacks or misstates ${missing.join(', ')}`);
          evidence.push(ev(r, 'tags_all'));
        }
      }
      if (problems.length === 0) evidence.push(ev(taggable[0], 'tags_all'));
    }
    return verdict(problems, `tags ${Object.keys(want).join(', ')} on every resource`, evidence);
  },
};
