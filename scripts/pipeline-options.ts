import * as path from 'path';
import { Command, Option } from 'commander';
import ms from 'ms';
import { stableStringify } from '../format/stable-json';
import { LandingZone } from '../model/validate';
import { AffectedResult, allStacksInOrder, computeAffected, stackDiffers } from '../pipeline/affected';
import { GitError } from '../git/git';
import { PipelineReport, reportPassed, totals } from '../pipeline/report';
import { renderMarkdown, workflowRunUrl } from '../pipeline/report-markdown';
import { renderText } from '../pipeline/report-text';
import { RevisionSynthesisError } from '../pipeline/revision-synthesis';
import { SelectedStack } from '../pipeline/stack-plan';
import { SynthesisIndexError } from '../pipeline/synthesis-index';
import { resolveExecutable, TerraformConfig } from '../pipeline/terraform';
import { DEFAULT_WORK_DIR, PrepareOptions, prepareSyntheses, recordedBaseCommit, Syntheses, withStacksWritten, WorkspaceError } from '../pipeline/workspace';
import { MarkerError } from '../pipeline/applied';
import { dirMarkerStore, MarkerStore, s3MarkerStore } from '../pipeline/applied-store';
import { AppliedScope, readAppliedRecords, selectSinceApplied, SinceApplied } from '../pipeline/since-applied';
import { CliError, UsageError } from './cli-error';
import { CliIO } from './io';
import { outputFile, outputFolder, writeOutputFile } from './paths';
import { baseRefOf, checkTenantIds, LandingZoneOptions } from './landing-zone-options';

/** Options and helpers that `lz affected`, `lz plan` and `lz apply` share. */
export interface WorkOptions {
  readonly workDir: string;
  readonly reuseSynth?: boolean;
}

export function addWorkOptions(cmd: Command): Command {
  return cmd
    .option('--work-dir <dir>', 'where the base and head syntheses, plans and logs go', DEFAULT_WORK_DIR)
    .option('--reuse-synth', 'use the syntheses an earlier `lz affected` left in --work-dir (checked against the base and HEAD commits) instead of synthesizing again');
}

export async function loadSyntheses(lz: LandingZone, lzOpts: LandingZoneOptions, baseRef: string, work: WorkOptions, io: CliIO, headDir?: string, include?: ReadonlyArray<string>): Promise<Syntheses> {
  try {
    return await prepareSyntheses(prepareOptions(lz, lzOpts, baseRef, work, io, headDir, include));
  } catch (e) {
    if (e instanceof GitError || e instanceof WorkspaceError || e instanceof RevisionSynthesisError || e instanceof SynthesisIndexError) throw new CliError(e.message);
    throw e;
  }
}

/** Syntheses with these stacks' configuration written too (e.g. what a local plan reads remote state from). */
export async function loadStacksOf(syntheses: Syntheses, names: ReadonlyArray<string>, lz: LandingZone, lzOpts: LandingZoneOptions, baseRef: string, work: WorkOptions, io: CliIO): Promise<Syntheses> {
  try {
    return await withStacksWritten(prepareOptions(lz, lzOpts, baseRef, work, io), syntheses, names);
  } catch (e) {
    if (e instanceof GitError || e instanceof WorkspaceError || e instanceof RevisionSynthesisError) throw new CliError(e.message);
    throw e;
  }
}

function prepareOptions(lz: LandingZone, lzOpts: LandingZoneOptions, baseRef: string, work: WorkOptions, io: CliIO, headDir?: string, include?: ReadonlyArray<string>): PrepareOptions {
  return {
    lz,
    settingsFile: lzOpts.settings,
    tenantsDir: lzOpts.tenants,
    baseRef,
    workDir: path.resolve(io.cwd, work.workDir),
    reuse: work.reuseSynth,
    headDir,
    cacheDir: lzOpts.synthCache,
    validationCache: lzOpts.validationCache,
    workers: lzOpts.synthWorkers,
    include,
  };
}

