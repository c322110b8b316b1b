import * as path from 'path';
import { Command, Option } from 'commander';
import { reportTime } from '../../audit/run';
import { COST_METRICS, CostMetric } from '../../cost/cost-explorer';
import { COST_FORMATS, CostFormat } from '../../cost/report';
import { monthAfter, monthRange, runCostReport } from '../../cost/run';
import { CliError, UsageError } from '../cli-error';
import { CliIO } from '../io';
import { outputFolder } from '../paths';
import { checkTenantIds, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';

interface CostReportCommandOptions {
  readonly month?: string;
  readonly from?: string;
  readonly to?: string;
  readonly metric: CostMetric;
  readonly format: string;
  readonly out: string;
  readonly account?: string[];
}

/** Cost Explorer keeps 14 months of history by default; a report spans at most a year. */
const MAX_MONTHS = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function parseMonth(flag: string, value: string): string {
  if (!MONTH.test(value)) throw new UsageError(`${flag} takes a month written as YYYY-MM, e.g. 2026-09; got ${value}`);
  return value;
}

/** The months to report: --month, or --from/--to, or the last complete month before `now`. */
export function reportMonths(opts: Pick<CostReportCommandOptions, 'month' | 'from' | 'to'>, now: Date): string[] {
  const current = now.toISOString().slice(0, 7);
  if (opts.month && (opts.from || opts.to)) throw new UsageError('--month and --from/--to are two ways to choose months; use one');
  let months: string[];
  if (opts.month) months = [parseMonth('--month', opts.month)];
  else if (opts.from || opts.to) {
    if (!opts.from || !opts.to) throw new UsageError('--from and --to go together');
    const from = parseMonth('--from', opts.from);
    const to = parseMonth('--to', opts.to);
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    months = monthRange(from, to);
  } else {
    const [y, m] = current.split('-').map(Number);
    months = [m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`];
  }
  if (months.length > MAX_MONTHS) throw new UsageError(`a report spans at most ${MAX_MONTHS} months; got ${months.length}`);
  if (months[months.length - 1] > current) throw new UsageError(`${months[months.length - 1]} has not begun (it is ${current}); Cost Explorer has no cost for it yet`);
  return months;
}

function parseAccounts(pairs: ReadonlyArray<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([a-z][a-z0-9-]*)=(\d{12})$/.exec(p);
    if (!m) throw new UsageError(`--account takes TENANT=ACCOUNT_ID with a 12-digit id, e.g. acme=123456789012; got ${p}`);
    out[m[1]] = m[2];
  }
  return out;
}

function parseFormats(list: string): CostFormat[] {
  const formats = list.split(',').map((f) => f.trim()).filter(Boolean);
  if (formats.length === 0 || formats.some((f) => !(COST_FORMATS as ReadonlyArray<string>).includes(f))) throw new UsageError(`--format takes a comma-separated list of ${COST_FORMATS.join(', ')}; got ${list}`);
  return formats as CostFormat[];
}

/** `lz cost-report`: per-tenant cost by tier, month and service from AWS Cost Explorer. */
export function registerCostReport(program: Command, io: CliIO): void {
  program
    .command('cost-report')
    .option('--month <YYYY-MM>', 'one month (default: the last complete month)')
    .option('--from <YYYY-MM>', 'first month of a range (with --to)')
    .option('--to <YYYY-MM>', 'last month of a range, inclusive (with --from)')
    .addOption(new Option('--metric <metric>', 'Cost Explorer cost metric').choices([...COST_METRICS]).default('UnblendedCost'))
    .option('--account <tenant=id>', "a created tenant account's id, when its name is no longer the one the landing zone gave it (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--format <list>', `comma-separated: ${COST_FORMATS.join(', ')}`, 'md,json')
    .option('--out <dir>', 'directory for the reports', 'cost-report')
    .action(async (opts: CostReportCommandOptions, cmd: Command) => {
      // Paths first: a bad --out never gets as far as asking AWS.
      const outDir = outputFolder('--out', opts.out, io.cwd);
      const months = reportMonths(opts, new Date(reportTime(io.env)));
      const formats = parseFormats(opts.format);
      const accountIds = parseAccounts(opts.account ?? []);
      const lz = loadValidLandingZone(landingZoneOptions(cmd, io), io);
      checkTenantIds(lz, Object.keys(accountIds));
      let run;
      try {
        run = await runCostReport(lz, { months, metric: opts.metric, accountIds, formats, outDir });
      } catch (e) {
        const err = e as { name?: string; message?: string; $metadata?: unknown };
        // AWS refused or could not be reached: the user's environment, not a bug.
        if (err.$metadata !== undefined || /credential/i.test(err.message ?? '')) throw new CliError(`Cost Explorer: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`);
        throw e;
      }
      const { report } = run;
      io.out(`Cost per tenant, ${report.metric} (${report.unit}), ${months[0]}${months.length > 1 ? ` to ${months[months.length - 1]}` : ''}${report.estimated.length > 0 ? ` (estimated: ${report.estimated.join(', ')})` : ''}`);
      for (const t of report.tenants) io.out(`  ${t.tenantId.padEnd(22)} ${t.tier}  ${months.map((m) => t.months[m].total.toFixed(2).padStart(12)).join(' ')}`);
      io.out(`  ${'pooled shared (L1)'.padEnd(22)}     ${months.map((m) => (report.pooledShared.months[m] ?? 0).toFixed(2).padStart(12)).join(' ')}`);
      for (const w of report.warnings) io.err(`warning: ${w}`);
      io.out(`Reports: ${run.files.map((f) => path.relative(io.cwd, f)).join(', ')} (through ${monthAfter(months[months.length - 1])}, exclusive)`);
    });
}
