import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { stateLocation } from '../../model/inventory';
import { stableStringify } from '../../format/stable-json';
import { LandingZone } from '../../model/validate';
import { AffectedResult, approvalMatrix, GITHUB_MATRIX_LIMIT, planMatrix } from '../../pipeline/affected';
import { approvalRequirement, guardContext } from '../../pipeline/guards';
import { Syntheses } from '../../pipeline/workspace';
import { UsageError } from '../cli-error';
import { table } from '../../format/text-table';
import { CliIO } from '../io';
import { baseRefOf, landingZoneOptions, loadValidLandingZone } from '../landing-zone-options';
import { outputFile } from '../paths';
import { addAppliedOptions, addWorkOptions, AppliedOptions, checkPipelinePaths, loadSinceApplied, loadSyntheses, selectStacks, WorkOptions } from '../pipeline-options';

/**
 * `lz affected`: the stacks whose synthesized configuration differs between the base revision
 * and the working tree (both synthesized, compared per stack), plus added and removed stacks,
 * in dependency order; as text, JSON or a GitHub Actions matrix.
 */
export interface AffectedCommandOptions extends WorkOptions, AppliedOptions {
  readonly format: 'text' | 'json' | 'matrix';
  readonly maxJobs: string;
  readonly githubOutput?: string;
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

export function affectedJson(result: AffectedResult, s: Syntheses, lz: LandingZone, reasons?: ReadonlyMap<string, string>): Record<string, unknown> {
  const ctx = guardContext(lz);
  const count = (c: string) => result.stacks.filter((x) => x.change === c).length;
  return {
    base: s.baseRevision,
    head: s.headRevision,
    ...(reasons ? { sinceApplied: true } : {}),
    summary: { affected: result.stacks.length, added: count('added'), changed: count('changed'), removed: count('removed'), unchanged: result.unchanged, headStacks: result.headStacks },
    stacks: result.stacks.map((a) => ({
      name: a.spec.name,
      change: a.change,
      ...(reasons?.get(a.spec.name) ? { reason: reasons.get(a.spec.name) } : {}),
      kind: a.spec.kind,
      ...(a.spec.tenantId ? { tenantId: a.spec.tenantId, tier: a.spec.tier } : {}),
      wave: a.spec.wave,
      dependsOn: a.spec.dependsOn,
      resources: a.resources,
      state: stateLocation(lz.settings, a.spec),
      ...(a.change !== 'removed' && a.spec.approvalEnvironment ? { approval: approvalRequirement(a.spec, ctx) } : {}),
    })),
  };
}

export function registerAffected(program: Command, io: CliIO): void {
  const cmd = addWorkOptions(
    program
      .command('affected')
      .addOption(new Option('--format <format>', 'text, json, or a GitHub Actions matrix (one line of JSON)').choices(['text', 'json', 'matrix']).default('text'))
      .option('--max-jobs <n>', `matrix jobs at most; more stacks are grouped (GitHub's limit is ${GITHUB_MATRIX_LIMIT})`, String(GITHUB_MATRIX_LIMIT))
      .option('--github-output <file>', 'append count, matrix, approval-count and approval-matrix to this file ($GITHUB_OUTPUT)'),
  );
  addAppliedOptions(cmd, 'instead of the change from --base: the stacks to apply,');
  cmd.action(async (opts: AffectedCommandOptions, cmd: Command) => {
    const maxJobs = Number(opts.maxJobs);
    if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) throw new UsageError(`--max-jobs: expected a whole number from 1 to ${GITHUB_MATRIX_LIMIT}, got "${opts.maxJobs}"`);
    const githubOutput = opts.githubOutput ? outputFile('--github-output', opts.githubOutput, io.cwd) : undefined;
    checkPipelinePaths(opts, io);
    const started = Date.now();
    const lzOpts = landingZoneOptions(cmd, io);
    const lz = loadValidLandingZone(lzOpts, io);
    if (opts.markersDir && !opts.sinceApplied) throw new UsageError('--markers-dir goes with --since-applied');
    const applied = opts.sinceApplied ? await loadSinceApplied(lz, lzOpts, opts, io, cmd) : undefined;
    const syntheses = applied?.syntheses ?? (await loadSyntheses(lz, lzOpts, baseRefOf(cmd, io), opts, io));
    const result = applied?.result ?? selectStacks(syntheses, {}).affected!;
    const matrix = planMatrix(result, maxJobs);
    const approvals = approvalMatrix(result);
    if (githubOutput) {
      fs.mkdirSync(path.dirname(githubOutput), { recursive: true });
      fs.appendFileSync(githubOutput, [`count=${matrix.include.length}`, `matrix=${JSON.stringify(matrix)}`, `approval-count=${approvals.include.length}`, `approval-matrix=${JSON.stringify(approvals)}`, ''].join('\n'));
    }
    if (opts.format === 'matrix') io.out(JSON.stringify(matrix));
    else if (opts.format === 'json') io.out(stableStringify(affectedJson(result, syntheses, lz, applied?.reasons)));
    else io.out(affectedText(result, syntheses, applied?.reasons));
    io.err(`compared ${result.headStacks} stacks with ${applied ? 'their applied markers' : syntheses.baseRevision.ref} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

function affectedText(result: AffectedResult, s: Syntheses, reasons?: ReadonlyMap<string, string>): string {
  const count = (c: string) => result.stacks.filter((x) => x.change === c).length;
  const via = { worktree: 'its own code', 'manifests-only': 'the current code', 'same-code': 'the current code, which is the same as its own (only stacks whose inputs differ synthesized)', absent: 'no landing zone at that revision' }[s.baseRevision.source];
  const lines = [
    reasons
      ? `Stacks to apply: ${result.stacks.filter((x) => x.change !== 'removed').length} not applied as configured (${count('removed')} removed); ${result.unchanged} applied as configured`
      : `Affected stacks: ${result.stacks.length} (${count('added')} added, ${count('changed')} changed, ${count('removed')} removed; ${result.unchanged} unchanged)`,
    `  base ${s.baseRevision.ref} (${s.baseRevision.commit.slice(0, 12)}, synthesized with ${via}) → working tree${s.headRevision.dirty ? ' with uncommitted changes' : ''}`,
  ];
  if (result.stacks.length > 0) {
    lines.push(
      table(
        ['', 'STACK', 'KIND', 'TIER', 'WAVE', 'APPROVAL', ...(reasons ? ['WHY'] : [])],
        result.stacks.map((a) => [
          SIGN[a.change],
          a.spec.name,
          a.spec.kind,
          a.spec.tier ?? '-',
          String(a.spec.wave),
          a.change !== 'removed' && a.spec.approvalEnvironment ? a.spec.approvalEnvironment : '-',
          ...(reasons ? [reasons.get(a.spec.name) ?? 'removed: never applied or destroyed'] : []),
        ]),
        '  ',
      ),
    );
  }
  return lines.join('\n');
}
