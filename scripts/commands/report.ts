import * as fs from 'fs';
import { Command, Option } from 'commander';
import { stableStringify } from '../../format/stable-json';
import { ExpectedStack, mergeReports, PipelineReport, ReportMergeError, reportPassed, totals } from '../../pipeline/report';
import { renderMarkdown } from '../../pipeline/report-markdown';
import { renderText } from '../../pipeline/report-text';
import { CliError } from '../cli-error';
import { CliIO } from '../io';
import { inputFile, outputFile, writeOutputFile } from '../paths';
import { readReportFile } from '../report-files';

/**
 * `lz report`: one summary from the JSON reports of several jobs (the plan matrix, the apply
 * jobs). With --expect (the output of `lz affected --format json`), every affected stack
 * without a report is a failure, so a job that died early cannot make the summary pass.
 */
export interface ReportCommandOptions {
  readonly expect?: string;
  readonly format: 'text' | 'markdown' | 'json';
  readonly out?: string;
}

export function registerReport(program: Command, io: CliIO): void {
  program
    .command('report')
    .description('merge JSON reports of plan or apply jobs into one summary (Markdown for the pull-request comment)')
    .argument('[reports...]', 'JSON reports (lz plan/apply --report-json); none when no job wrote one')
    .option('--expect <file>', 'lz affected --format json output: every stack it lists must be covered')
    .addOption(new Option('--format <format>', 'what to print').choices(['text', 'markdown', 'json']).default('markdown'))
    .option('--out <file>', 'write the summary here instead of printing it')
    .action((files: string[], opts: ReportCommandOptions) => {
      const out = opts.out ? outputFile('--out', opts.out, io.cwd) : undefined;
      const reports = files.map((f) => readReportFile(inputFile('report', f, io.cwd, 'a JSON report of lz plan or lz apply')));
      const affected = opts.expect ? readAffected(inputFile('--expect', opts.expect, io.cwd, 'the output of lz affected --format json'), opts.expect) : undefined;
      if (reports.length === 0 && !affected) throw new CliError('no reports to merge: name JSON reports, or --expect with the affected stacks');
      let merged;
      try {
        merged = mergeReports(reports, affected?.expected ?? [], affected && { command: reports[0]?.command ?? 'plan', base: affected.base, head: affected.head });
      } catch (e) {
        if (e instanceof ReportMergeError) throw new CliError(e.message);
        throw e;
      }
      const text = opts.format === 'json' ? stableStringify(merged) : opts.format === 'markdown' ? renderMarkdown(merged) : renderText(merged);
      if (out) writeOutputFile(out, text.endsWith('\n') ? text : `${text}\n`);
      else io.out(text);
      if (!reportPassed(merged)) {
        const t = totals(merged);
        throw new CliError(`${merged.command} failed: ${t.violations} guard violation${t.violations === 1 ? '' : 's'}, ${t.failed} stack${t.failed === 1 ? '' : 's'} failed, held back or without a report`);
      }
    });
}

function readAffected(file: string, shown: string): { expected: ExpectedStack[]; base: PipelineReport['base']; head: PipelineReport['head'] } {
  let doc: { stacks?: Array<Record<string, unknown>>; base?: { ref: string; commit: string }; head?: PipelineReport['head'] };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`--expect ${shown}: is not JSON (${(e as Error).message}); expected the output of lz affected --format json`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.stacks) || !doc.base || !doc.head) throw new CliError(`--expect ${shown}: is not the output of lz affected --format json (it needs "base", "head" and "stacks")`);
  const expected = doc.stacks.map((s) => ({
    stack: String(s.name),
    kind: s.kind as ExpectedStack['kind'],
    ...(s.tenantId ? { tenantId: String(s.tenantId), tier: String(s.tier) } : {}),
    wave: Number(s.wave),
    change: s.change as ExpectedStack['change'],
    state: String(s.state),
  }));
  return { expected, base: { ref: doc.base.ref, commit: doc.base.commit }, head: doc.head };
}
