import * as path from 'path';
import { Diagnostic } from '../diagnostics';
import { TenantDocument } from '../load';
import { RESERVED_TAG_KEYS } from '../tags';
import { LandingZoneSettings } from '../schema/settings';
import { KMS_KEY_ARN_PATTERN, MOVE_IDS } from '../schema/tenant';
import { TenantProfile, tenantProfile } from '../profile';
import { Tier, TIER_FIELD_REASONS, TIER_FIELD_RULES, TIER_RANK, TIERS } from '../tiers';
import { locatedError } from '../yaml-source';
import { checkOperations, operationsWarnings } from './operations-rules';
import { getIn, has, stringAt } from './raw';

/**
 * Rules over one manifest that the schema alone cannot express: tier-dependent fields,
 * status details, the file name, and everything that needs the landing-zone settings.
 * They read the raw document so that they still run when another field failed the schema.
 */
export function checkTenantDocument(doc: TenantDocument, settings: LandingZoneSettings | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { raw, source } = doc;
  const err = (p: ReadonlyArray<string | number>, code: string, message: string, expected?: string, key = false) =>
    out.push(locatedError(source, p, code, message, expected, { key }));

  const id = stringAt(raw, ['id']);
  const stem = path.basename(doc.fileName, path.extname(doc.fileName));
  if (id !== undefined && id !== stem) {
    err(['id'], 'file-name', `id "${id}" does not match the file name "${doc.fileName}"`, `the file to be named ${id}.yaml, or id: ${stem}`);
  }

  const tier = stringAt(raw, ['tier']);
  if (tier !== undefined && (TIERS as ReadonlyArray<string>).includes(tier)) {
    const rules = TIER_FIELD_RULES[tier as Tier];
    for (const field of rules.forbidden) {
      if (has(raw, field)) {
        err([field], 'tier-field', `field "${field}" is not allowed for tier ${tier}: ${TIER_FIELD_REASONS[field]}`, `no ${field} for tier ${tier}`, true);
      }
    }
    for (const field of rules.required) {
      if (!has(raw, field)) {
        const loc = locatedError(source, ['tier'], 'tier-field', '');
        out.push({ ...loc, field, message: `tier ${tier} requires field "${field}", which is missing`, expected: TIER_FIELD_REASONS[field] });
      }
    }
  }

  const status = stringAt(raw, ['status']) ?? 'active';
  if (status === 'offboarding' && !has(raw, 'offboarding')) {
    const loc = locatedError(source, ['status'], 'status', '');
    out.push({ ...loc, field: 'offboarding', message: 'status offboarding requires an offboarding section', expected: 'offboarding: { requestedOn: YYYY-MM-DD, retentionDays: 30..3650 }' });
  } else if (status !== 'offboarding' && has(raw, 'offboarding')) {
    err(['offboarding'], 'status', `an offboarding section is only valid with status: offboarding (status is ${status})`, 'status: offboarding, or no offboarding section', true);
  }

  if (getIn(raw, ['acknowledgements', 'dataDestruction']) !== undefined && status !== 'offboarding') {
    err(['acknowledgements', 'dataDestruction'], 'data-destruction', `data destruction can only be acknowledged for an offboarding tenant (status is ${status})`, 'status: offboarding with an offboarding section, or no dataDestruction acknowledgement', true);
  }

  const downgradeFrom = stringAt(raw, ['acknowledgements', 'tierDowngrade', 'from']);
  if (downgradeFrom !== undefined && tier !== undefined && (TIERS as ReadonlyArray<string>).includes(tier) && (TIERS as ReadonlyArray<string>).includes(downgradeFrom) && TIER_RANK[downgradeFrom as Tier] <= TIER_RANK[tier as Tier]) {
    err(['acknowledgements', 'tierDowngrade', 'from'], 'tier-downgrade', `a downgrade from ${downgradeFrom} to ${tier} is not a move down`, `from: the higher tier the tenant leaves (${TIERS.filter((t) => TIER_RANK[t] > TIER_RANK[tier as Tier]).join(' or ') || 'none above L3'}), or no tierDowngrade acknowledgement`);
  }

  const tags = getIn(raw, ['tags']);
  if (tags && typeof tags === 'object' && !Array.isArray(tags)) {
    for (const key of Object.keys(tags)) {
      if ((RESERVED_TAG_KEYS as ReadonlyArray<string>).includes(key)) {
        err(['tags', key], 'reserved-tag', `tag "${key}" is set by the landing zone and cannot be overridden`, `a tag key other than ${RESERVED_TAG_KEYS.join(', ')}`, true);
      }
    }
  }

  out.push(...checkMigration(doc, tier));

  if (settings) out.push(...checkAgainstSettings(doc, settings, tier), ...checkOperations(doc, settings, tier));
  if (settings && doc.manifest && !out.some((d) => d.severity === 'error')) {
    const profile = tenantProfile(settings, doc.manifest);
    out.push(...profileWarnings(doc, profile), ...operationsWarnings(doc, profile, settings));
  }
  return out;
}

