import * as path from 'path';
import { Diagnostic } from '../diagnostics';
import { BaseManifests, BaseTenant } from '../base-manifests';
import { TenantDocument } from '../load';
import { Tier, TIER_RANK, TIERS } from '../tiers';
import { locatedError } from '../yaml-source';
import { getIn, stringAt } from './raw';

/**
 * Rules about the change itself, comparing the manifests with their state at a base
 * revision: a tier only moves down with an acknowledgement, a manifest is only removed after
 * offboarding, and a dedicated account is never re-pointed by editing its e-mail or id.
 */
export function checkAgainstBase(docs: ReadonlyArray<TenantDocument>, base: BaseManifests, tenantsDir: string): Diagnostic[] {
  if (!base.ok) {
    return [
      {
        severity: 'warning',
        file: tenantsDir,
        line: 0,
        column: 0,
        field: '',
        message: `history checks skipped (tier downgrades, removed manifests, account changes): ${base.reason}`,
        expected: 'run inside the git checkout, with --base naming the revision the change starts from',
        code: 'history-skipped',
      },
    ];
  }
  const out: Diagnostic[] = [];
  const current = new Map<string, TenantDocument>();
  for (const doc of docs) {
    const id = stringAt(doc.raw, ['id']) ?? path.basename(doc.fileName, path.extname(doc.fileName));
    current.set(id, doc);
  }

  for (const [id, before] of base.tenants) {
    const doc = current.get(id);
    if (!doc) {
      if (before.status === 'offboarding') {
        out.push({
          severity: 'warning',
          file: before.file,
          line: 0,
          column: 0,
          field: '',
          message: `manifest of offboarded tenant "${id}" removed: its stacks are no longer managed; state stays under tenants/${id}/ and nothing is destroyed`,
          expected: 'close the tenant account with the documented account-closure step once the retention period has passed',
          code: 'removed-manifest',
        });
      } else {
        out.push({
          severity: 'error',
          file: before.file,
          line: 0,
          column: 0,
          field: '',
          message: `manifest of tenant "${id}" (status ${before.status ?? 'active'} at ${base.ref}) was removed without offboarding first`,
          expected: `keep the file and set status: offboarding with an offboarding section; remove it only after a change that merged status offboarding`,
          code: 'removed-manifest',
        });
      }
      continue;
    }
    out.push(...checkTierChange(doc, before.tier, base.ref));
    out.push(...checkMigrationRecord(doc, before, base.ref));
    // A tenant moving down to L1 leaves its account (the tier-downgrade rules govern that): no account to re-point.
    if (stringAt(doc.raw, ['tier']) === 'L1') continue;
    const email = stringAt(doc.raw, ['account', 'email']);
    if (before.accountEmail && email && before.accountEmail.toLowerCase() !== email.toLowerCase()) {
      out.push(
        locatedError(doc.source, ['account', 'email'], 'account-change', `account e-mail changed from ${before.accountEmail}: the landing zone would create a new account`, `account.email: ${before.accountEmail} (change the root e-mail in the AWS account itself)`),
      );
    }
    const accountId = stringAt(doc.raw, ['account', 'id']);
    if (before.accountId && accountId !== before.accountId) {
      out.push(locatedError(doc.source, accountId ? ['account', 'id'] : ['account'], 'account-change', `account id changed from ${before.accountId}: a tenant's data account cannot be swapped by editing the manifest`, `account.id: "${before.accountId}"`));
    }
  }

  for (const [id, doc] of current) {
    const status = stringAt(doc.raw, ['status']) ?? 'active';
    if (!base.tenants.has(id) && status !== 'active') {
      // Onboarding registers the tenant and creates its first admin, which the sign-up guard only admits for active tenants.
      out.push(locatedError(doc.source, ['status'], 'new-tenant-status', `new tenant "${id}" starts as ${status}`, 'status: active for a new tenant; suspend or offboard it in a later change'));
    }
    if (!base.tenants.has(id) && getIn(doc.raw, ['migration']) !== undefined) {
      out.push(locatedError(doc.source, ['migration'], 'migration', `tenant "${id}" is new: it has no data or users to move`, 'no migration section for a new tenant'));
    }
    if (!base.tenants.has(id) && getIn(doc.raw, ['acknowledgements', 'tierDowngrade']) !== undefined) {
      out.push(locatedError(doc.source, ['acknowledgements', 'tierDowngrade'], 'tier-downgrade', `tenant "${id}" is new: there is no tier to move down from`, 'no tierDowngrade acknowledgement', { severity: 'warning' }));
    }
  }
  return out;
}

/**
 * A move up needs its migration record (`migration.from`: the base tier), which stays until the
 * next move replaces it: the registry entry keeps serving the old location until the move is
 * verified only while the record is there. A cleanup is acknowledged after the move, not with it.
 */
