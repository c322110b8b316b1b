import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Where Terraform's providers come from when nothing may reach the network: a filesystem
 * mirror (the folder that holds `registry.terraform.io/`), in either of Terraform's layouts:
 *
 *   packed:   <mirror>/registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_linux_amd64.zip
 *   unpacked: <mirror>/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5
 *
 * The mirror is found, in this order, in the Terraform CLI configuration named by
 * TF_CLI_CONFIG_FILE (its `provider_installation { filesystem_mirror { path = ... } }` blocks),
 * then in PROVIDER_MIRROR_VARIABLE, then in Terraform's implied local mirror folders
 * (`~/.terraform.d/plugins`, `<XDG data dirs>/terraform/plugins`). lz then writes its own CLI configuration for the Terraform
 * processes it starts: those mirrors and `direct { exclude = ["*\/*"] }`, so that Terraform never
 * asks a registry.
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 */
export const PROVIDER_MIRROR_VARIABLE = 'LZ_PROVIDER_MIRROR';

export interface ProviderMirror {
  /** Mirror folders, in the order Terraform should try them. */
  readonly dirs: ReadonlyArray<string>;
  /** Where they were found, for messages. */
  readonly from: string;
}

export type MirrorDiscovery = { readonly mirror: ProviderMirror } | { readonly missing: string };

export const HOW_TO_PROVIDE_MIRROR = `Set ${PROVIDER_MIRROR_VARIABLE} to a provider mirror folder (the one that holds registry.terraform.io/; \`terraform providers mirror DIR\` in a synthesized stack folder makes one where there is network), or point TF_CLI_CONFIG_FILE at a CLI configuration with a provider_installation { filesystem_mirror { path = "DIR" } } block`;

export async function discoverProviderMirror(env: NodeJS.ProcessEnv): Promise<MirrorDiscovery> {
  const notes: string[] = [];
  const cliConfig = env.TF_CLI_CONFIG_FILE;
  if (cliConfig && fs.existsSync(cliConfig)) {
    const dirs = await filesystemMirrorsOf(cliConfig);
    if (dirs === undefined) notes.push(`TF_CLI_CONFIG_FILE (${cliConfig}) has no provider_installation block`);
    else if (dirs.length === 0) notes.push(`the provider_installation block of TF_CLI_CONFIG_FILE (${cliConfig}) names no filesystem_mirror`);
    else {
      const existing = dirs.filter((d) => fs.existsSync(d));
      if (existing.length > 0) return { mirror: { dirs: existing, from: `TF_CLI_CONFIG_FILE (${cliConfig})` } };
      notes.push(`the filesystem mirrors in TF_CLI_CONFIG_FILE (${cliConfig}) do not exist: ${dirs.join(', ')}`);
    }
  } else if (cliConfig) {
    notes.push(`TF_CLI_CONFIG_FILE names ${cliConfig}, which does not exist`);
  }
  const fromVariable = env[PROVIDER_MIRROR_VARIABLE];
  if (fromVariable) {
    const dir = path.resolve(fromVariable);
    if (fs.existsSync(path.join(dir, 'registry.terraform.io')) || hasHostFolders(dir)) return { mirror: { dirs: [dir], from: `${PROVIDER_MIRROR_VARIABLE} (${dir})` } };
    notes.push(`${PROVIDER_MIRROR_VARIABLE}=${fromVariable} is not a provider mirror (no registry.terraform.io/ folder in it)`);
  } else {
    notes.push(`${PROVIDER_MIRROR_VARIABLE} is not set`);
  }
  // Terraform's own implied local mirror folders, used when no provider_installation block is configured.
  const implied = impliedMirrorDirs(env).filter((d) => fs.existsSync(path.join(d, 'registry.terraform.io')));
  if (implied.length > 0) return { mirror: { dirs: implied, from: `Terraform's implied local mirror (${implied.join(', ')})` } };
  return { missing: `no provider mirror: ${notes.join('; ')}. ${HOW_TO_PROVIDE_MIRROR}` };
}

/** @see https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories */
function impliedMirrorDirs(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'win32') return env.APPDATA ? [path.join(env.APPDATA, 'terraform.d', 'plugins')] : [];
  const home = env.HOME ?? os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [path.join(home, '.terraform.d', 'plugins'), path.join(dataHome, 'terraform', 'plugins'), ...dataDirs.map((d) => path.join(d, 'terraform', 'plugins'))];
}

