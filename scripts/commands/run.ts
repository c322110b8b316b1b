import * as path from 'path';
import { Command } from 'commander';
import { LandingZone } from '../../model/validate';
import { TIER_DESCRIPTIONS, TIERS } from '../../model/tiers';
import { CliIO } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { stackTable, synthesize } from './synth';

function tenantsByTier(lz: LandingZone): string {
  return TIERS.map((tier) => {
    const list = lz.tenants.filter((t) => t.manifest.tier === tier).map((t) => (t.manifest.status === 'active' ? t.manifest.id : `${t.manifest.id} (${t.manifest.status})`));
    return `  ${tier} ${TIER_DESCRIPTIONS[tier].split(':')[0]} (${list.length}): ${list.join(', ') || '-'}`;
  }).join('\n');
}

/**
 * The main job, offline: validate, synthesize every stack and print a summary a platform
 * engineer can read. Needs no cloud account and no Terraform binary.
 */
export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('the main job, offline: validate, synthesize every stack and print a summary')
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .action((opts: { out: string }, cmd: Command) => {
      const lzOpts = landingZoneOptions(cmd, io);
      const t0 = Date.now();
      const lz = loadValidLandingZone(lzOpts, io);
      const { settings } = lz;
      io.out(`Landing zone "${settings.name}": organization ${settings.organization.id}, management account ${settings.organization.managementAccountId}, platform account ${settings.organization.platformAccountId}, home region ${settings.regions.home}`);
      io.out(`✓ validated ${lz.tenants.length} tenant manifests and ${path.relative(io.cwd, lzOpts.settings)} in ${Date.now() - t0} ms\n`);
      io.out('Tenants by tier');
      io.out(tenantsByTier(lz));
      const t1 = Date.now();
      const result = synthesize(lz, { out: opts.out }, io);
      const total = result.stacks.reduce((n, s) => n + s.resources, 0);
      io.out(`\nStacks: ${result.stacks.length} synthesized to ${path.relative(io.cwd, result.outdir)} in ${((Date.now() - t1) / 1000).toFixed(1)} s, ${total} resources`);
      io.out(stackTable(lz, result));
      io.out(`\nState: bucket s3://${settings.state.bucket} (${settings.state.region}), one key per stack, tenant stacks under tenants/<id>/, S3 native locking`);
      io.out('Order: bootstrap → organization → platform and account stacks → tenant stacks');
    });
}
