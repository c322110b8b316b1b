import * as path from 'path';
import { validateLandingZone } from '../model/validate';
import { localStackSelection, localToolchainFor } from '../pipeline/local/selection';
import { validateStacks } from '../pipeline/local/validate';
import { synthesizeLandingZone } from '../stacks/synthesize';

/**
 * One measured operation in a fresh process, so that peak memory belongs to it alone.
 * Prints one JSON line: {"op", "ms", "maxRssMb", ...}.
 */
const [op, settingsFile, tenantsDir, outdir] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const result = validateLandingZone({ settingsFile, tenantsDir, baseRef: false });
const validateMs = Number(process.hrtime.bigint() - t0) / 1e6;
if (!result.landingZone) {
  console.error(JSON.stringify(result.diagnostics.slice(0, 5)));
  process.exit(1);
}
const out: Record<string, unknown> = { op, tenants: result.landingZone.tenants.length, validateMs: Math.round(validateMs) };
if (op === 'synth') {
  const t1 = process.hrtime.bigint();
  const synth = synthesizeLandingZone(result.landingZone, { outdir });
  out.synthMs = Math.round(Number(process.hrtime.bigint() - t1) / 1e6);
  out.stacks = synth.stacks.length;
  out.resources = synth.stacks.reduce((n, s) => n + s.resources, 0);
}
if (op === 'tf-validate') {
  // Synthesis first (not measured), then terraform validate of every stack.
  synthesizeLandingZone(result.landingZone, { outdir });
  const workDir = path.join(path.dirname(outdir), 'tf-validate-work');
  void (async () => {
    const toolchain = await localToolchainFor(process.env.LZ_TERRAFORM_BIN ?? 'terraform', process.env, process.cwd(), workDir);
    if ('missing' in toolchain) {
      console.log(JSON.stringify({ ...out, skipped: toolchain.missing }));
      return;
    }
    const stacks = localStackSelection(result.landingZone!, { synthDir: outdir, workDir });
    if ('unknown' in stacks) throw new Error(stacks.unknown);
    const t2 = process.hrtime.bigint();
    const v = await validateStacks({ toolchain: toolchain.toolchain, stacks, workDir });
    out.tfValidateMs = Math.round(Number(process.hrtime.bigint() - t2) / 1e6);
    out.stacks = stacks.length;
    out.valid = v.stacks.filter((s) => s.valid).length;
    out.batches = v.batches;
    out.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify(out));
  })();
} else {
  out.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify(out));
}
