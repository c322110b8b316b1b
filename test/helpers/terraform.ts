import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOW_TO_PROVIDE_MIRROR } from '../../pipeline/local/mirror';
import { LocalToolchain, resolveLocalToolchain } from '../../pipeline/local/toolchain';
import { resolveExecutable } from '../../pipeline/terraform';

/**
 * Tests that run real Terraform with the real provider, offline. They need `terraform` on PATH
 * and a provider mirror (LZ_PROVIDER_MIRROR, or TF_CLI_CONFIG_FILE with a filesystem_mirror).
 * Where those are missing the tests are skipped, and the skip says so in the test names and on
 * the console; with LZ_REQUIRE_TERRAFORM=1 (which .ci/run sets once it has found both) a missing
 * Terraform or mirror fails them instead, so CI never skips them silently.
 */
export const TERRAFORM_REQUIRED = process.env.LZ_REQUIRE_TERRAFORM === '1';

/**
 * Time limit of a test that runs Terraform batches: generous, because the CI machine's two cores
 * may be shared (the batches take about a minute each when they are not).
 */
export const REAL_TERRAFORM_TIMEOUT_MS = 20 * 60_000;

/** Provider schemas cached across the test files of one machine (written atomically). */
export const TEST_SCHEMA_CACHE = path.join(os.tmpdir(), 'lz-test-provider-schemas');

function whyUnavailable(): string | undefined {
  if (!resolveExecutable(process.env.LZ_TERRAFORM_BIN ?? 'terraform', process.env, process.cwd())) return 'no terraform binary on PATH';
  const cliConfig = process.env.TF_CLI_CONFIG_FILE;
  const hasCliMirror = cliConfig !== undefined && fs.existsSync(cliConfig) && /filesystem_mirror/.test(fs.readFileSync(cliConfig, 'utf8'));
  const mirror = process.env.LZ_PROVIDER_MIRROR;
  if (!hasCliMirror && !(mirror && fs.existsSync(mirror))) return `no provider mirror (${HOW_TO_PROVIDE_MIRROR})`;
  return undefined;
}

const reason = whyUnavailable();

/**
 * `describe` for tests that need real Terraform: runs them when Terraform and the mirror are
 * there, fails them when they are required but missing, and otherwise skips them with the
 * reason in the suite's name.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (!reason) {
    describe(name, fn);
    return;
  }
  if (TERRAFORM_REQUIRED) {
    describe(name, () => {
      test('needs Terraform and the provider mirror (LZ_REQUIRE_TERRAFORM=1)', () => {
        throw new Error(`LZ_REQUIRE_TERRAFORM=1 but ${reason}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${reason}. These tests run real Terraform with the provider from a local mirror; .ci/run finds and requires them.`);
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}

/** The local toolchain for a test, with its own work directory. */
export async function testToolchain(workDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalToolchain> {
  const r = await resolveLocalToolchain({ binary: env.LZ_TERRAFORM_BIN ?? 'terraform', env, cwd: workDir, workDir: path.join(workDir, 'terraform-local') });
  if ('missing' in r) throw new Error(r.missing);
  return r.toolchain;
}
