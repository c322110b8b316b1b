import * as fs from 'fs';
import * as path from 'path';
import { addressOfPath, blockAt, JsonPath, Span, trackedStringify } from '../../terraform/tracked-json';
import { ProviderChoice } from './toolchain';
import { TerraformJson, WorkCopy } from './work-copy';

/**
 * A generated root module that holds many stacks as child modules, so that one Terraform run
 * (one init, one provider schema load) covers all of them:
 *
 *   <dir>/main.tf.json                 required providers, shared provider blocks, module calls, import blocks
 *   <dir>/stacks/<module>/cdk.tf.json   the work copy of each stack
 *
 * It remembers where every block was written, so that each Terraform diagnostic can be traced
 * back to its stack, resource address and construct path.
 */
export interface BatchMember {
  /** Stack name, as reports show it. */
  readonly stack: string;
  /** Module name in the root (a valid identifier, unique in the batch). */
  readonly module: string;
  readonly copy: WorkCopy;
  /** The synthesized configuration (with cdktf's `//` metadata), for construct paths. */
  readonly source: TerraformJson;
}

export interface WrittenBatch {
  readonly dir: string;
  readonly members: ReadonlyArray<BatchMember>;
  readonly byModule: ReadonlyMap<string, BatchMember>;
  readonly stackSpans: ReadonlyMap<string, ReadonlyArray<Span>>;
  readonly rootSpans: ReadonlyArray<Span>;
  /** Root `import` entry i → the stack and the block's index there. */
  readonly rootImports: ReadonlyArray<{ readonly member: BatchMember; readonly index: number }>;
}

export interface BatchRootOptions {
  readonly providers: ReadonlyMap<string, ProviderChoice>;
  /** Members whose provider blocks were removed get the root's shared providers. */
  readonly sharedProviders: boolean;
  /** Extra root-level blocks (none by default). */
  readonly extraRoot?: TerraformJson;
}

