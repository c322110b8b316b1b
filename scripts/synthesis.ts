import * as path from 'path';
import { table } from '../format/text-table';
import { stateLocation } from '../model/inventory';
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

export function stackTable(lz: LandingZone, result: SynthResult): string {
  return table(
    ['STACK', 'KIND', 'ACCOUNT', 'RESOURCES', 'STATE'],
    result.stacks.map((s) => [s.spec.name, s.spec.kind, s.spec.target, String(s.resources), stateLocation(lz.settings, s.spec)]),
    '  ',
  );
}

