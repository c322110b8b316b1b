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
    .description('synthesize the Terraform JSON of every stack (or of the named tenants and the stacks they depend on)')
    .option('--tenant <id>', 'only this tenant (repeatable)', collect)
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--bootstrap-local-state', 'keep the bootstrap stack state in .lz/bootstrap.tfstate (first apply, before the state bucket exists)')
    .option('--verbose', 'list every stack (by default: counts by stack kind, or every stack of the tenants named with --tenant)')
    .action((opts: SynthCommandOptions, cmd: Command) => {
      outputFolder('--out', opts.out, io.cwd);
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const started = Date.now();
      const result = synthesize(lz, opts, io);
      io.out(opts.verbose || opts.tenant ? stackTable(lz, result) : stackSummary(result));
      io.out(`✓ ${result.stacks.length} stacks synthesized to ${path.relative(io.cwd, result.outdir) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
