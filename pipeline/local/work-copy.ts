import { escapeTemplates, mapStrings, rewriteTraversalRoots } from '../../terraform/template-syntax';
import { normalizeSource, ProviderChoice } from './toolchain';

/**
 * The work copy of one synthesized stack: the same configuration, adjusted so that Terraform can
 * run it as a child module of a generated root, with no credentials and no network. The
 * synthesized output itself is never changed. What is adjusted, and why:
 *
 * | Both modes | |
 * |---|---|
 * | `terraform.backend` removed | child modules have no backend; the root keeps state locally |
 * | `required_providers` versions | the mirrored version when the mirror lacks the required one (reports say so) |
 * | `import` blocks | moved to the root (Terraform allows them only there), `to` prefixed with the module |
 *
 * | validate, `shareProviders` | |
 * |---|---|
 * | provider blocks removed | the root passes one shared configuration in, so that the provider starts once per run, not once per stack; `configuration_aliases` keep aliased references valid |
 *
 * | plan | |
 * |---|---|
 * | AWS provider blocks | no `assume_role`, account allow-lists or profiles; static dummy credentials; skip credential validation, account-id lookup, metadata API and region validation |
 * | `lifecycle.prevent_destroy` removed | so that a replacement or deletion of a protected resource shows in the plan for the guards to judge, instead of stopping Terraform at the first one |
 * | `terraform_remote_state` | `backend = "local"`, reading a stand-in state holding the depended-on stack's derived outputs |
 * | other data sources | replaced by locals holding derived values (`data.T.N` → `local.lzdata__T__N`): reading them would call AWS |
 */
export type TerraformJson = Record<string, unknown>;
type Obj = Record<string, unknown>;

export interface ImportBlock {
  readonly to: string;
  readonly block: Obj;
  /** Position of the block in the stack's `import` list. */
  readonly index: number;
}

export interface WorkCopy {
  readonly json: TerraformJson;
  readonly imports: ReadonlyArray<ImportBlock>;
  /** Provider local name → source, from required_providers (plus implied ones). */
  readonly localNames: ReadonlyMap<string, string>;
  /** Aliases the stack's resources use, by provider local name (validate with shareProviders). */
  readonly aliases: ReadonlyMap<string, ReadonlyArray<string>>;
}

export interface WorkCopyOptions {
  readonly mode: 'validate' | 'plan';
  readonly providers: ReadonlyMap<string, ProviderChoice>;
  /** validate: drop the provider blocks; the root passes its own in. */
  readonly shareProviders?: boolean;
  /** plan: the stand-in state file (path relative to the root) of a remote state data source. */
  readonly remoteStatePath?: (name: string, block: Obj) => string;
  /** plan: the derived values of the other data sources, by `type.name`. */
  readonly dataStandIns?: ReadonlyMap<string, unknown>;
}

export class WorkCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkCopyError';
  }
}

export const AWS_SOURCE = 'registry.terraform.io/hashicorp/aws';

/** Required providers of a stack: source → version constraints. */
export function requiredProviders(json: TerraformJson): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const req = ((json.terraform as Obj | undefined)?.required_providers ?? {}) as Record<string, Obj | string>;
  for (const [name, r] of Object.entries(req)) {
    const source = normalizeSource(typeof r === 'string' ? name : String(r.source ?? name));
    const set = out.get(source) ?? new Set<string>();
    const version = typeof r === 'string' ? r : r.version;
    if (typeof version === 'string' && version.trim()) set.add(version.trim());
    out.set(source, set);
  }
  return out;
}

/** The required providers of several stacks together: source → every constraint. */
export function requiredProvidersOf(jsons: Iterable<TerraformJson | undefined>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const json of jsons) {
    if (!json) continue;
    for (const [src, cs] of requiredProviders(json)) out.set(src, new Set([...(out.get(src) ?? []), ...cs]));
  }
  return out;
}

/** Provider local name → source, for every provider a stack names (required_providers, provider blocks, resource types). */
export function providerLocalNames(json: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  const req = ((json.terraform as Obj | undefined)?.required_providers ?? {}) as Record<string, Obj | string>;
  for (const [name, r] of Object.entries(req)) out.set(name, normalizeSource(typeof r === 'string' ? name : String(r.source ?? name)));
  const implied = (name: string) => {
    if (name !== 'terraform' && !out.has(name)) out.set(name, normalizeSource(name));
  };
  for (const name of Object.keys((json.provider ?? {}) as Obj)) implied(name);
  for (const key of ['resource', 'data']) for (const type of Object.keys((json[key] ?? {}) as Obj)) implied(type.split('_')[0]);
  return out;
}

/** Provider blocks of a local name as a list (Terraform JSON allows one object or an array). */
export function providerBlocks(json: TerraformJson, localName: string): Obj[] {
  const v = ((json.provider ?? {}) as Obj)[localName];
  if (Array.isArray(v)) return v as Obj[];
  return v && typeof v === 'object' ? [v as Obj] : [];
}

