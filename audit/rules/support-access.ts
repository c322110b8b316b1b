import { matchesStringLike } from '../../model/rules/operations-rules';
import { BREAK_GLASS_MANAGED_POLICY, CLOUDTRAIL_RULE_STATE, DATA_READ_ACTIONS, identityCenterRolePattern, READ_ONLY_MANAGED_POLICY, TICKET_TAG } from '../../contract/support-access';
import { ResourceRecord, StackEvidence } from '../evidence';
import { Evidence } from '../model';
import { asList, policyOf, recordFor, referencedRecord } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { byName, covers, ev } from './helpers';

const PERMISSION_SET = 'aws_ssoadmin_permission_set';

/** The record a reference-or-value attribute names, among managed resources and data sources of the stack. */
function named(stack: StackEvidence, value: unknown, type: string, keys: ReadonlyArray<string> = ['arn']): ResourceRecord | undefined {
  return referencedRecord(stack, value)?.record ?? recordFor(stack, [type], value, keys);
}

/** A nested block: an object in configuration, a one-element list in state. */
function block(v: unknown): Record<string, unknown> | undefined {
  const b = Array.isArray(v) ? v[0] : v;
  return b && typeof b === 'object' ? (b as Record<string, unknown>) : undefined;
}

function sameList(a: unknown, b: ReadonlyArray<string>): boolean {
  const x = asList<string>(a).slice().sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Support access as the manifest's support policy says: read-only support may not read tenant
 * data; break-glass sessions need a ticket (the approved one, within the approved window, for
 * tenant approval), last at most the agreed hours, come through the tenant's region and raise
 * an alarm; the assignments on the tenant account are exactly those the policy grants. With
 * `--live`, every break-glass session CloudTrail recorded is listed as evidence, and one
 * without the required ticket is a finding.
 */
export const supportAccess: AuditRule = {
  id: 'support-access',
  tiers: ['L2', 'L3'],
  scope: {
    stacks: ['organization', 'account', 'tenant'],
    resourceTypes: [
      PERMISSION_SET,
      'aws_ssoadmin_permission_set_inline_policy',
      'aws_ssoadmin_managed_policy_attachment',
      'aws_ssoadmin_account_assignment',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'aws_cloudwatch_event_rule',
      'aws_cloudwatch_event_target',
      'aws_sns_topic',
      'aws_sns_topic_subscription',
    ],
  },
  check(ctx) {
    const agreed = ctx.profile.support;
    if (!agreed) return fail('the profile of a dedicated tenant has no support policy', []);
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const org = ctx.stack('organization');
    const settings = ctx.settings.support;

    // The permission sets (shared, organization stack).
    const readOnly = byName(ctx, 'organization', PERMISSION_SET, ctx.shared.readOnlyPermissionSet);
    const breakGlassSet = byName(ctx, 'organization', PERMISSION_SET, ctx.shared.breakGlassPermissionSet);
    const inlineOf = (set: ResourceRecord) => ctx.records('organization', 'aws_ssoadmin_permission_set_inline_policy').find((p) => named(org, p.values.permission_set_arn, PERMISSION_SET) === set);
    if (!readOnly) problems.push(`permission set ${ctx.shared.readOnlyPermissionSet} is not in the organization stack`);
    else {
      evidence.push(ev(readOnly, 'session_duration'));
      const managed = ctx.records('organization', 'aws_ssoadmin_managed_policy_attachment').filter((m) => named(org, m.values.permission_set_arn, PERMISSION_SET) === readOnly).map((m) => String(m.values.managed_policy_arn));
      if (!sameList(managed, [READ_ONLY_MANAGED_POLICY])) problems.push(`read-only support has managed policies ${managed.join(', ') || 'none'}, expected ${READ_ONLY_MANAGED_POLICY} alone`);
      const inline = inlineOf(readOnly);
      const doc = inline ? policyOf(inline, 'inline_policy') : undefined;
      if (inline && doc) evidence.push(ev(inline, 'inline_policy', doc));
      const denied = (doc?.Statement ?? []).filter((s) => s.Effect === 'Deny' && (s.Resource === '*' || asList(s.Resource).includes('*')) && !s.Condition);
      const open = DATA_READ_ACTIONS.filter((a) => !denied.some((s) => covers(s.Action, a)));
      if (open.length > 0) problems.push(`read-only support may read tenant data: ${open.join(', ')} not denied`);
      if (readOnly.values.session_duration !== `PT${settings.readOnlySessionHours}H`) problems.push(`read-only sessions last ${String(readOnly.values.session_duration)}, agreed PT${settings.readOnlySessionHours}H`);
    }
    if (!breakGlassSet) problems.push(`permission set ${ctx.shared.breakGlassPermissionSet} is not in the organization stack`);
    else {
      evidence.push(ev(breakGlassSet, 'session_duration'));
      if (breakGlassSet.values.session_duration !== `PT${agreed.breakGlass.sessionHours}H`) problems.push(`break-glass sessions last ${String(breakGlassSet.values.session_duration)}, agreed PT${agreed.breakGlass.sessionHours}H`);
      const doc = inlineOf(breakGlassSet) ? policyOf(inlineOf(breakGlassSet)!, 'inline_policy') : undefined;
      const allows = (doc?.Statement ?? []).filter((s) => s.Effect === 'Allow');
      if (allows.length === 0 || allows.some((s) => !sameList(s.Action, ['sts:AssumeRole', 'sts:TagSession']) || s.Condition?.Null?.[`aws:RequestTag/${TICKET_TAG}`] !== 'false')) {
        problems.push('the break-glass permission set allows more than assuming a break-glass role with a ticket tag');
      }
      const managed = ctx.records('organization', 'aws_ssoadmin_managed_policy_attachment').filter((m) => named(org, m.values.permission_set_arn, PERMISSION_SET) === breakGlassSet);
      if (managed.length > 0) problems.push(`the break-glass permission set has managed policies ${managed.map((m) => String(m.values.managed_policy_arn)).join(', ')}`);
    }

    // The assignments on the tenant account (its account stack).
    const account = ctx.stack('account');
    const assigned = new Map<string, ResourceRecord>();
    for (const a of ctx.records('account', 'aws_ssoadmin_account_assignment')) {
      const set = named(account, a.values.permission_set_arn, PERMISSION_SET);
      const target = a.values.target_id;
      const onTenant = target === ctx.tenantAccountId || referencedRecord(account, target)?.record.type === 'aws_organizations_account';
      evidence.push(ev(a, 'permission_set_arn', set?.values.name ?? a.values.permission_set_arn));
      if (!onTenant) problems.push(`${a.address} targets ${String(target)}, not the tenant account`);
      if (set?.values.name) assigned.set(String(set.values.name), a);
    }
    const expect = (name: string, want: boolean, what: string) => {
      if (want && !assigned.has(name)) problems.push(`${what} (${name}) is not assigned on the tenant account`);
      if (!want && assigned.has(name)) problems.push(`${what} (${name}) is assigned although the support policy does not grant it`);
    };
    expect(ctx.shared.readOnlyPermissionSet, agreed.readOnly, 'read-only support');
    expect(ctx.shared.breakGlassPermissionSet, agreed.breakGlass.assigned, `break-glass (${agreed.breakGlass.mode})`);
    for (const [name, a] of assigned) {
      const group = named(account, a.values.principal_id, 'aws_identitystore_group', ['group_id']);
      const wantGroup = name === ctx.shared.readOnlyPermissionSet ? settings.readOnlyGroup : settings.breakGlassGroup;
      const groupName = group?.values.display_name ?? block(block(group?.values.alternate_identifier)?.unique_attribute)?.attribute_value;
      if (a.values.principal_type !== 'GROUP' || groupName !== wantGroup) problems.push(`${name} is assigned to ${String(a.values.principal_type)} ${String(groupName ?? a.values.principal_id)}, expected group ${wantGroup}`);
    }

    // The break-glass role and its alarm (tenant account).
    const { breakGlass } = agreed;
    const role = byName(ctx, 'tenant', 'aws_iam_role', breakGlass.roleName);
    if (!breakGlass.assigned) {
      if (role) problems.push(`break-glass role ${breakGlass.roleName} exists although break-glass is not granted (${breakGlass.mode})`);
    } else if (!role) problems.push(`break-glass role ${breakGlass.roleName} is missing`);
    else {
      const tenant = ctx.stack('tenant');
      const trust = policyOf(role, 'assume_role_policy');
      evidence.push(ev(role, 'assume_role_policy', trust), ev(role, 'max_session_duration'));
      const accountId = ctx.tenantAccountId ?? '';
      const allows = (trust?.Statement ?? []).filter((s) => s.Effect === 'Allow');
      for (const s of allows) {
        const c = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
        const who = c.ArnLike?.['aws:PrincipalArn'];
        if (who !== identityCenterRolePattern(accountId, ctx.shared.breakGlassPermissionSet)) problems.push(`break-glass trust admits ${JSON.stringify(who ?? s.Principal)}, not only the ${ctx.shared.breakGlassPermissionSet} sessions of the account`);
        if (c.StringEquals?.['aws:RequestedRegion'] !== ctx.profile.region) problems.push(`break-glass sessions are not held to ${ctx.profile.region}, where the alarm listens`);
        if (!sameList(c['ForAllValues:StringEquals']?.['aws:TagKeys'], [TICKET_TAG])) problems.push(`break-glass sessions may carry tags other than ${TICKET_TAG}`);
        const ticket = breakGlass.ticket;
        if (ticket.kind === 'pattern') {
          if (!sameList(c.StringLike?.[`aws:RequestTag/${TICKET_TAG}`], ticket.patterns)) problems.push(`break-glass ticket must match ${JSON.stringify(c.StringLike?.[`aws:RequestTag/${TICKET_TAG}`] ?? 'anything')}, agreed ${ticket.patterns.join(', ')}`);
        } else {
          if (c.StringEquals?.[`aws:RequestTag/${TICKET_TAG}`] !== ticket.ticket) problems.push(`break-glass trust does not require the approved ticket ${ticket.ticket}`);
          const from = Date.parse(String(c.DateGreaterThan?.['aws:CurrentTime'] ?? ''));
          const until = Date.parse(String(c.DateLessThan?.['aws:CurrentTime'] ?? ''));
          if (from !== Date.parse(ticket.from) || until !== Date.parse(ticket.until)) problems.push(`break-glass trust is not limited to the approved window ${ticket.from} to ${ticket.until}`);
        }
      }
      if (allows.length === 0) problems.push('the break-glass role trusts no one');
      if (Number(role.values.max_session_duration) > breakGlass.sessionHours * 3600) problems.push(`break-glass role sessions may last ${String(role.values.max_session_duration)} s, agreed ${breakGlass.sessionHours * 3600}`);
      const policies = ctx.records('tenant', 'aws_iam_role_policy_attachment').filter((p) => p.values.role === breakGlass.roleName || referencedRecord(tenant, p.values.role)?.record === role);
      evidence.push(...policies.map((p) => ev(p, 'policy_arn')));
      if (!sameList(policies.map((p) => String(p.values.policy_arn)), [BREAK_GLASS_MANAGED_POLICY])) problems.push(`break-glass role has ${policies.map((p) => String(p.values.policy_arn)).join(', ') || 'no policy'}, expected ${BREAK_GLASS_MANAGED_POLICY}`);

      const roleArn = `arn:aws:iam::${accountId}:role/${breakGlass.roleName}`;
      const rule = byName(ctx, 'tenant', 'aws_cloudwatch_event_rule', agreed.alarm.ruleName);
      if (!rule) problems.push(`no alarm rule ${agreed.alarm.ruleName}: break-glass sessions would go unnoticed`);
      else {
        let pattern: Record<string, any> = {};
        try {
          pattern = JSON.parse(String(rule.values.event_pattern));
        } catch {
          problems.push(`${rule.address}: event pattern is not JSON`);
        }
        evidence.push(ev(rule, 'event_pattern', pattern), ev(rule, 'state'));
        const d = pattern.detail ?? {};
        if (!asList(d.eventName).includes('AssumeRole') || !asList(d.requestParameters?.roleArn).includes(roleArn) || !asList(pattern['detail-type']).includes('AWS API Call via CloudTrail')) problems.push(`alarm rule ${agreed.alarm.ruleName} does not match CloudTrail's AssumeRole of ${roleArn}`);
        if (rule.values.state !== CLOUDTRAIL_RULE_STATE) problems.push(`alarm rule state is ${String(rule.values.state)}: without ${CLOUDTRAIL_RULE_STATE} it may miss read-only AssumeRole events`);
        const topic = byName(ctx, 'tenant', 'aws_sns_topic', agreed.alarm.topicName);
        const target = ctx.records('tenant', 'aws_cloudwatch_event_target').find((t) => t.values.rule === agreed.alarm.ruleName || referencedRecord(tenant, t.values.rule)?.record === rule);
        if (!topic || !target || recordFor(tenant, ['aws_sns_topic'], target.values.arn, ['arn', 'id']) !== topic) problems.push(`alarm rule ${agreed.alarm.ruleName} does not publish to topic ${agreed.alarm.topicName}`);
        else {
          const emails = ctx.records('tenant', 'aws_sns_topic_subscription').filter((s) => recordFor(tenant, ['aws_sns_topic'], s.values.topic_arn, ['arn', 'id']) === topic && s.values.protocol === 'email').map((s) => String(s.values.endpoint).toLowerCase());
          evidence.push({ stack: tenant.stack, address: topic.address, attribute: 'e-mail subscriptions', value: emails });
          const missing = agreed.notify.filter((e) => !emails.includes(e.toLowerCase()));
          if (missing.length > 0) problems.push(`break-glass alarms do not reach ${missing.join(', ')}`);
        }
      }
    }

    // What CloudTrail says happened (--live).
    let sessions = '';
    const live = ctx.live;
    if (live) {
      const seen = live.breakGlassSessions;
      if (!seen) problems.push('live: the break-glass sessions could not be read from CloudTrail (see the problems of this tenant)');
      else {
        const used = seen.filter((s) => !s.refused);
        evidence.push({ stack: 'live', address: `cloudtrail:AssumeRole ${breakGlass.roleName}`, attribute: 'sessions (last 90 days)', value: seen });
        const ticket = breakGlass.ticket;
        for (const s of used) {
          const ok =
            s.ticket !== undefined &&
            (ticket.kind === 'pattern' ? ticket.patterns.some((p) => matchesStringLike(p, s.ticket!)) : s.ticket === ticket.ticket && Date.parse(s.time) > Date.parse(ticket.from) && Date.parse(s.time) < Date.parse(ticket.until));
          if (!ok) problems.push(`live: break-glass session ${s.eventId} at ${s.time} by ${s.principal} ${s.ticket ? `with ticket ${s.ticket}, which the support policy does not allow` : 'carried no ticket'}`);
        }
        if (ticket.kind === 'grant' && live.readAt && Date.parse(ticket.until) < Date.parse(live.readAt)) problems.push(`the grant for ${ticket.ticket} ended ${ticket.until} but is still in the manifest (and assigned): remove it`);
        sessions = `; ${used.length} break-glass session${used.length === 1 ? '' : 's'} in the last 90 days${used.length > 0 ? ` (${used.map((s) => `${s.time} ${s.ticket ?? 'no ticket'} by ${s.principal}`).join('; ')})` : ''}${seen.length > used.length ? `, ${seen.length - used.length} refused` : ''}`;
      }
    }
    const bg = breakGlass.assigned ? `break-glass (${breakGlass.mode}) with ${breakGlass.ticket.kind === 'grant' ? `ticket ${breakGlass.ticket.ticket} until ${breakGlass.ticket.until}` : `a ticket (${breakGlass.ticket.patterns.join(', ')})`}, ${breakGlass.sessionHours} h, alarmed to ${agreed.notify.join(', ')}` : `no break-glass (${breakGlass.mode})`;
    return verdict(problems, `${agreed.readOnly ? 'read-only support without data access' : 'no read-only support'}; ${bg}${sessions}`, evidence);
  },
};