/** A module name for a stack: its name when that is a valid identifier, else a sanitized one. */
export function moduleNameFor(stack: string, taken: Set<string>): string {
  let base = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(stack) ? stack : `s_${stack.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (base === 'terraform') base = 's_terraform';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

export function writeBatchRoot(dir: string, members: ReadonlyArray<BatchMember>, o: BatchRootOptions): WrittenBatch {
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    // Terraform's data directory (providers linked from the cache) is kept between runs.
    if (entry !== '.terraform') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  const stackSpans = new Map<string, ReadonlyArray<Span>>();
  const modules: Record<string, unknown> = {};
  const imports: Array<Record<string, unknown>> = [];
  const rootImports: Array<{ member: BatchMember; index: number }> = [];
  const rootProviders: Record<string, unknown> = {};
  const required: Record<string, unknown> = {};
  for (const choice of o.providers.values()) required[choice.source.split('/').pop()!] = { source: choice.source, version: choice.version };
  for (const m of members) {
    const moduleDir = path.join(dir, 'stacks', m.module);
    fs.mkdirSync(moduleDir, { recursive: true });
    const tracked = trackedStringify(m.copy.json);
    fs.writeFileSync(path.join(moduleDir, 'cdk.tf.json'), tracked.text);
    stackSpans.set(m.module, tracked.spans);
    const call: Record<string, unknown> = { source: `./stacks/${m.module}` };
    if (o.sharedProviders && !m.copy.json.provider) {
      const mapping: Record<string, string> = {};
      for (const [local, source] of m.copy.localNames) {
        const rootName = source.split('/').pop()!;
        if (!(rootName in required)) continue;
        rootProviders[rootName] = {};
        mapping[local] = rootName;
        for (const alias of m.copy.aliases.get(local) ?? []) mapping[`${local}.${alias}`] = rootName;
      }
      if (Object.keys(mapping).length > 0) call.providers = mapping;
    }
    modules[m.module] = call;
    for (const imp of m.copy.imports) {
      imports.push({ ...imp.block, to: `module.${m.module}.${imp.to}` });
      rootImports.push({ member: m, index: imp.index });
    }
  }
  const root: TerraformJson = {
    terraform: { required_providers: required },
    ...(Object.keys(rootProviders).length > 0 ? { provider: rootProviders } : {}),
    module: modules,
    ...(imports.length > 0 ? { import: imports } : {}),
    ...(o.extraRoot ?? {}),
  };
  const tracked = trackedStringify(root);
  fs.writeFileSync(path.join(dir, 'main.tf.json'), tracked.text);
  return { dir, members, byModule: new Map(members.map((m) => [m.module, m])), stackSpans, rootSpans: tracked.spans, rootImports };
}

/** A Terraform diagnostic (`validate -json`, `plan -json`), as far as lz reads it. */
export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number; readonly byte: number } };
}

/** Where a diagnostic came from: the stack, the block's address and its construct path. */
export interface LocatedDiagnostic {
  readonly stack?: string;
  readonly module?: string;
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  /** e.g. `aws_s3_bucket.data_bucket_1A2B3C4D`, `provider.aws[1]`, `output.account_id`. */
  readonly address?: string;
  /** cdktf's construct path of the block, e.g. `tenant-acme/data/bucket`. */
  readonly constructPath?: string;
  /** The work-copy file and line Terraform named. */
  readonly file?: string;
  readonly line?: number;
}

export function locateDiagnostic(batch: WrittenBatch, d: TerraformDiagnostic): LocatedDiagnostic {
  const base = { severity: d.severity, summary: d.summary, ...(d.detail ? { detail: d.detail } : {}) };
  const file = d.range?.filename;
  if (file && d.range) {
    const where = { file: path.join(batch.dir, file), line: d.range.start.line };
    const m = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(file.split(path.sep).join('/'));
    if (m && batch.byModule.has(m[1])) {
      const member = batch.byModule.get(m[1])!;
      const span = blockAt(batch.stackSpans.get(m[1]) ?? [], d.range.start.byte);
      return { ...base, ...where, stack: member.stack, module: member.module, ...(span ? blockIdentity(member, span.path) : {}) };
    }
    if (file === 'main.tf.json') {
      const span = blockAt(batch.rootSpans, d.range.start.byte);
      if (span && span.path[0] === 'import' && typeof span.path[1] === 'number') {
        const { member, index } = batch.rootImports[span.path[1]];
        return { ...base, ...where, stack: member.stack, module: member.module, ...blockIdentity(member, ['import', index]) };
      }
      if (span && span.path[0] === 'module' && batch.byModule.has(String(span.path[1]))) {
        const member = batch.byModule.get(String(span.path[1]))!;
        return { ...base, ...where, stack: member.stack, module: member.module };
      }
    }
  }
  const addr = d.address ? /^module\.([^.[]+)(?:\.(.*))?$/.exec(d.address) : null;
  if (addr && batch.byModule.has(addr[1])) {
    const member = batch.byModule.get(addr[1])!;
    const address = addr[2];
    return { ...base, stack: member.stack, module: member.module, ...(address ? { address, ...constructPathOf(member.source, address) } : {}) };
  }
  // Messages name the module even without a range (e.g. "... in module.tenant-acme ...").
  const named = [...batch.byModule.values()].find((m) => `${d.summary} ${d.detail ?? ''}`.includes(`module.${m.module}`));
  return named ? { ...base, stack: named.stack, module: named.module } : base;
}

function blockIdentity(member: BatchMember, p: JsonPath): { address: string; constructPath?: string } {
  const address = addressOfPath(p);
  const block = p.reduce<unknown>((cur, k) => (cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined), member.source);
  const cp = constructPathIn(block);
  return { address, ...(cp ? { constructPath: cp } : {}) };
}

function constructPathIn(block: unknown): string | undefined {
  const meta = (block as { '//'?: { metadata?: { path?: unknown } } } | undefined)?.['//']?.metadata?.path;
  return typeof meta === 'string' ? meta : undefined;
}

/** The construct path of `type.name` (or `data.type.name`) in a synthesized stack. */
export function constructPathOf(source: TerraformJson, address: string): { constructPath?: string } {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  const block = parts[0] === 'data' ? ((source.data as Record<string, Record<string, unknown>> | undefined)?.[parts[1]]?.[parts[2]]) : (source.resource as Record<string, Record<string, unknown>> | undefined)?.[parts[0]]?.[parts[1]];
  const cp = constructPathIn(block);
  return cp ? { constructPath: cp } : {};
}
