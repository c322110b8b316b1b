import { Command, CommanderError } from 'commander';
import { formatDiagnostic, ValidationFailed } from '../model/diagnostics';
import { CliError, EXIT_INTERNAL, EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from './cli-error';
import { registerByokPolicy } from './commands/byok-policy';
import { registerCodeowners } from './commands/codeowners';
import { registerAffected } from './commands/affected';
import { registerApply } from './commands/apply';
import { registerAudit } from './commands/audit';
import { registerList } from './commands/list';
import { registerMigrate } from './commands/migrate';
import { registerNewTenant } from './commands/new-tenant';
import { registerPlan } from './commands/plan';
import { registerReport } from './commands/report';
import { registerRun } from './commands/run';
import { registerSynth } from './commands/synth';
import { registerValidate } from './commands/validate';
import { CliIO, processIO } from './io';
import { addLandingZoneOptions } from './landing-zone-options';

export function buildProgram(io: CliIO): Command {
  const program = new Command('lz')
    .description('Tenant landing zone: tenant manifests to a multi-account AWS estate (CDK for Terraform)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  addLandingZoneOptions(program);
  registerValidate(program, io);
  registerSynth(program, io);
  registerList(program, io);
  registerNewTenant(program, io);
  registerRun(program, io);
  registerAffected(program, io);
  registerPlan(program, io);
  registerApply(program, io);
  registerMigrate(program, io);
  registerReport(program, io);
  registerAudit(program, io);
  registerCodeowners(program, io);
  registerByokPolicy(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs `lz` with `argv` (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: ReadonlyArray<string>, io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof ValidationFailed) {
      for (const d of e.diagnostics) io.err(formatDiagnostic(d));
      io.err(`✗ ${e.message}`);
      return EXIT_INVALID_INPUT;
    }
    if (e instanceof CliError) {
      if (e.message) io.err(`✗ ${e.message}`);
      return e.exitCode;
    }
    io.err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT_INTERNAL;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
