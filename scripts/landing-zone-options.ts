import * as path from 'path';
import { Command } from 'commander';
import { formatDiagnostic, hasErrors, ValidationFailed } from '../model/diagnostics';
import { baseRevision, gitToplevel, tryResolveCommit } from '../git/git';
import { PendingManifest } from '../model/load';
import { LandingZone, validateLandingZone, ValidationResult } from '../model/validate';
import { CliError, UsageError } from './cli-error';
import { CliIO } from './io';
import { outputFolder } from './paths';

/** Where the caches live by default (in the work tree, ignored by git). */
const DEFAULT_CACHE_ROOT = path.join('.lz', 'cache');

/** The global options every command shares: where the settings and manifests are. */
export interface LandingZoneOptions {
  /** Directory paths in messages are relative to. */
  readonly cwd: string;
  readonly settings: string;
  readonly tenants: string;
  /** Git revision for the history checks; `false` with --no-history. */
  readonly base: string | false;
  /** The synthesis cache directory (`<cache dir>/synth`); undefined with --no-cache. */
  readonly synthCache?: string;
  /** The validation cache file (`<cache dir>/manifests.json`); undefined with --no-cache. */
  readonly validationCache?: string;
  /** Worker processes for synthesis. */
  readonly synthWorkers?: number;
}

export function addLandingZoneOptions(program: Command): Command {
  return program
    .option('--settings <file>', 'landing-zone settings file', 'landing-zone.yaml')
    .option('--tenants <dir>', 'directory of tenant manifests', 'tenants')
    .option('--base <ref>', 'git revision the change starts from, for tier-downgrade and removed-manifest checks (default: $LZ_BASE_REF or HEAD)')
    .option('--no-history', 'skip the checks that compare with the base revision')
    .option('--cache-dir <dir>', 'cache of parsed manifests and of synthesized stacks by input fingerprint (safe to delete)', DEFAULT_CACHE_ROOT)
    .option('--no-cache', 'parse every manifest and synthesize every stack, without the cache')
    .option('--synth-workers <n>', 'worker processes for synthesis (default: the number of cores)');
}

function cachePaths(dir: string): Pick<LandingZoneOptions, 'synthCache' | 'validationCache'> {
  return { synthCache: path.join(dir, 'synth'), validationCache: path.join(dir, 'manifests.json') };
}

/**
 * The base revision of a change: --base, else $LZ_BASE_REF, else HEAD (one definition:
 * git/git.ts baseRevision; an empty value counts as not given). A revision the user named that
 * does not exist in the repository of the manifests is a usage error (exit 2) for every command;
 * the default HEAD of a repository without commits is left to the command (validate skips the
 * history checks with a warning, affected and plan have nothing to compare with).
 */
export function baseRefOf(cmd: Command, io: CliIO): string {
  const o = cmd.optsWithGlobals() as { base?: string; tenants: string };
  const ref = baseRevision(o.base, io.env);
  const named = o.base ? '--base' : io.env.LZ_BASE_REF ? '$LZ_BASE_REF' : undefined;
  if (named) {
    const top = gitToplevel(path.resolve(io.cwd, o.tenants));
    if (top !== undefined && tryResolveCommit(top, ref) === undefined) {
      throw new UsageError(`${named} ${ref}: no such git revision in ${top} (a branch, tag or commit is valid; in CI fetch the history, e.g. actions/checkout with fetch-depth: 0)`);
    }
  }
  return ref;
}

export function landingZoneOptions(cmd: Command, io: CliIO): LandingZoneOptions {
  const o = cmd.optsWithGlobals() as { settings: string; tenants: string; base?: string; history: boolean; cacheDir: string; cache: boolean; synthWorkers?: string };
  let synthWorkers: number | undefined;
  if (o.synthWorkers !== undefined) {
    synthWorkers = Number(o.synthWorkers);
    if (!Number.isInteger(synthWorkers) || synthWorkers < 1 || synthWorkers > 64) throw new UsageError(`--synth-workers takes a whole number from 1 to 64; got ${o.synthWorkers}`);
  }
  return {
    cwd: io.cwd,
    settings: path.resolve(io.cwd, o.settings),
    tenants: path.resolve(io.cwd, o.tenants),
    base: o.history === false ? false : baseRefOf(cmd, io),
    ...(o.cache === false ? {} : cachePaths(outputFolder('--cache-dir', o.cacheDir, io.cwd))),
    ...(synthWorkers === undefined ? {} : { synthWorkers }),
  };
}

export function validate(opts: LandingZoneOptions, pending?: ReadonlyArray<PendingManifest>): ValidationResult {
  return validateLandingZone({ settingsFile: opts.settings, tenantsDir: opts.tenants, baseRef: opts.base, pending, cwd: opts.cwd, cacheFile: opts.validationCache });
}

/** Validates and returns the landing zone, or prints every diagnostic and throws ValidationFailed. */
export function loadValidLandingZone(opts: LandingZoneOptions, io: CliIO): LandingZone {
  const result = validate(opts);
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  if (hasErrors(result.diagnostics) || !result.landingZone) throw new ValidationFailed(result.diagnostics);
  for (const w of warnings) io.err(formatDiagnostic(w));
  return result.landingZone;
}

/** Refuses tenant ids the landing zone does not know, naming the known ones. */
export function checkTenantIds(lz: LandingZone, ids: ReadonlyArray<string>): void {
  const known = new Set(lz.tenants.map((t) => t.manifest.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliError(`unknown tenant${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${[...known].join(', ') || 'none'})`);
  }
}
