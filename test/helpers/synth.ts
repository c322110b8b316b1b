import * as fs from 'fs';
import * as path from 'path';
import { tenantProfile } from '../../model/profile';
import { LandingZone, validateLandingZone } from '../../model/validate';
import { SynthResult, synthesizeLandingZone, SynthOptions } from '../../stacks/synthesize';
import { EXAMPLE_SETTINGS, FIXTURE_TENANTS } from './fixture';
import { tempDir } from './temp';

export { tempDir };

/** The landing zone of the tests' own tenant set (test/fixtures/tenants), never the live `tenants/`. */
export function fixtureLandingZone(tenantsDir: string = FIXTURE_TENANTS): LandingZone {
  const r = validateLandingZone({ settingsFile: EXAMPLE_SETTINGS, tenantsDir, baseRef: false });
  if (!r.landingZone) throw new Error(`tenant set ${tenantsDir} invalid: ${JSON.stringify(r.diagnostics)}`);
  return r.landingZone;
}

export function synthTo(lz: LandingZone, opts: Partial<SynthOptions> = {}): SynthResult {
  return synthesizeLandingZone(lz, { outdir: path.join(tempDir(), 'cdktf.out'), ...opts });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfJson = Record<string, any>;

export function stackJson(result: SynthResult, name: string): TfJson {
  const s = result.stacks.find((x) => x.spec.name === name);
  if (!s) throw new Error(`stack ${name} not synthesized`);
  return JSON.parse(fs.readFileSync(path.join(result.outdir, s.file), 'utf8'));
}

/** All resources of a type in a synthesized stack, by name. */
export function resources(json: TfJson, type: string): Record<string, TfJson> {
  return json.resource?.[type] ?? {};
}

export function onlyResource(json: TfJson, type: string): TfJson {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** Every file under a directory, relative path to content. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The landing zone with one tenant replaced or added (manifest fields merged over `base`). */
export function withTenant(lz: LandingZone, manifest: LandingZone['tenants'][number]['manifest']): LandingZone {
  const others = lz.tenants.filter((t) => t.manifest.id !== manifest.id);
  const template = lz.tenants[0];
  return { ...lz, tenants: [...others, { ...template, manifest, profile: tenantProfile(lz.settings, manifest), fileName: `${manifest.id}.yaml` }].sort((a, b) => (a.manifest.id < b.manifest.id ? -1 : 1)) };
}

/** Address (`type.name`) to block, for every resource of a synthesized stack. */
export function resourceBlocks(json: TfJson): Map<string, TfJson> {
  const out = new Map<string, TfJson>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) for (const [name, block] of Object.entries(byName as Record<string, TfJson>)) out.set(`${type}.${name}`, block);
  return out;
}
