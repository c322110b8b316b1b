import * as fs from 'fs';
import * as path from 'path';
import { terraformPlatform } from './mirror';
import { LocalToolchain, ProviderChoice, terraformIn } from './toolchain';

/**
 * Provider schemas as `terraform providers schema -json` prints them, cached per provider
 * version and platform (loading one starts the provider, several seconds for the AWS provider).
 * @see https://developer.hashicorp.com/terraform/cli/commands/providers/schema
 */
export type CtyType = string | [string, unknown] | [string, unknown, unknown];

export interface SchemaAttribute {
  readonly type?: CtyType;
  readonly nested_type?: { readonly attributes: Readonly<Record<string, SchemaAttribute>>; readonly nesting_mode: 'single' | 'list' | 'set' | 'map' };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
}

export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface ResourceSchema {
  readonly version: number;
  readonly block: SchemaBlock;
}

export interface ProviderSchema {
  readonly source: string;
  readonly version: string;
  readonly resource_schemas: Readonly<Record<string, ResourceSchema>>;
  readonly data_source_schemas: Readonly<Record<string, ResourceSchema>>;
}

export class ProviderSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSchemaError';
  }
}

export function schemaCacheFile(cacheDir: string, choice: Pick<ProviderChoice, 'source' | 'version'>): string {
  return path.join(cacheDir, ...choice.source.split('/'), `${choice.version}_${terraformPlatform()}.json`);
}

/** The schema of each chosen provider, from the cache or from `terraform providers schema -json` (then cached). */
export async function loadProviderSchemas(toolchain: LocalToolchain, choices: Iterable<ProviderChoice>, cacheDir: string, workDir: string): Promise<Map<string, ProviderSchema>> {
  const out = new Map<string, ProviderSchema>();
  const missing: ProviderChoice[] = [];
  for (const c of choices) {
    const file = schemaCacheFile(cacheDir, c);
    if (fs.existsSync(file)) {
      try {
        out.set(c.source, JSON.parse(fs.readFileSync(file, 'utf8')) as ProviderSchema);
        continue;
      } catch {
        // A damaged cache entry is made again.
      }
    }
    missing.push(c);
  }
  if (missing.length === 0) return out;
  const dir = path.join(workDir, 'provider-schema');
  fs.mkdirSync(dir, { recursive: true });
  const required = Object.fromEntries(missing.map((c) => [c.source.split('/').pop()!, { source: c.source, version: c.version }]));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: required } }, null, 2));
  const run = terraformIn(toolchain, dir, 10 * 60_000);
  const init = await run(['init', '-backend=false', '-input=false', '-no-color']);
  if (init.code !== 0) throw new ProviderSchemaError(`terraform init for the provider schemas failed: ${init.startError ?? init.output.trim().split('\n').slice(-10).join('\n')}`);
  const r = await run(['providers', 'schema', '-json']);
  if (r.code !== 0) throw new ProviderSchemaError(`terraform providers schema -json failed: ${r.startError ?? r.output.trim().split('\n').slice(-10).join('\n')}`);
  const doc = JSON.parse(r.stdout) as { provider_schemas?: Record<string, { resource_schemas?: Record<string, ResourceSchema>; data_source_schemas?: Record<string, ResourceSchema> }> };
  for (const c of missing) {
    const p = doc.provider_schemas?.[c.source];
    if (!p) throw new ProviderSchemaError(`terraform providers schema -json printed no schema for ${c.source}`);
    const schema: ProviderSchema = { source: c.source, version: c.version, resource_schemas: p.resource_schemas ?? {}, data_source_schemas: p.data_source_schemas ?? {} };
    const file = schemaCacheFile(cacheDir, c);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written whole, then renamed: concurrent runs never read half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(schema));
    fs.renameSync(tmp, file);
    out.set(c.source, schema);
  }
  return out;
}