export interface SelectionOptions {
  readonly affected?: boolean;
  readonly stack?: string[];
  readonly tenant?: string[];
}

export function addSelectionOptions(cmd: Command): Command {
  return cmd
    .option('--affected', 'the stacks whose synthesized configuration differs from the base revision (the default without --stack)')
    .option('--stack <name...>', 'these stacks (repeatable, or several names after one flag)', collect)
    .option('--tenant <id...>', "only these tenants' stacks (repeatable)", collect);
}

export function collect(value: string | string[], previous: string[] = []): string[] {
  return [...previous, ...(Array.isArray(value) ? value : [value])].flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

export interface Selection {
  readonly stacks: ReadonlyArray<SelectedStack>;
  /** The whole change, when it was computed (always with --affected). */
  readonly affected?: AffectedResult;
}

/** The selected stacks, in dependency order, each with how it changed. */
export function selectStacks(s: Syntheses, opts: SelectionOptions, needAffected = false): Selection {
  if (opts.affected && opts.stack) throw new UsageError('--affected and --stack exclude each other: choose the affected stacks or name them');
  let affected: AffectedResult | undefined;
  let stacks: SelectedStack[];
  if (!opts.stack || needAffected) affected = computeAffected(s.base, s.head);
  if (!opts.stack) {
    stacks = affected!.stacks.map((a) => ({ spec: a.spec, change: a.change }));
  } else {
    const known = new Set([...s.head.stacks.keys(), ...s.base.stacks.keys()]);
    const unknown = opts.stack.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      const list = [...s.head.stacks.keys()];
      throw new CliError(`unknown stack${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${list.slice(0, 20).join(', ')}${list.length > 20 ? `, … ${list.length - 20} more` : ''})`);
    }
    const wanted = new Set(opts.stack);
    stacks = allStacksInOrder(s.base, s.head)
      .filter((spec) => wanted.has(spec.name))
      .map((spec) => {
        const b = s.base.stacks.get(spec.name);
        const h = s.head.stacks.get(spec.name);
        return { spec, change: !b ? 'added' : !h ? 'removed' : stackDiffers(b, h, s.base, s.head) ? 'changed' : 'unchanged' };
      });
  }
  if (opts.tenant) {
    const tenantIds = new Set(opts.tenant);
    const known = new Set([...s.head.stacks.values(), ...s.base.stacks.values()].map((x) => x.spec.tenantId).filter(Boolean));
    const unknown = opts.tenant.filter((t) => !known.has(t));
    if (unknown.length > 0) throw new CliError(`unknown tenant${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (no stack of the base or head belongs to ${unknown.length > 1 ? 'them' : 'it'})`);
    stacks = stacks.filter((x) => x.spec.tenantId !== undefined && tenantIds.has(x.spec.tenantId));
  }
  return { stacks, affected };
}

export interface TerraformCliOptions {
  readonly terraformBin?: string;
  readonly initArg?: string[];
  readonly planArg?: string[];
  readonly applyArg?: string[];
  readonly timeout: string;
  readonly killGrace: string;
  readonly lockTimeout: string;
  readonly parallelism: string;
  readonly pluginCache?: string;
}

export function addTerraformOptions(cmd: Command, withApply: boolean): Command {
  cmd
    .option('--terraform-bin <path>', 'Terraform or OpenTofu binary (a path or a command on PATH; default: $LZ_TERRAFORM_BIN, else terraform)')
    .option('--init-arg <arg>', 'extra argument for init (repeatable), e.g. --init-arg=-upgrade', (v: string, p: string[] = []) => [...p, v])
    .option('--plan-arg <arg>', 'extra argument for plan (repeatable), e.g. --plan-arg=-lock-timeout=5m', (v: string, p: string[] = []) => [...p, v]);
  if (withApply) cmd.option('--apply-arg <arg>', 'extra argument for apply (repeatable)', (v: string, p: string[] = []) => [...p, v]);
  return cmd
    .option('--timeout <duration>', 'time limit per stack (all its Terraform commands), e.g. 90s, 30m, 1h', '30m')
    .option('--kill-grace <duration>', 'at the time limit, SIGINT first and SIGKILL after this long', '30s')
    .option('--lock-timeout <duration>', "how long plan and apply wait for a stack's state lock held by another run (-lock-timeout)", '10m')
    .option('--parallelism <n>', 'stacks run at the same time', '4')
    .option('--plugin-cache <dir>', 'shared provider plugin cache (default: $TF_PLUGIN_CACHE_DIR, else <work-dir>/plugin-cache)');
}

