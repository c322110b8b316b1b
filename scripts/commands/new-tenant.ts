import * as fs from 'fs';
import * as path from 'path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { displayPath } from '../../model/load';
import { formatDiagnostic, hasErrors } from '../../model/diagnostics';
import { BYOK_MODES, TENANT_API_VERSION } from '../../model/schema/tenant';
import { TIERS } from '../../model/tiers';
import { loadSettings } from '../../model/load';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { landingZoneOptions, validate } from '../landing-zone-options';

export interface NewTenantOptions {
  readonly id: string;
  readonly name: string;
  readonly tier: (typeof TIERS)[number];
  readonly region?: string;
  readonly ownerName: string;
  readonly ownerEmail: string;
  readonly accountEmail?: string;
  readonly accountId?: string;
  readonly backupSchedule: string;
  readonly backupRetentionDays: number;
  readonly byok?: (typeof BYOK_MODES)[number];
  readonly keyArn?: string;
  readonly approver?: string[];
  readonly appVersion?: string;
  readonly tag?: Record<string, string>;
  readonly dryRun?: boolean;
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** The manifest the flags describe, in the field order of the schema. */
export function manifestFromOptions(o: NewTenantOptions, homeRegion: string): Record<string, unknown> {
  const dedicated = o.tier !== 'L1';
  const m: Record<string, unknown> = {
    apiVersion: TENANT_API_VERSION,
    kind: 'Tenant',
    id: o.id,
    displayName: o.name,
    tier: o.tier,
    status: 'active',
    homeRegion: o.region ?? homeRegion,
    contacts: [{ name: o.ownerName, email: o.ownerEmail, role: 'owner' }],
  };
  if (dedicated || o.accountEmail || o.accountId) {
    m.account = { ...(o.accountEmail !== undefined ? { email: o.accountEmail } : {}), ...(o.accountId ? { id: o.accountId } : {}) };
  }
  if (dedicated) m.backup = { schedule: o.backupSchedule, retentionDays: o.backupRetentionDays };
  if (o.tier === 'L3' || o.byok || o.keyArn) {
    const byok = o.byok ?? (o.keyArn ? 'customer-key' : 'imported');
    m.encryption = byok === 'imported' ? { byok, keyMaterialImported: false } : { byok, ...(o.keyArn ? { keyArn: o.keyArn } : {}) };
  }
  if (o.approver) m.changeApprovers = o.approver;
  if (o.appVersion) m.appVersion = o.appVersion;
  if (o.tag) m.tags = o.tag;
  return m;
}

export function registerNewTenant(program: Command, io: CliIO): void {
  program
    .command('new-tenant')
    .requiredOption('--id <id>', 'tenant id: 3-20 lowercase letters, digits and hyphens')
    .requiredOption('--name <displayName>', 'display name')
    .addOption(new Option('--tier <tier>', 'isolation tier').choices(TIERS).makeOptionMandatory())
    .requiredOption('--owner-name <name>', 'name of the owner contact')
    .requiredOption('--owner-email <email>', 'e-mail of the owner contact')
    .option('--region <region>', 'home region (default: the landing-zone home region)')
    .option('--account-email <email>', 'root e-mail of the tenant AWS account (L2/L3)')
    .option('--account-id <id>', 'existing AWS account to adopt (L2/L3)')
    .option('--backup-schedule <cron>', 'AWS Backup schedule (L2/L3)', 'cron(0 3 * * ? *)')
    .option('--backup-retention-days <days>', 'days recovery points are kept (L2/L3)', integer, 35)
    .addOption(new Option('--byok <mode>', 'bring-your-own-key mode (L3; default imported)').choices(BYOK_MODES))
    .option('--key-arn <arn>', 'customer-owned key ARN (L3, --byok customer-key)')
    .option('--approver <handle>', 'GitHub user or team approving changes (L3, repeatable)', collect)
    .option('--app-version <semver>', 'app version pin (L3)')
    .option('--tag <key=value>', 'extra tag (repeatable)', keyValue)
    .option('--dry-run', 'print the manifest instead of writing it')
    .action((opts: NewTenantOptions, cmd: Command) => {
      const lzOpts = landingZoneOptions(cmd, io);
      const settings = loadSettings(lzOpts.settings, lzOpts.cwd).loaded?.settings;
      const manifest = manifestFromOptions(opts, settings?.regions.home ?? 'eu-west-1');
      const fileName = `${opts.id}.yaml`;
      const text = `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(manifest, { lineWidth: 0 })}`;
      const target = path.join(lzOpts.tenants, fileName);
      if (fs.existsSync(target)) throw new CliError(`${displayPath(target, lzOpts.cwd)} already exists; edit it instead`);
      const result = validate(lzOpts, [{ fileName, text }]);
      for (const d of result.diagnostics) io.err(formatDiagnostic(d));
      if (hasErrors(result.diagnostics)) throw new CliError(`nothing written: the manifest for ${opts.id} would not be valid`);
      if (opts.dryRun) {
        io.out(text);
        return;
      }
      fs.writeFileSync(target, text, { flag: 'wx' });
      io.out(`✓ wrote ${displayPath(target, lzOpts.cwd)} (tier ${opts.tier}); open a pull request to add the tenant`);
    });
}
