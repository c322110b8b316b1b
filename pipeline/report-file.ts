import * as fs from 'fs';
import { PipelineReport } from './report';

/** A job report that cannot be used: missing, not JSON, or not an lz plan or apply report. */
export class ReportFileError extends Error {}

/** Reads a JSON report written by `lz plan` or `lz apply` (`--report-json`). */
export function readReport(file: string): PipelineReport {
  if (!fs.existsSync(file)) throw new ReportFileError(`report ${file} does not exist`);
  let doc: PipelineReport;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as PipelineReport;
  } catch (e) {
    throw new ReportFileError(`report ${file} is not JSON: ${(e as Error).message}`);
  }
  if (doc?.formatVersion !== 1 || !Array.isArray(doc.stacks) || (doc.command !== 'plan' && doc.command !== 'apply')) {
    throw new ReportFileError(`${file} is not an lz plan or apply report (formatVersion 1 with command and stacks)`);
  }
  return doc;
}
