import * as path from 'path';
import { Command } from 'commander';
import { CliIO } from '../io';
import { outputFolder } from '../paths';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { stackSummary, stackTable, synthesize } from '../synthesis';

interface SynthCommandOptions {
  readonly tenant?: string[];
  readonly out: string;
  readonly bootstrapLocalState?: boolean;
  readonly verbose?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerSynth(program: Command, io: CliIO): void {
  program
    .command('synth')
    .option('--tenant <id>', 'only this tenant (repeatable)', collect)
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--bootstrap-local-state', 'keep the bootstrap stack state in .lz/bootstrap.tfstate (first apply, before the state bucket exists)')
    .option('--verbose', 'list every stack (by default: counts by stack kind, or every stack of the tenants named with --tenant)')
    .action(async (opts: SynthCommandOptions, cmd: Command) => {
      outputFolder('--out', opts.out, io.cwd);
      const lzOpts = landingZoneOptions(cmd, io);
      const lz = loadValidLandingZone(lzOpts, io);
      const started = Date.now();
      const result = await synthesize(lz, lzOpts, opts, io);
      io.out(opts.verbose || opts.tenant ? stackTable(lz, result) : stackSummary(result));
      const cached = result.stacks.filter((s) => s.fromCache).length;
      const notes = [
        ...(cached > 0 ? [`${cached} from the cache, ${result.stacks.length - cached} synthesized`] : []),
        ...(result.workerPeakRssMb.length > 0 ? [`${result.workerPeakRssMb.length} worker processes, peak ${Math.max(...result.workerPeakRssMb)} MB`] : []),
      ];
      io.out(`✓ ${result.stacks.length} stacks synthesized to ${path.relative(io.cwd, result.outdir) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
    });
}
