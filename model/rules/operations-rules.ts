import { Diagnostic } from '../diagnostics';
import { TenantDocument } from '../load';
import { TenantProfile } from '../profile';
import { LandingZoneSettings } from '../schema/settings';
import { locatedError } from '../yaml-source';
import { getIn, stringAt } from './raw';

/**
 * Rules of the operations fields (budget, support, residency) that need the tier or the
 * landing-zone settings. Like the other tenant rules they read the raw document, so they still
 * report when another field failed the schema.
 */
export function checkOperations(doc: TenantDocument, settings: LandingZoneSettings, tier: string | undefined): Diagnostic[] {
  return [...checkBudget(doc), ...checkSupport(doc, settings, tier), ...checkResidency(doc, settings, tier)];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function checkBudget(doc: TenantDocument): Diagnostic[] {
  const budget = getIn(doc.raw, ['budget']);
  if (!budget || typeof budget !== 'object') return [];
  const contacts = getIn(doc.raw, ['contacts']);
  const billing = Array.isArray(contacts) && contacts.some((c) => c && typeof c === 'object' && (c as Record<string, unknown>).role === 'billing');
  if (getIn(budget, ['recipients']) !== undefined || getIn(budget, ['snsTopicArn']) !== undefined || billing) return [];
  return [
    locatedError(doc.source, ['budget'], 'budget-recipients', 'the budget alerts would reach nobody: no recipients, no contact with role billing and no snsTopicArn', 'budget.recipients, a contact with role: billing, or budget.snsTopicArn', { key: true }),
  ];
}

/** Whether `value` matches an IAM StringLike pattern (`*` any run, `?` one character). */
export function matchesStringLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

function checkSupport(doc: TenantDocument, settings: LandingZoneSettings, tier: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { raw, source } = doc;
  const mode = stringAt(raw, ['support', 'breakGlass']);
  if (mode === 'tenant-approval' && tier !== undefined && tier !== 'L3') {
    out.push(
      locatedError(
        source,
        ['support', 'breakGlass'],
        'break-glass-approval',
        `breakGlass: tenant-approval needs the tenant's change approvers, which only L3 tenants have (tier is ${tier})`,
        'tier L3 (with changeApprovers), or breakGlass: platform-approval or none',
      ),
    );
  }
  const ticket = stringAt(raw, ['support', 'grant', 'ticket']);
  const patterns = settings.support.ticketPatterns;
  if (ticket !== undefined && !patterns.some((p) => matchesStringLike(p, ticket))) {
    out.push(locatedError(source, ['support', 'grant', 'ticket'], 'break-glass-grant', `ticket ${ticket} matches none of the landing zone's ticket patterns`, `a ticket matching ${patterns.join(', ')} (support.ticketPatterns in the settings)`));
  }
  const from = Date.parse(stringAt(raw, ['support', 'grant', 'from']) ?? '');
  const until = Date.parse(stringAt(raw, ['support', 'grant', 'until']) ?? '');
  const max = settings.support.maxGrantHours;
  if (Number.isFinite(from) && Number.isFinite(until) && until - from > max * 3_600_000) {
    out.push(
      locatedError(source, ['support', 'grant', 'until'], 'break-glass-grant', `the grant spans ${Math.round((until - from) / 3_600_000)} hours, more than the ${max} the landing zone allows`, `until at most ${new Date(from + max * 3_600_000).toISOString().slice(0, 16)}Z (support.maxGrantHours: ${max})`),
    );
  }
  return out;
}

function checkResidency(doc: TenantDocument, settings: LandingZoneSettings, tier: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { raw, source } = doc;
  const value = getIn(raw, ['residency']);
  if (!Array.isArray(value)) return out;
  const residency = strings(value);
  const allowed = settings.regions.allowed;
  value.forEach((r, i) => {
    if (typeof r === 'string' && /^[a-z]/.test(r) && !allowed.includes(r)) {
      out.push(locatedError(source, ['residency', i], 'residency', `region ${r} is not in the landing-zone allow-list, so no tenant may use it`, `regions of ${allowed.join(', ')}`));
    }
  });
  const home = settings.regions.home;
  if (tier === 'L1') {
    if (!residency.includes(home)) {
      const dedicated = residency.filter((r) => allowed.includes(r));
      const satisfied = dedicated.length > 0 ? `tier L2 or L3 with homeRegion ${dedicated.join(' or ')} (an account of its own, held to its residency by a service control policy)` : 'tier L2 or L3 with a residency region of the allow-list';
      out.push(
        locatedError(source, ['residency'], 'residency', `L1 tenants' data lives in the pooled tables of the platform home region ${home}, which this residency excludes`, `${satisfied}, or ${home} in residency`, { key: true }),
      );
    }
    return out;
  }
  const region = stringAt(raw, ['homeRegion']);
  if (region !== undefined && residency.length > 0 && !residency.includes(region)) {
    out.push(locatedError(source, ['homeRegion'], 'residency', `homeRegion ${region} is outside the tenant's residency (${residency.join(', ')})`, `homeRegion one of ${residency.join(', ')}, or ${region} in residency`));
  }
  return out;
}

/**
 * What the profile says about residency that a reviewer should know: a dedicated tenant the
 * shared app serves (L2, or L3 while BYOK is pending) keeps its data in its account and regions,
 * but its users' sign-in identities live in the shared user pool and its requests pass through
 * the shared app, both in the platform home region.
 */
export function operationsWarnings(doc: TenantDocument, profile: TenantProfile, settings: LandingZoneSettings): Diagnostic[] {
  const regions = profile.residency.regions;
  const home = settings.regions.home;
  if (!profile.dedicated || !regions || regions.includes(home) || profile.app.host !== 'platform') return [];
  return [
    locatedError(
      doc.source,
      ['residency'],
      'residency-shared-app',
      `the tenant's data stays in ${regions.join(', ')}, but the shared app and user pool that serve ${profile.tier === 'L3' ? 'it while BYOK is pending' : 'L2 tenants'} run in ${home}: its users' sign-in identities are stored there and its requests pass through it`,
      `tier L3 with its own app in ${profile.region} (BYOK in effect), or ${home} in residency`,
      { key: true, severity: 'warning' },
    ),
  ];
}
