import { Command } from 'commander';
import { policyDocument } from '../../contract/policy-document';
import { customerKeyGrants } from '../../contract/customer-key-grants';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';

/** `lz byok-policy`: the statements an L3 customer adds to the policy of its own key. */
export function registerByokPolicy(program: Command, io: CliIO): void {
  program
    .command('byok-policy')
    .requiredOption('--tenant <id>', 'the L3 tenant')
    .option('--account-id <id>', 'the tenant account id, when the landing zone created the account (it is not in the manifest)')
    .action((opts: { tenant: string; accountId?: string }, cmd: Command) => {
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      const tenant = lz.tenants.find((t) => t.manifest.id === opts.tenant)?.manifest;
      if (!tenant) throw new CliError(`unknown tenant: ${opts.tenant}`);
      if (tenant.encryption?.byok !== 'customer-key') {
        throw new CliError(`tenant ${tenant.id} does not use a customer-owned key (tier ${tenant.tier}${tenant.encryption ? `, byok: ${tenant.encryption.byok}` : ''}); its key policy is managed by the landing zone`);
      }
      const accountId = tenant.account?.id ?? opts.accountId;
      if (!accountId) throw new CliError(`the account of ${tenant.id} is created by the landing zone and its id is not in the manifest; pass --account-id (from: terraform output account_id in the account-${tenant.id} stack)`);
      if (!/^\d{12}$/.test(accountId)) throw new CliError(`--account-id must be 12 digits; got ${accountId}`);
      const doc = policyDocument(...customerKeyGrants(lz.settings, tenant.id, accountId, tenant.homeRegion));
      io.out(JSON.stringify(doc, null, 2));
    });
}
