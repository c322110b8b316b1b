import { readReport, ReportFileError } from '../pipeline/report-file';
import { CliError } from './cli-error';

/** A job report for a command: a report that cannot be used is the user's mistake (exit 1), named by its path. */
export function readReportFile(file: string) {
  try {
    return readReport(file);
  } catch (e) {
    if (e instanceof ReportFileError) throw new CliError(e.message);
    throw e;
  }
}
