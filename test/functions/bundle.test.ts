/**
 * Each handler bundles on its own with esbuild, as the stacks package it: the AWS SDK stays
 * external (the Lambda runtime has it) and nothing from outside functions/ is pulled in but the
 * bundled dependencies listed here.
 */
import { buildSync } from 'esbuild';
import { builtinModules, createRequire } from 'module';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const HANDLERS = ['pre-sign-up', 'post-confirmation', 'pre-token-generation', 'api-authorizer', 'tenant-api', 'user-migration'];
/** Packages bundled into a function (the API authorizer verifies tokens with aws-jwt-verify). */
const BUNDLED_PACKAGES = ['node_modules/aws-jwt-verify/'];

describe.each(HANDLERS)('%s', (name) => {
  const entryPoint = `functions/${name}/handler.ts`;
  const build = () =>
    buildSync({
      absWorkingDir: REPO_ROOT,
      entryPoints: [entryPoint],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

  test('bundles without errors or warnings, from functions/ only', () => {
    const result = build();

    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain(entryPoint);
    expect(inputs).toContain('functions/shared/contracts.ts');
    expect(inputs.filter((input) => !input.startsWith('functions/') && !BUNDLED_PACKAGES.some((p) => input.startsWith(p)))).toEqual([]);
  });

  test('imports only the AWS SDK at run time, and loads without configuration', () => {
    const [output] = build().outputFiles;
    const required = [...output.text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(required.filter((id) => !id.startsWith('@aws-sdk/') && !builtinModules.includes(id.replace(/^node:/, '')))).toEqual([]);

    // Loading must not read the environment or build clients: that happens on the first event.
    const loaded = { exports: {} as Record<string, unknown> };
    const load = new Function('module', 'exports', 'require', output.text);
    load(loaded, loaded.exports, createRequire(path.join(REPO_ROOT, entryPoint)));
    expect(typeof loaded.exports.handler).toBe('function');
    expect(typeof loaded.exports.createHandler).toBe('function');
  });
});
