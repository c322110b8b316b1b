import * as path from 'path';
import { validateLandingZone } from '../model/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';

/**
 * The benchmark's second reference: a full synthesis in one process with CDKTF as it comes (no
 * shortcut of stacks/lean-synthesis.ts, no cache), as `lz synth` ran when issue 14 was filed.
 * Prints, as its last line, a JSON record of this process's peak memory and CPU time.
 *
 *   node -r ts-node/register/transpile-only bench/reference-synth.ts <settings> <tenants> <out>
 */
const [settingsFile, tenantsDir, outdir] = process.argv.slice(2);
const result = validateLandingZone({ settingsFile, tenantsDir, baseRef: false });
if (!result.landingZone) throw new Error(`${tenantsDir} does not validate`);
const synth = synthesizeLandingZone(result.landingZone, { outdir: path.resolve(outdir), cdktfShortcuts: { tokenStackTraces: false, repeatedResolution: false } });
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ code: 0, stacks: synth.stacks.length, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