export function makeWorkCopy(source: TerraformJson, o: WorkCopyOptions): WorkCopy {
  const json = structuredClone(source) as Obj;
  const localNames = providerLocalNames(json);
  const terraform = { ...((json.terraform ?? {}) as Obj) };
  delete terraform.backend;
  delete terraform.cloud;
  const req = { ...((terraform.required_providers ?? {}) as Record<string, Obj | string>) };
  for (const [name, r] of Object.entries(req)) {
    const entry: Obj = typeof r === 'string' ? { source: name, version: r } : { ...r };
    const choice = o.providers.get(normalizeSource(String(entry.source ?? name)));
    if (choice) entry.version = choice.version;
    req[name] = entry;
  }
  terraform.required_providers = req;
  json.terraform = terraform;

  const imports: ImportBlock[] = (Array.isArray(json.import) ? (json.import as Obj[]) : []).map((block, index) => ({ to: String(block.to), block, index }));
  delete json.import;

  const aliases = new Map<string, string[]>();
  if (o.mode === 'validate' && o.shareProviders) {
    for (const [name, blocks] of Object.entries((json.provider ?? {}) as Obj)) {
      const list = (Array.isArray(blocks) ? blocks : [blocks]) as Obj[];
      const named = list.map((b) => b.alias).filter((a): a is string => typeof a === 'string');
      if (named.length > 0) aliases.set(name, named);
    }
    delete json.provider;
    for (const [name, list] of aliases) {
      const entry = (req[name] ?? { source: localNames.get(name) }) as Obj;
      req[name] = { ...entry, configuration_aliases: list.map((a) => `${name}.${a}`) };
    }
  }

  if (o.mode === 'plan') {
    for (const [name, src] of localNames) {
      if (src !== AWS_SOURCE) continue;
      const blocks = providerBlocks(json, name);
      if (blocks.length === 0) continue;
      (json.provider as Obj)[name] = blocks.map(offlineAwsProvider);
    }
    removePreventDestroy(json);
    standInDataSources(json, o);
  }
  return { json, imports, localNames, aliases };
}

/** Settings of an AWS provider that plans without credentials and never calls AWS. */
export const OFFLINE_AWS_PROVIDER = {
  access_key: 'lz-local-plan',
  secret_key: 'lz-local-plan',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  max_retries: 1,
} as const;

const DROPPED_PROVIDER_ARGUMENTS = ['assume_role', 'assume_role_with_web_identity', 'allowed_account_ids', 'forbidden_account_ids', 'profile', 'shared_config_files', 'shared_credentials_files', 'token', 'sts_region', 'endpoints', 'ec2_metadata_service_endpoint', 'custom_ca_bundle', 'http_proxy', 'https_proxy', 'no_proxy'];

function offlineAwsProvider(block: Obj): Obj {
  const out: Obj = { ...block };
  for (const k of DROPPED_PROVIDER_ARGUMENTS) delete out[k];
  return { ...out, ...OFFLINE_AWS_PROVIDER };
}

function removePreventDestroy(json: Obj): void {
  for (const byName of Object.values((json.resource ?? {}) as Record<string, Record<string, Obj>>)) {
    for (const block of Object.values(byName)) {
      const lc = block.lifecycle as Obj | undefined;
      if (!lc || !('prevent_destroy' in lc)) continue;
      const rest = { ...lc };
      delete rest.prevent_destroy;
      if (Object.keys(rest).length > 0) block.lifecycle = rest;
      else delete block.lifecycle;
    }
  }
}

export function dataStandInLocal(type: string, name: string): string {
  return `lzdata__${type}__${name}`;
}

function standInDataSources(json: Obj, o: WorkCopyOptions): void {
  const data = (json.data ?? {}) as Record<string, Record<string, Obj>>;
  const locals: Obj = { ...((json.locals ?? {}) as Obj) };
  const rewrites: Array<[string, string]> = [];
  for (const [type, byName] of Object.entries(data)) {
    for (const [name, block] of Object.entries(byName)) {
      if (block.count !== undefined || block.for_each !== undefined) throw new WorkCopyError(`data.${type}.${name} uses count or for_each: the local plan cannot stand it in`);
      if (type === 'terraform_remote_state') {
        if (!o.remoteStatePath) throw new WorkCopyError(`data.${type}.${name}: no stand-in state`);
        const rest: Obj = { ...block, backend: 'local', config: { path: o.remoteStatePath(name, block) } };
        delete rest.workspace;
        byName[name] = rest;
        continue;
      }
      const value = o.dataStandIns?.get(`${type}.${name}`);
      if (value === undefined) throw new WorkCopyError(`data.${type}.${name}: reading it would call the provider, and no stand-in was derived for it`);
      locals[dataStandInLocal(type, name)] = escapeTemplates(value);
      rewrites.push([`data.${type}.${name}`, `local.${dataStandInLocal(type, name)}`]);
      delete byName[name];
    }
    if (Object.keys(byName).length === 0) delete data[type];
  }
  if (Object.keys(data).length === 0) delete json.data;
  if (rewrites.length === 0) return;
  json.locals = locals;
  for (const key of Object.keys(json)) {
    if (key === 'terraform') continue;
    json[key] = mapStrings(json[key], (s) => rewrites.reduce((acc, [from, to]) => rewriteTraversalRoots(acc, from, to), s));
  }
}
