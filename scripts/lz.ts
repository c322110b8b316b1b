import { Command, CommanderError } from 'commander';
import { formatDiagnostic, ValidationFailed } from '../model/diagnostics';
import { CliError, EXIT_INTERNAL, EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from './cli-error';
import { COMMANDS, invokedCommand } from './command-catalogue';
import { CliIO, processIO } from './io';
import { addLandingZoneOptions } from './landing-zone-options';

export function buildProgram(io: CliIO, argv: ReadonlyArray<string> = []): Command {
  const program = new Command('lz')
    .description('Tenant landing zone: tenant manifests to a multi-account AWS estate (CDK for Terraform)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  addLandingZoneOptions(program);
  const invoked = invokedCommand(argv, program);
  for (const entry of COMMANDS) {
    if (entry.name === invoked) entry.load()(program, io);
    else program.command(entry.name);
    program.commands[program.commands.length - 1].description(entry.summary);
  }
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs `lz` with `argv` (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: ReadonlyArray<string>, io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io, argv);
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