/** What the tenant's profile says that the platform engineer should know before merging. */
function profileWarnings(doc: TenantDocument, profile: TenantProfile): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (profile.byok.state === 'pending') {
    out.push(
      locatedError(
        doc.source,
        ['encryption', 'keyMaterialImported'],
        'byok-pending',
        'key material is not imported yet (BYOK pending): the BYOK key is created, but the resources that need it are held back until keyMaterialImported is true; until then the tenant runs as L2 on the landing-zone key and the audit reports BYOK as not in effect',
        'keyMaterialImported: true once the customer has imported the key material',
        { severity: 'warning' },
      ),
    );
  }
  if (profile.app.deferredPin) {
    out.push(
      locatedError(doc.source, ['appVersion'], 'app-version-deferred', `app version ${profile.app.deferredPin.version} does not take effect yet: ${profile.app.deferredPin.reason}`, 'the pin takes effect with the tenant\'s own app, once keyMaterialImported is true', { severity: 'warning' }),
    );
  }
  return out;
}

/** A move goes up exactly one tier; a cleanup names a move the tenant has made, once. */
function checkMigration(doc: TenantDocument, tier: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { raw, source } = doc;
  const valid = (t: string | undefined): t is Tier => t !== undefined && (TIERS as ReadonlyArray<string>).includes(t);
  const from = stringAt(raw, ['migration', 'from']);
  if (valid(from) && valid(tier) && TIER_RANK[tier] - TIER_RANK[from] !== 1) {
    const below = TIERS.find((t) => TIER_RANK[t] === TIER_RANK[tier] - 1);
    out.push(
      locatedError(
        source,
        ['migration', 'from'],
        'migration',
        TIER_RANK[from] >= TIER_RANK[tier]
          ? `a migration moves up: from ${from} cannot lead to tier ${tier}`
          : `a move goes up one tier at a time (the data first, then the app): from ${from} straight to ${tier} is not supported`,
        !below ? 'no migration section for tier L1' : TIER_RANK[from] >= TIER_RANK[tier] ? `migration.from: ${below}, or no migration section` : `migration.from: ${below}, or tier: ${TIERS[TIER_RANK[from]]} first`,
      ),
    );
  }
  const cleanups = getIn(raw, ['acknowledgements', 'migrationCleanup']);
  if (Array.isArray(cleanups) && valid(tier)) {
    const seen = new Set<string>();
    cleanups.forEach((entry, i) => {
      const move = stringAt(entry, ['move']);
      if (move === undefined || !(MOVE_IDS as ReadonlyArray<string>).includes(move)) return;
      const to = move.split('-')[1];
      if (valid(to) && TIER_RANK[to] > TIER_RANK[tier]) {
        out.push(locatedError(source, ['acknowledgements', 'migrationCleanup', i, 'move'], 'migration-cleanup', `tier ${tier} has not made the move ${move}: there is no old copy to delete`, `a move up to ${tier} or below`));
      }
      if (seen.has(move)) out.push(locatedError(source, ['acknowledgements', 'migrationCleanup', i, 'move'], 'migration-cleanup', `the move ${move} is acknowledged twice`, 'one entry per move'));
      seen.add(move);
    });
  }
  return out;
}

function checkAgainstSettings(doc: TenantDocument, settings: LandingZoneSettings, tier: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { raw, source } = doc;
  const err = (p: ReadonlyArray<string | number>, code: string, message: string, expected?: string) => out.push(locatedError(source, p, code, message, expected));

  const region = stringAt(raw, ['homeRegion']);
  if (region !== undefined) {
    if (!settings.regions.allowed.includes(region)) {
      err(['homeRegion'], 'region', `region ${region} is not in the landing-zone allow-list`, `one of ${settings.regions.allowed.join(', ')}`);
    } else if (tier === 'L1' && region !== settings.regions.home) {
      err(['homeRegion'], 'region', `L1 tenants keep their data in the pooled tables of the platform home region, not ${region}`, `homeRegion: ${settings.regions.home} (or tier L2/L3 for data in ${region})`);
    }
  }

  const accountId = stringAt(raw, ['account', 'id']);
  const shared: Record<string, string> = {
    [settings.organization.managementAccountId]: 'the management account',
    [settings.organization.platformAccountId]: 'the platform account',
  };
  if (accountId !== undefined && shared[accountId]) {
    err(['account', 'id'], 'account-id', `account ${accountId} is ${shared[accountId]}, which no tenant may own`, 'the id of an AWS account that belongs to this tenant only');
  }

  const pinned = stringAt(raw, ['appVersion']);
  if (pinned !== undefined && pinned !== settings.platform.appVersion && !settings.platform.artifactsBucket) {
    err(['appVersion'], 'app-version', `app version ${pinned} differs from the platform's ${settings.platform.appVersion}, and no artifacts bucket holds released builds`, `appVersion: ${settings.platform.appVersion}, or platform.artifactsBucket in the settings`);
  }

  const keyArn = stringAt(raw, ['encryption', 'keyArn']);
  const m = keyArn ? KMS_KEY_ARN_PATTERN.exec(keyArn) : null;
  if (m) {
    const [, keyRegion, keyAccount] = m;
    if (region !== undefined && keyRegion !== region) {
      err(['encryption', 'keyArn'], 'byok-key', `the key is in ${keyRegion} but the tenant data is in ${region}; KMS keys are regional`, `a key ARN in ${region}`);
    }
    if (shared[keyAccount]) {
      err(['encryption', 'keyArn'], 'byok-key', `the key belongs to ${shared[keyAccount]}, not to the customer`, 'the ARN of a key in an AWS account the customer owns');
    } else if (accountId !== undefined && keyAccount === accountId) {
      err(['encryption', 'keyArn'], 'byok-key', 'byok: customer-key names a key in the tenant account the landing zone manages; the customer would not control it', 'a key in the customer\'s own AWS account, or byok: imported');
    }
  }
  return out;
}