function checkMigrationRecord(doc: TenantDocument, before: BaseTenant, ref: string): Diagnostic[] {
  const tier = stringAt(doc.raw, ['tier']);
  const from = stringAt(doc.raw, ['migration', 'from']);
  const valid = (t: string | undefined): t is Tier => t !== undefined && (TIERS as ReadonlyArray<string>).includes(t);
  if (!valid(tier) || !valid(before.tier)) return [];
  const out: Diagnostic[] = [];
  if (TIER_RANK[tier] > TIER_RANK[before.tier]) {
    if (from !== before.tier) {
      out.push(
        locatedError(
          doc.source,
          from === undefined ? ['tier'] : ['migration', 'from'],
          'migration',
          from === undefined
            ? `tier moves up from ${before.tier} (at ${ref}) to ${tier} without a migration record: the tenant's ${before.tier === 'L1' ? 'items, profiles and files would stay in the pooled tables and bucket' : 'users would stay in the shared user pool'}`
            : `the tenant moves up from ${before.tier} (at ${ref}), not from ${from}`,
          `migration: { from: ${before.tier} }`,
        ),
      );
    }
  } else if (tier === before.tier && from !== before.migrationFrom) {
    out.push(
      locatedError(
        doc.source,
        from === undefined ? ['tier'] : ['migration'],
        'migration',
        before.migrationFrom === undefined
          ? `no tier move in this change (${tier} at ${ref}): a migration record only comes with a move up`
          : `the record of the move from ${before.migrationFrom} (at ${ref}) was ${from === undefined ? 'removed' : `changed to ${from}`}: it stays until the next move replaces it, so that the app serves the old location until that move is verified`,
        before.migrationFrom === undefined ? 'no migration section' : `migration: { from: ${before.migrationFrom} }`,
      ),
    );
  }
  const cleanups = getIn(doc.raw, ['acknowledgements', 'migrationCleanup']);
  if (Array.isArray(cleanups)) {
    cleanups.forEach((entry, i) => {
      const to = stringAt(entry, ['move'])?.split('-')[1];
      if (valid(to) && TIER_RANK[to] > TIER_RANK[before.tier as Tier]) {
        out.push(locatedError(doc.source, ['acknowledgements', 'migrationCleanup', i, 'move'], 'migration-cleanup', `the move to ${to} starts in this change: its old copy cannot be acknowledged for deletion before the move ran and was verified`, 'acknowledge the cleanup in a later change'));
      }
    });
  }
  return out;
}

function checkTierChange(doc: TenantDocument, beforeTier: string | undefined, ref: string): Diagnostic[] {
  const tier = stringAt(doc.raw, ['tier']);
  const ack = getIn(doc.raw, ['acknowledgements', 'tierDowngrade']);
  const ackFrom = stringAt(doc.raw, ['acknowledgements', 'tierDowngrade', 'from']);
  const valid = (t: string | undefined): t is Tier => t !== undefined && (TIERS as ReadonlyArray<string>).includes(t);
  if (!valid(tier) || !valid(beforeTier)) return [];
  const isDowngrade = TIER_RANK[tier] < TIER_RANK[beforeTier];
  if (isDowngrade && ack === undefined) {
    return [
      locatedError(
        doc.source,
        ['tier'],
        'tier-downgrade',
        `tier moves down from ${beforeTier} (at ${ref}) to ${tier} without an acknowledgement: ${releaseText(beforeTier, tier)}`,
        `acknowledgements: { tierDowngrade: { from: ${beforeTier}, reason: "<why, at least 10 characters>" } }, or tier: ${beforeTier}`,
      ),
    ];
  }
  if (isDowngrade && ackFrom !== undefined && ackFrom !== beforeTier) {
    return [locatedError(doc.source, ['acknowledgements', 'tierDowngrade', 'from'], 'tier-downgrade', `acknowledges a downgrade from ${ackFrom}, but the tenant is moving down from ${beforeTier}`, `from: ${beforeTier}`)];
  }
  if (isDowngrade) {
    return [
      locatedError(doc.source, ['acknowledgements', 'tierDowngrade'], 'tier-downgrade', `tier moves down from ${beforeTier} to ${tier} (acknowledged): ${releaseText(beforeTier, tier)}`, 'migrate the data the tenant keeps using before merging; delete the released copy only by an explicit step after its retention', {
        severity: 'warning',
      }),
    ];
  }
  if (ack !== undefined) {
    return [
      locatedError(doc.source, ['acknowledgements', 'tierDowngrade'], 'tier-downgrade', `no downgrade in this change (${beforeTier} at ${ref}, ${tier} now): the acknowledgement is stale once the downgrade is applied`, 'remove acknowledgements.tierDowngrade after the downgrade has been applied', {
        severity: 'warning',
      }),
    ];
  }
  return [];
}

/** What a downgrade does, in the words validation, the plan and the README share. */
export function releaseText(from: Tier, to: Tier): string {
  const released =
    to === 'L1'
      ? `the tenant leaves its ${from} account: Terraform forgets every resource there (removed blocks, destroy = false) and the account, its data and its keys stay as they are until the account-closure step`
      : `the ${from} resources that ${to} does not have are released: the data-bearing ones (user pool, registry table, log groups, BYOK key, locked vault) are forgotten by Terraform and stay in the account with their data, the own app's functions, API and roles are deleted`;
  return `${released}; nothing is destroyed and the landing zone does not copy data between tiers`;
}
