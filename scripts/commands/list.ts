import { Command, Option } from 'commander';
import { stackInventory } from '../../model/inventory';
import { table } from '../../format/text-table';
import { CliIO } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';

export function registerList(program: Command, io: CliIO): void {
  program
    .command('list')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }, cmd: Command) => {
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const inventory = stackInventory(lz.tenants.map((t) => t.profile));
      const rows = lz.tenants.map(({ manifest: t }) => ({
        id: t.id,
        displayName: t.displayName,
        tier: t.tier,
        status: t.status,
        homeRegion: t.homeRegion,
        account: t.account ? (t.account.id ?? 'new') : 'platform',
        stacks: inventory.filter((s) => s.tenantId === t.id).map((s) => s.name),
      }));
      if (opts.format === 'json') {
        io.out(JSON.stringify({ tenants: rows, sharedStacks: inventory.filter((s) => !s.tenantId).map((s) => s.name) }, null, 2));
        return;
      }
      io.out(table(['TENANT', 'TIER', 'STATUS', 'REGION', 'ACCOUNT', 'STACKS'], rows.map((r) => [r.id, r.tier, r.status, r.homeRegion, r.account, r.stacks.join(', ')])));
      const shared = inventory.filter((s) => !s.tenantId).map((s) => s.name);
      io.out(`\n${rows.length} tenants, ${inventory.length} stacks (shared: ${shared.join(', ')})`);
    });
}
