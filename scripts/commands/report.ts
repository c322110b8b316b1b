import * as path from 'path';
import { Command, Option } from 'commander';
import { stableStringify } from '../../format/stable-json';
import { mergeReports, PipelineReport, ReportMergeError, reportPassed, totals, UnreadableReport } from '../../pipeline/report';
import { readAffected, readReport, ReportFileError } from '../../pipeline/report-file';
import { renderMarkdown, workflowRunUrl } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { inputFile, outputFile, writeOutputFile } from '../paths';

/**
 * `lz report`: one summary from the JSON reports of several jobs (the plan matrix, the apply
 * jobs). With --expect (the output of `lz affected --format json`), every affected stack
 * without a report is a failure, so a job that died early cannot make the summary pass.
 */
export interface ReportCommandOptions {
  readonly expect?: string;
  readonly format: 'text' | 'markdown' | 'json';
  readonly out?: string;
  readonly verbose?: boolean;
}

export function registerReport(program: Command, io: CliIO): void {
  program
    .command('report')
    .argument('[reports...]', 'JSON reports (lz plan/apply --report-json); none when no job wrote one')
    .option('--expect <file>', 'lz affected --format json output: every stack it lists must be covered')
    .addOption(new Option('--format <format>', 'what to print').choices(['text', 'markdown', 'json']).default('markdown'))
    .option('--out <file>', 'write the summary here instead of printing it')
    .option('--verbose', 'list every stack and resource change, not only what changed or failed')
    .action((files: string[], opts: ReportCommandOptions) => {
      // A job report that cannot be read fails the run, but the others are still summarized.
      const reports: PipelineReport[] = [];
      const unreadable: UnreadableReport[] = [];
      for (const f of files) {
        try {
          reports.push(readReport(path.resolve(io.cwd, f)));
        } catch (e) {
          if (!(e instanceof ReportFileError)) throw e;
          unreadable.push({ input: f, problem: e.message });
          io.err(`✗ ${e.message}`);
        }
      }
      const out = opts.out ? outputFile('--out', opts.out, io.cwd) : undefined;
      const affected = opts.expect ? readExpect(inputFile('--expect', opts.expect, io.cwd, 'the output of lz affected --format json')) : undefined;
      if (files.length === 0 && !affected) throw new CliError('no reports to merge: name JSON reports, or --expect with the affected stacks');
      let merged: PipelineReport;
      try {
        const context = { command: reports[0]?.command ?? 'plan', base: affected?.base ?? unknownBase, head: affected?.head ?? { dirty: false } };
        merged = mergeReports(reports, affected?.expected ?? [], context);
      } catch (e) {
        if (e instanceof ReportMergeError) throw new CliError(`${e.message} (reports read: ${files.filter((f) => !unreadable.some((u) => u.input === f)).join(', ')})`);
        throw e;
      }
      if (unreadable.length > 0) merged = { ...merged, unreadable: [...(merged.unreadable ?? []), ...unreadable] };
      const text = opts.format === 'json' ? stableStringify(merged) : opts.format === 'markdown' ? renderMarkdown(merged, { runUrl: workflowRunUrl(io.env), verbose: opts.verbose }) : renderText(merged, { verbose: opts.verbose });
      if (out) writeOutputFile(out, text.endsWith('\n') ? text : `${text}\n`);
      else io.out(text);
      if (!reportPassed(merged)) {
        const t = totals(merged);
        const lost = merged.unreadable?.length ?? 0;
        throw new CliError(`${merged.command} failed: ${t.violations} guard violation${t.violations === 1 ? '' : 's'}, ${t.failed} stack${t.failed === 1 ? '' : 's'} failed, held back or without a report${lost ? `, ${lost} job report${lost === 1 ? '' : 's'} unreadable` : ''}`);
      }
    });
}

/** What a merged report says of the base when no job report and no --expect names it. */
const unknownBase: PipelineReport['base'] = { ref: '(unknown: no job report could be read)', commit: '0'.repeat(40) };

function readExpect(file: string): ReturnType<typeof readAffected> {
  try {
    return readAffected(file);
  } catch (e) {
    if (e instanceof ReportFileError) throw new CliError(e.message);
    throw e;
  }
}
