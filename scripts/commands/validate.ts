import { Command, Option } from 'commander';
import { Diagnostic, formatDiagnostic, hasErrors } from '../../model/diagnostics';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { landingZoneOptions, validate } from '../landing-zone-options';

export const VALIDATE_FORMATS = ['text', 'json', 'github'] as const;

/** A GitHub Actions workflow command: shows the finding on the pull request's diff line. */
function githubAnnotation(d: Diagnostic): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const props = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const location = d.line > 0 ? `,line=${d.line},col=${d.column}` : '';
  const body = `${d.field ? `${d.field}: ` : ''}${d.message}${d.expected ? ` (expected: ${d.expected})` : ''}`;
  return `::${d.severity === 'error' ? 'error' : 'warning'} file=${props(d.file)}${location},title=${props(`lz ${d.code}`)}::${esc(body)}`;
}

export function registerValidate(program: Command, io: CliIO): void {
  program
    .command('validate')
    .addOption(new Option('--format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
    .action((opts: { format: (typeof VALIDATE_FORMATS)[number] }, cmd: Command) => {
      const lz = landingZoneOptions(cmd, io);
      const started = Date.now();
      const result = validate(lz);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const warnings = result.diagnostics.length - errors.length;
      if (opts.format === 'json') {
        io.out(JSON.stringify({ valid: !hasErrors(result.diagnostics), tenants: result.landingZone?.tenants.length ?? null, diagnostics: result.diagnostics }, null, 2));
      } else if (opts.format === 'github') {
        for (const d of result.diagnostics) io.out(githubAnnotation(d));
      } else {
        for (const d of result.diagnostics) io.out(formatDiagnostic(d));
        const ms = Date.now() - started;
        if (result.landingZone) {
          io.out(`✓ ${result.landingZone.tenants.length} tenant manifests and the settings are valid (${warnings} warning${warnings === 1 ? '' : 's'}, ${ms} ms)`);
        } else {
          io.out(`✗ ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${result.filesRead} files`);
        }
      }
      if (hasErrors(result.diagnostics)) throw new CliError('', 1);
    });
}
