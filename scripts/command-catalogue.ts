import { Command } from 'commander';
import { CliIO } from './io';

/**
 * Every `lz` command: its name, the one line `lz --help` shows, and how to load it. Only the
 * invoked command's module is loaded (with what it imports), so `lz synth` never loads the
 * audit and `lz validate` never loads CDKTF; the others are listed by name for help and
 * suggestions.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Requires the command's module and returns its register function. */
  readonly load: () => (program: Command, io: CliIO) => void;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMANDS: ReadonlyArray<CommandEntry> = [
  { name: 'validate', summary: 'check the settings file and every tenant manifest; report every problem with file, line and field', load: () => require('./commands/validate').registerValidate },
  { name: 'synth', summary: 'synthesize the Terraform JSON of every stack (or of the named tenants and the stacks they depend on)', load: () => require('./commands/synth').registerSynth },
  { name: 'list', summary: 'list tenants with their tier, status, region and stacks', load: () => require('./commands/list').registerList },
  { name: 'new-tenant', summary: 'write a new, valid tenant manifest from flags (validated with all other manifests before it is written)', load: () => require('./commands/new-tenant').registerNewTenant },
  { name: 'run', summary: 'the main job, offline: validate, synthesize, offline plan against the last commit, audit of the desired state', load: () => require('./commands/run').registerRun },
  { name: 'affected', summary: 'the stacks whose synthesized configuration differs between --base and the working tree, in dependency order', load: () => require('./commands/affected').registerAffected },
  { name: 'plan', summary: 'plan the affected (or named) stacks with Terraform, or offline without Terraform or credentials; guards fail the plan', load: () => require('./commands/plan').registerPlan },
  { name: 'apply', summary: 'apply the affected (or named) stacks in dependency order; needs Terraform and credentials', load: () => require('./commands/apply').registerApply },
  { name: 'migrate', summary: 'carry out the tier moves the manifests record after the apply (freeze, copy, verify, switch), or delete acknowledged old copies; needs credentials', load: () => require('./commands/migrate').registerMigrate },
  { name: 'drift', summary: "plan every stack (or a tenant's) as the read-only plan role and report what differs from the configuration (exit 5 on drift)", load: () => require('./commands/drift').registerDrift },
  { name: 'tf-validate', summary: 'terraform validate of every synthesized stack (or the named or affected ones) with the real provider from a local mirror, offline', load: () => require('./commands/tf-validate').registerTfValidate },
  { name: 'report', summary: 'merge JSON reports of plan or apply jobs into one summary (Markdown for the pull-request comment)', load: () => require('./commands/report').registerReport },
  { name: 'audit', summary: "check each tenant's state against the isolation contract and write reports for people and CI", load: () => require('./commands/audit').registerAudit },
  { name: 'codeowners', summary: "write the L3 tenants' change approvers into .github/CODEOWNERS and list their deployment environments", load: () => require('./commands/codeowners').registerCodeowners },
  { name: 'cost-report', summary: 'per-tenant cost by tier, month and service from AWS Cost Explorer (management account credentials), pooled shared cost apart', load: () => require('./commands/cost-report').registerCostReport },
  { name: 'byok-policy', summary: 'print the key-policy statements an L3 customer adds to its own key (byok: customer-key)', load: () => require('./commands/byok-policy').registerByokPolicy },
];

/**
 * The command an argument list invokes: its first word that is neither an option nor the value
 * of a global option (`--settings x synth` invokes synth); `help X` asks for X.
 */
export function invokedCommand(argv: ReadonlyArray<string>, program: Command): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((n): n is string => !!n)));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (a.startsWith('-')) {
      if (!a.includes('=') && takesValue.has(a)) i++;
      continue;
    }
    return a === 'help' && argv[i + 1] && !argv[i + 1].startsWith('-') ? argv[i + 1] : a;
  }
  return undefined;
}