export function parseDuration(flag: string, value: string): number {
  const v = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : ms(value.trim() as ms.StringValue);
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UsageError(`${flag}: expected a duration such as 90s, 30m or 1h (a plain number is seconds), got "${value}"`);
  return v;
}

export function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--parallelism: expected a whole number from 1 to 64, got "${value}"`);
  return n;
}

export type TerraformResolution = { readonly config: TerraformConfig } | { readonly missing: string };

/** The Terraform configuration, or why there is no usable binary. */
export function resolveTerraform(opts: TerraformCliOptions, work: WorkOptions, io: CliIO): TerraformResolution {
  const timeoutMs = parseDuration('--timeout', opts.timeout);
  const killGraceMs = parseDuration('--kill-grace', opts.killGrace);
  const lockTimeoutMs = parseDuration('--lock-timeout', opts.lockTimeout);
  const name = opts.terraformBin ?? io.env.LZ_TERRAFORM_BIN ?? 'terraform';
  const binary = resolveExecutable(name, io.env, io.cwd);
  if (!binary) return { missing: `no Terraform binary: "${name}" is ${name.includes('/') ? 'not an executable file' : 'not on PATH'} (set --terraform-bin or LZ_TERRAFORM_BIN, e.g. to tofu)` };
  return {
    config: {
      binary,
      initArgs: opts.initArg ?? [],
      planArgs: opts.planArg ?? [],
      applyArgs: opts.applyArg ?? [],
      timeoutMs,
      killGraceMs,
      lockTimeoutMs,
      env: io.env,
      pluginCacheDir: path.resolve(io.cwd, opts.pluginCache ?? io.env.TF_PLUGIN_CACHE_DIR ?? path.join(work.workDir, 'plugin-cache')),
    },
  };
}

export function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'what to print').choices(['text', 'markdown', 'json']).default('text'))
    .option('--report-json <file>', 'also write the JSON report here')
    .option('--report-md <file>', 'also write the Markdown summary (the pull-request comment) here')
    .option('--verbose', 'print every stack and resource change, not only what changes or fails');
}

export interface ReportOutputOptions {
  readonly format: 'text' | 'markdown' | 'json';
  readonly reportJson?: string;
  readonly reportMd?: string;
  readonly verbose?: boolean;
}

/** Prints the report in the chosen format, writes the requested files, fails the command if the report does. */
export function emitReport(report: PipelineReport, opts: ReportOutputOptions, io: CliIO): void {
  if (opts.reportJson) writeOutputFile(outputFile('--report-json', opts.reportJson, io.cwd), stableStringify(report) + '\n');
  const md = { runUrl: workflowRunUrl(io.env), verbose: opts.verbose };
  if (opts.reportMd) writeOutputFile(outputFile('--report-md', opts.reportMd, io.cwd), renderMarkdown(report, md));
  io.out(opts.format === 'json' ? stableStringify(report) : opts.format === 'markdown' ? renderMarkdown(report, md) : renderText(report, { verbose: opts.verbose }));
  if (!reportPassed(report)) {
    const t = totals(report);
    throw new CliError(`${report.command} failed: ${t.violations} guard violation${t.violations === 1 ? '' : 's'}, ${t.failed} stack${t.failed === 1 ? '' : 's'} failed or held back`);
  }
}

/**
 * The paths of `lz affected`, `lz plan` and `lz apply`, checked before any synthesis or Terraform
 * run, so that a typo costs a second, not a plan (scripts/paths.ts).
 */
export function checkPipelinePaths(opts: { readonly workDir?: string; readonly pluginCache?: string; readonly markersDir?: string; readonly reportJson?: string; readonly reportMd?: string }, io: CliIO): void {
  if (opts.workDir) outputFolder('--work-dir', opts.workDir, io.cwd);
  if (opts.markersDir) outputFolder('--markers-dir', opts.markersDir, io.cwd);
  if (opts.pluginCache) outputFolder('--plugin-cache', opts.pluginCache, io.cwd);
  if (opts.reportJson) outputFile('--report-json', opts.reportJson, io.cwd);
  if (opts.reportMd) outputFile('--report-md', opts.reportMd, io.cwd);
}

/** `--since-applied`: work from the applied markers instead of a base revision. */
export interface AppliedOptions {
  readonly sinceApplied?: boolean;
  readonly markersDir?: string;
}

export function addAppliedOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--since-applied', `${what} every stack whose configuration differs from the one last applied successfully (the markers beside each state), whose last apply failed, or that was never applied; the base is the oldest recorded commit`)
    .option('--markers-dir <dir>', 'read (and write) the applied markers in this directory, laid out like the state bucket, instead of the bucket');
}

export function markerStoreFor(opts: AppliedOptions, lz: LandingZone, io: CliIO): MarkerStore {
  if (opts.markersDir) return dirMarkerStore(path.resolve(io.cwd, opts.markersDir));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK loads only when the bucket is read, not on every pipeline command
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return s3MarkerStore(new S3Client({ region: lz.settings.state.region }), lz.settings.state.bucket);
}

export interface SinceAppliedLoad extends SinceApplied {
  readonly syntheses: Syntheses;
  readonly store: MarkerStore;
}

/**
 * Reads the applied markers, then synthesizes the oldest recorded commit and the working tree
 * (or reuses the syntheses of an earlier `lz affected --since-applied`: the markers are read
 * again, so a job that waited for its turn sees what the jobs before it applied).
 */
export async function loadSinceApplied(lz: LandingZone, lzOpts: LandingZoneOptions, opts: AppliedOptions & WorkOptions, io: CliIO, cmd: Command, scope: AppliedScope = {}): Promise<SinceAppliedLoad> {
  const store = markerStoreFor(opts, lz, io);
  if (scope.tenantIds) checkTenantIds(lz, scope.tenantIds);
  let records;
  try {
    records = await readAppliedRecords(lz, store, lzOpts.tenants, scope);
  } catch (e) {
    if (e instanceof MarkerError || e instanceof GitError) throw new CliError(e.message);
    throw e;
  }
  if (records.unknownCommits.length > 0) io.err(`  recorded commit${records.unknownCommits.length === 1 ? '' : 's'} ${records.unknownCommits.map((c) => c.slice(0, 12)).join(', ')} not in this clone (rewritten history?): those stacks are compared by configuration digest only`);
  let baseRef: string;
  if (opts.reuseSynth) {
    const recorded = recordedBaseCommit(path.resolve(io.cwd, opts.workDir));
    if (!recorded) throw new CliError(`--reuse-synth: no syntheses recorded in ${opts.workDir} (run lz affected --since-applied first, or download its work directory)`);
    baseRef = recorded;
  } else {
    baseRef = records.baseCommit ?? baseRefOf(cmd, io);
  }
  io.err(`  applied markers in ${store.location}: ${[...records.markers.values()].filter(Boolean).length} of ${records.markers.size} stacks${scope.tenantIds || scope.environment ? ` (those this run may apply and their dependencies)` : ''} recorded; base ${records.baseCommit ? `${records.baseCommit.slice(0, 12)} (the oldest recorded commit)` : `${baseRef} (nothing recorded yet)`}`);
  // Every stack in scope is compared with its marker by configuration digest, so every one is written.
  const syntheses = await loadSyntheses(lz, lzOpts, baseRef, opts, io, undefined, [...records.markers.keys()]);
  return { syntheses, store, ...selectSinceApplied(syntheses, records.markers, scope) };
}