function hasHostFolders(dir: string): boolean {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && e.name.includes('.'));
  } catch {
    return false;
  }
}

/**
 * The filesystem_mirror paths of a CLI configuration file (HCL, or JSON when the name ends in
 * .json), or undefined when it has no provider_installation block.
 */
export async function filesystemMirrorsOf(file: string): Promise<string[] | undefined> {
  const text = fs.readFileSync(file, 'utf8');
  let parsed: Record<string, unknown>;
  if (file.endsWith('.json')) parsed = JSON.parse(text) as Record<string, unknown>;
  else {
    // The HCL parser of cdktf (Go's hcl compiled to WebAssembly) is loaded only when needed.
    const { parse } = await import('@cdktf/hcl2json');
    parsed = (await parse(path.basename(file), text)) as Record<string, unknown>;
  }
  const blocks = asList(parsed.provider_installation);
  if (blocks.length === 0) return undefined;
  const dirs: string[] = [];
  for (const block of blocks) {
    for (const mirror of asList((block as Record<string, unknown>).filesystem_mirror)) {
      const p = (mirror as Record<string, unknown>).path;
      if (typeof p === 'string') dirs.push(path.resolve(path.dirname(file), p.replace(/^~(?=$|\/)/, os.homedir())));
    }
  }
  return dirs;
}

function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v !== undefined && v !== null ? [v] : [];
}

/** `linux_amd64`, as Terraform names platforms. */
export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${process.platform === 'win32' ? 'windows' : process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** Versions of a provider (`registry.terraform.io/hashicorp/aws`) that the mirrors hold for this platform, newest first. */
export function mirrorVersions(mirror: ProviderMirror, source: string, platform = terraformPlatform()): string[] {
  const type = source.split('/').pop()!;
  const versions = new Set<string>();
  for (const dir of mirror.dirs) {
    const folder = path.join(dir, ...source.split('/'));
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory() && fs.existsSync(path.join(folder, e.name, platform))) versions.add(e.name);
      const packed = new RegExp(`^terraform-provider-${type}_(.+)_${platform}\\.zip$`).exec(e.name);
      if (e.isFile() && packed) versions.add(packed[1]);
    }
  }
  return [...versions].sort(compareVersions).reverse();
}

/** The CLI configuration lz gives its Terraform processes: only these mirrors, never a registry. */
export function cliConfigText(mirror: ProviderMirror): string {
  const mirrors = mirror.dirs.map((d) => `  filesystem_mirror {\n    path = ${JSON.stringify(d)}\n  }\n`).join('');
  return `# Written by lz: providers come only from these mirrors; no registry is ever asked.\nprovider_installation {\n${mirrors}  direct {\n    exclude = ["*/*"]\n  }\n}\n`;
}

type Version = { readonly parts: number[]; readonly pre: string };

function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? '' };
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i] - y.parts[i];
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * Whether `version` meets a Terraform version constraint (`6.25.0`, `>= 5.0, < 6.0`, `~> 5.1`).
 * @see https://developer.hashicorp.com/terraform/language/expressions/version-constraints
 */
export function satisfiesConstraint(version: string, constraint: string | undefined): boolean {
  if (!constraint || !constraint.trim()) return true;
  const v = parseVersion(version);
  if (!v) return false;
  return constraint.split(',').every((raw) => {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$/.exec(raw);
    if (!m) return false;
    const op = m[1] ?? '=';
    const target = m[2];
    const c = compareVersions(version, target);
    switch (op) {
      case '=':
        return c === 0;
      case '!=':
        return c !== 0;
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      default: {
        // ~> 1.2.3 means >= 1.2.3, < 1.3.0; ~> 1.2 means >= 1.2, < 2.0.
        const t = parseVersion(target);
        if (!t || c < 0) return false;
        const given = target.replace(/^v/, '').split('-')[0].split('.').length;
        const upper = given >= 3 ? [t.parts[0], t.parts[1] + 1, 0] : [t.parts[0] + 1, 0, 0];
        return compareVersions(version, upper.join('.')) < 0;
      }
    }
  });
}
