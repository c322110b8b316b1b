import * as path from 'path';
import { Command } from 'commander';
import { LandingZone } from '../../model/validate';
import { SynthResult, synthesizeLandingZone } from '../../stacks/synthesize';
import { CliError } from '../cli-error';
import { table } from '../../format/text-table';
import { CliIO } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { stateLocation } from '../../model/inventory';

export interface SynthCommandOptions {
  readonly tenant?: string[];
  readonly out: string;
  readonly bootstrapLocalState?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function checkTenantIds(lz: LandingZone, ids: ReadonlyArray<string>): void {
  const known = new Set(lz.tenants.map((t) => t.manifest.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliError(`unknown tenant${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${[...known].join(', ') || 'none'})`);
  }
}

export function synthesize(lz: LandingZone, opts: SynthCommandOptions, io: CliIO): SynthResult {
  if (opts.tenant) checkTenantIds(lz, opts.tenant);
  return synthesizeLandingZone(lz, { outdir: path.resolve(io.cwd, opts.out), tenantIds: opts.tenant, bootstrapLocalState: opts.bootstrapLocalState });
}

export function stackTable(lz: LandingZone, result: SynthResult): string {
  return table(
    ['STACK', 'KIND', 'ACCOUNT', 'RESOURCES', 'STATE'],
    result.stacks.map((s) => [s.spec.name, s.spec.kind, s.spec.target, String(s.resources), stateLocation(lz.settings, s.spec)]),
    '  ',
  );
}

export function registerSynth(program: Command, io: CliIO): void {
  program
    .command('synth')
    .description('synthesize the Terraform JSON of every stack (or of the named tenants and the stacks they depend on)')
    .option('--tenant <id>', 'only this tenant (repeatable)', collect)
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--bootstrap-local-state', 'keep the bootstrap stack state in .lz/bootstrap.tfstate (first apply, before the state bucket exists)')
    .action((opts: SynthCommandOptions, cmd: Command) => {
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const started = Date.now();
      const result = synthesize(lz, opts, io);
      io.out(stackTable(lz, result));
      io.out(`✓ ${result.stacks.length} stacks synthesized to ${path.relative(io.cwd, result.outdir) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
