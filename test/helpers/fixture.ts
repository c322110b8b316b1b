import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { Diagnostic } from '../../model/diagnostics';
import { loadSettings } from '../../model/load';
import { TenantProfile, tenantProfile } from '../../model/profile';
import { LandingZoneSettings } from '../../model/schema/settings';
import { TenantSchema } from '../../model/schema/tenant';
import { validateLandingZone, ValidationResult } from '../../model/validate';
import { tempDir } from './temp';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE_SETTINGS = path.join(REPO_ROOT, 'landing-zone.yaml');
/**
 * The tests' own tenant set: a committed copy of the examples as they were when the tests were
 * written (every tier, status and BYOK mode, an adopted account). Tests never read `tenants/`,
 * which onboarding changes; only test/live-tenants.test.ts does, and it holds for any set.
 */
export const FIXTURE_TENANTS = path.join(REPO_ROOT, 'test', 'fixtures', 'tenants');

export type Manifest = Record<string, unknown>;

export function l1(id: string, extra: Manifest = {}): Manifest {
  return {
    apiVersion: 'lz/v1',
    kind: 'Tenant',
    id,
    displayName: `Tenant ${id}`,
    tier: 'L1',
    homeRegion: 'eu-west-1',
    contacts: [{ name: 'Owner', email: `owner@${id}.example`, role: 'owner' }],
    ...extra,
  };
}

export function l2(id: string, extra: Manifest = {}): Manifest {
  return {
    ...l1(id),
    tier: 'L2',
    account: { email: `aws+${id}@saas.example` },
    backup: { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 },
    ...extra,
  };
}

export function l3(id: string, extra: Manifest = {}): Manifest {
  return {
    ...l2(id),
    tier: 'L3',
    encryption: { byok: 'imported', keyMaterialImported: true },
    changeApprovers: [`@${id}/approvers`],
    ...extra,
  };
}

export function toYaml(m: Manifest): string {
  return stringify(m, { lineWidth: 0 });
}

export interface Fixture {
  readonly root: string;
  readonly settingsFile: string;
  readonly tenantsDir: string;
  /** Writes (or overwrites) a tenant file; a Manifest is written as YAML. */
  write(fileName: string, content: string | Buffer | Manifest): string;
  remove(fileName: string): void;
  validate(opts?: { baseRef?: string | false }): ValidationResult;
  cleanup(): void;
}

export function makeFixture(opts: { tenants?: Record<string, string | Buffer | Manifest>; settings?: string } = {}): Fixture {
  const root = tempDir('lz-fixture-');
  const settingsFile = path.join(root, 'landing-zone.yaml');
  const tenantsDir = path.join(root, 'tenants');
  fs.mkdirSync(tenantsDir);
  fs.writeFileSync(settingsFile, opts.settings ?? fs.readFileSync(EXAMPLE_SETTINGS, 'utf8'));
  const fixture: Fixture = {
    root,
    settingsFile,
    tenantsDir,
    write(fileName, content) {
      const file = path.join(tenantsDir, fileName);
      fs.writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : toYaml(content));
      return file;
    },
    remove(fileName) {
      fs.rmSync(path.join(tenantsDir, fileName));
    },
    validate(v = {}) {
      return validateLandingZone({ settingsFile, tenantsDir, baseRef: v.baseRef === undefined ? false : v.baseRef });
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  for (const [name, content] of Object.entries(opts.tenants ?? {})) fixture.write(name, content);
  return fixture;
}

/** A fixture that is a git repository with the given manifests committed (the base of history checks). */
export function committedFixture(tenants: Record<string, string | Buffer | Manifest>): Fixture {
  const fx = makeFixture({ tenants });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: fx.root, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'base');
  return fx;
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const idx = text.split('\n').findIndex((l) => l.includes(needle));
  if (idx < 0) throw new Error(`"${needle}" not in text`);
  return idx + 1;
}

export function errorsOf(result: ValidationResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

/** The settings of the repository's landing-zone.yaml (settings, not tenants: tests may rely on them). */
export function exampleSettings(): LandingZoneSettings {
  const loaded = loadSettings(EXAMPLE_SETTINGS).loaded;
  if (!loaded) throw new Error('landing-zone.yaml is not valid');
  return loaded.settings;
}

/** The profile of a manifest built by l1/l2/l3 (parsed by the schema first). */
export function profileOf(m: Manifest, settings: LandingZoneSettings = exampleSettings()): TenantProfile {
  return tenantProfile(settings, TenantSchema.parse(m));
}
