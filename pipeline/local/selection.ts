import * as fs from 'fs';
import * as path from 'path';
import { LandingZone } from '../../model/validate';
import { STACK_INDEX_FILE, synthesizeLandingZone } from '../../stacks/synthesize';
import { readSynthesis, stackFile } from '../synthesis-index';
import { resolveLocalToolchain, ToolchainResolution } from './toolchain';
import { StackToValidate } from './validate';

/** The folder under the work directory where the local toolchain keeps its CLI configuration and plugin cache. */
export const LOCAL_TOOLCHAIN_DIR = 'terraform-local';

/** Where provider schemas are cached (one file per provider version); default <work-dir>/terraform-local/provider-schemas. */
export const SCHEMA_CACHE_VARIABLE = 'LZ_SCHEMA_CACHE';

export function localToolchainFor(binary: string, env: NodeJS.ProcessEnv, cwd: string, workDir: string): Promise<ToolchainResolution> {
  return resolveLocalToolchain({ binary, env, cwd, workDir: path.join(workDir, LOCAL_TOOLCHAIN_DIR) });
}

export interface LocalSelectionOptions {
  /** A synthesis to read (its lz-stacks.json); without it the landing zone is synthesized into <workDir>/synth. */
  readonly synthDir?: string;
  readonly workDir: string;
  readonly stack?: ReadonlyArray<string>;
  readonly tenant?: ReadonlyArray<string>;
}

/**
 * The stacks of a synthesis (made here or given), optionally only the named stacks and tenants,
 * in deployment order; `unknown` names what the synthesis does not have.
 */
export function localStackSelection(lz: LandingZone, o: LocalSelectionOptions): StackToValidate[] | { unknown: string } {
  let dir = o.synthDir;
  if (dir) {
    if (!fs.existsSync(path.join(dir, STACK_INDEX_FILE))) return { unknown: `${dir} holds no synthesis (${STACK_INDEX_FILE} is missing): run lz synth --out ${dir}` };
  } else {
    const known = new Set(lz.tenants.map((t) => t.manifest.id));
    const unknownTenants = (o.tenant ?? []).filter((t) => !known.has(t));
    if (unknownTenants.length > 0) return { unknown: `unknown tenant${unknownTenants.length > 1 ? 's' : ''}: ${unknownTenants.join(', ')}` };
    dir = path.join(o.workDir, 'synth');
    synthesizeLandingZone(lz, { outdir: dir, ...(o.tenant && !o.stack ? { tenantIds: o.tenant } : {}) });
  }
  const synthesis = readSynthesis(dir);
  const all = [...synthesis.stacks.values()];
  const unknownStacks = (o.stack ?? []).filter((n) => !synthesis.stacks.has(n));
  if (unknownStacks.length > 0) return { unknown: `unknown stack${unknownStacks.length > 1 ? 's' : ''}: ${unknownStacks.join(', ')} (known: ${all.slice(0, 20).map((s) => s.spec.name).join(', ')}${all.length > 20 ? ', …' : ''})` };
  const tenants = o.tenant ? new Set(o.tenant) : undefined;
  if (tenants) {
    const missing = [...tenants].filter((t) => !all.some((s) => s.spec.tenantId === t));
    if (missing.length > 0) return { unknown: `no stack of ${dir} belongs to tenant${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  }
  const wanted = o.stack ? new Set(o.stack) : undefined;
  return all.filter((s) => (!wanted || wanted.has(s.spec.name)) && (!tenants || (s.spec.tenantId !== undefined && tenants.has(s.spec.tenantId)))).map((s) => ({ name: s.spec.name, file: stackFile(s, synthesis) }));
}
