import * as path from 'path';
import { table } from '../format/text-table';
import { stateLocation } from '../model/inventory';
import { TENANT_STATUSES } from '../model/schema/tenant';
import { TIER_DESCRIPTIONS, TIERS } from '../model/tiers';
import { LandingZone } from '../model/validate';
import { SynthResult, synthesizeLandingZoneInParallel } from '../stacks/synthesize';
import { CliIO } from './io';
import { checkTenantIds, LandingZoneOptions } from './landing-zone-options';

/** Synthesis as the commands run it (`lz synth`, `npm start`): paths from the working directory, tenant ids checked. */
export interface SynthesisRequest {
  readonly tenant?: ReadonlyArray<string>;
  readonly out: string;
  readonly bootstrapLocalState?: boolean;
}

export function synthesize(lz: LandingZone, lzOpts: Pick<LandingZoneOptions, 'synthCache' | 'synthWorkers'>, opts: SynthesisRequest, io: CliIO): Promise<SynthResult> {
  if (opts.tenant) checkTenantIds(lz, opts.tenant);
  return synthesizeLandingZoneInParallel(lz, {
    outdir: path.resolve(io.cwd, opts.out),
    tenantIds: opts.tenant,
    bootstrapLocalState: opts.bootstrapLocalState,
    cacheDir: lzOpts.synthCache,
    workers: lzOpts.synthWorkers,
  });
}

/** One row per stack (`--verbose`, or a synthesis limited to named tenants). */
export function stackTable(lz: LandingZone, result: SynthResult): string {
  return table(
    ['STACK', 'KIND', 'ACCOUNT', 'RESOURCES', 'STATE'],
    result.stacks.map((s) => [s.spec.name, s.spec.kind, s.spec.target, String(s.resources), stateLocation(lz.settings, s.spec)]),
    '  ',
  );
}

/** One row per stack kind: how many stacks, in which accounts, how many resources; as long for 10 tenants as for 10,000. */
export function stackSummary(result: SynthResult): string {
  const kinds = [...new Set(result.stacks.map((s) => s.spec.kind))];
  const rows = kinds.map((kind) => {
    const of = result.stacks.filter((s) => s.spec.kind === kind);
    const targets = [...new Set(of.map((s) => s.spec.target))].map((t) => `${t}${of.length > 1 ? ` (${of.filter((s) => s.spec.target === t).length})` : ''}`);
    return [kind, String(of.length), String(of.reduce((n, s) => n + s.resources, 0)), targets.join(', ')];
  });
  return table(['KIND', 'STACKS', 'RESOURCES', 'ACCOUNT'], rows, '  ');
}

/** Tenants counted by tier and status, one row per tier. */
export function tenantSummary(lz: LandingZone): string {
  const rows = TIERS.map((tier) => {
    const of = lz.tenants.filter((t) => t.profile.tier === tier);
    return [`${tier} ${TIER_DESCRIPTIONS[tier].split(':')[0]}`, ...TENANT_STATUSES.map((status) => String(of.filter((t) => t.profile.status === status).length)), String(of.length)];
  });
  return table(['TIER', ...TENANT_STATUSES.map((s) => s.toUpperCase()), 'TOTAL'], rows, '  ');
}

/** Every tenant id by tier, non-active ones with their status (`--verbose`). */
export function tenantLists(lz: LandingZone): string {
  return TIERS.map((tier) => {
    const list = lz.tenants.filter((t) => t.profile.tier === tier).map((t) => (t.profile.status === 'active' ? t.profile.tenantId : `${t.profile.tenantId} (${t.profile.status})`));
    return `  ${tier} ${TIER_DESCRIPTIONS[tier].split(':')[0]} (${list.length}): ${list.join(', ') || '-'}`;
  }).join('\n');
}

