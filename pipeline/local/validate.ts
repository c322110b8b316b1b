import * as fs from 'fs';
import * as path from 'path';
import { stableStringify } from '../../format/stable-json';
import { BatchMember, LocatedDiagnostic, locateDiagnostic, moduleNameFor, TerraformDiagnostic, writeBatchRoot } from './batch-root';
import { runPool } from './pool';
import { chooseProviderVersions, LocalToolchain, ProviderChoice, terraformIn } from './toolchain';
import { makeWorkCopy, requiredProvidersOf, TerraformJson } from './work-copy';

/**
 * `terraform validate` of many synthesized stacks with the real provider, offline.
 *
 * A provider process costs about a second of CPU to start and Terraform starts one per provider
 * configuration, so validating stacks one by one (or as child modules that keep their own
 * provider blocks) pays that once per stack. Instead, stacks are validated in batches: each
 * batch is one generated root with every stack as a child module, its resources, data sources,
 * outputs and references checked against one shared provider configuration. The stacks' own
 * provider blocks are still validated by Terraform: for each distinct shape of provider blocks
 * (the same arguments and nesting, see providerShape) the first stack that has it keeps them in
 * its module. Batches run `parallelism` at a time.
 */
export interface StackToValidate {
  /** Stack name as reports show it (unique). */
  readonly name: string;
  /** The synthesized cdk.tf.json. */
  readonly file: string;
}

export interface ValidateOptions {
  readonly toolchain: LocalToolchain;
  readonly stacks: ReadonlyArray<StackToValidate>;
  /** Batches and their Terraform data go here. */
  readonly workDir: string;
  /** Stacks per Terraform run. @default 400 */
  readonly batchSize?: number;
  /** Batches validated at the same time. @default 2 */
  readonly parallelism?: number;
  /** Time limit of one Terraform command, in ms. @default 30 minutes */
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export interface StackValidation {
  readonly stack: string;
  readonly valid: boolean;
  readonly errors: ReadonlyArray<LocatedDiagnostic>;
  readonly warnings: ReadonlyArray<LocatedDiagnostic>;
}

export interface ValidateResult {
  readonly terraformVersion: string;
  readonly providers: ReadonlyArray<ProviderChoice>;
  readonly stacks: ReadonlyArray<StackValidation>;
  /** Diagnostics that name no stack (they make every stack of their batch count as not valid). */
  readonly unattributed: ReadonlyArray<LocatedDiagnostic>;
  readonly batches: number;
  readonly ms: number;
}

export const DEFAULT_VALIDATE_BATCH_SIZE = 400;

interface LoadedStack {
  readonly name: string;
  readonly json: TerraformJson;
}

export async function validateStacks(o: ValidateOptions): Promise<ValidateResult> {
  const started = Date.now();
  const loaded: LoadedStack[] = o.stacks.map((s) => ({ name: s.name, json: JSON.parse(fs.readFileSync(s.file, 'utf8')) as TerraformJson }));
  const providers = chooseProviderVersions(o.toolchain.mirror, requiredProvidersOf(loaded.map((s) => s.json)));

  const shapesSeen = new Set<string>();
  const ownProviders = new Set<string>();
  for (const s of loaded) {
    const shape = providerShape(s.json);
    if (shape !== undefined && !shapesSeen.has(shape)) {
      shapesSeen.add(shape);
      ownProviders.add(s.name);
    }
  }
  const size = Math.max(1, o.batchSize ?? DEFAULT_VALIDATE_BATCH_SIZE);
  const batches: LoadedStack[][] = [];
  for (let i = 0; i < loaded.length; i += size) batches.push(loaded.slice(i, i + size));

  const diagnostics = new Map<string, LocatedDiagnostic[]>(loaded.map((s) => [s.name, []]));
  const unattributed: LocatedDiagnostic[] = [];
  const failedBatches = new Set<number>();
  await runPool(batches.map((b, i) => [i, b] as const), o.parallelism ?? 2, async ([index, batch]) => {
    const taken = new Set<string>();
    const members: BatchMember[] = batch.map((s) => ({
      stack: s.name,
      module: moduleNameFor(s.name, taken),
      source: s.json,
      copy: makeWorkCopy(s.json, { mode: 'validate', providers, shareProviders: !ownProviders.has(s.name) }),
    }));
    const dir = path.join(o.workDir, `batch-${index + 1}`);
    const written = writeBatchRoot(dir, members, { providers, sharedProviders: true });
    const run = terraformIn(o.toolchain, dir, o.timeoutMs);
    o.progress?.(`batch ${index + 1}/${batches.length}: init (${batch.length} stacks)`);
    const init = await run(['init', '-backend=false', '-input=false', '-no-color']);
    if (init.code !== 0) {
      failedBatches.add(index);
      unattributed.push({ severity: 'error', summary: `terraform init failed in ${dir}${init.timedOut ? ' (time limit reached)' : ''}`, detail: init.startError ?? init.output.trim().split('\n').slice(-15).join('\n') });
      return;
    }
    o.progress?.(`batch ${index + 1}/${batches.length}: validate`);
    const v = await run(['validate', '-json', '-no-color']);
    let doc: { valid?: boolean; diagnostics?: TerraformDiagnostic[] };
    try {
      doc = JSON.parse(v.stdout) as typeof doc;
    } catch {
      failedBatches.add(index);
      unattributed.push({ severity: 'error', summary: `terraform validate printed no JSON in ${dir}${v.timedOut ? ' (time limit reached)' : ''}`, detail: v.startError ?? v.output.trim().split('\n').slice(-15).join('\n') });
      return;
    }
    for (const d of doc.diagnostics ?? []) {
      const located = locateDiagnostic(written, d);
      if (located.stack) diagnostics.get(located.stack)!.push(located);
      else {
        unattributed.push(located);
        if (located.severity === 'error') failedBatches.add(index);
      }
    }
  });
  const inFailedBatch = new Set(batches.flatMap((b, i) => (failedBatches.has(i) ? b.map((s) => s.name) : [])));
  const stacks = loaded.map((s) => {
    const list = diagnostics.get(s.name)!;
    const errors = list.filter((d) => d.severity === 'error');
    return { stack: s.name, valid: errors.length === 0 && !inFailedBatch.has(s.name), errors, warnings: list.filter((d) => d.severity === 'warning') };
  });
  return { terraformVersion: o.toolchain.terraformVersion, providers: [...providers.values()], stacks, unattributed, batches: batches.length, ms: Date.now() - started };
}

/**
 * The shape of a stack's provider blocks: their arguments and nesting with every value replaced
 * by its kind (literal or interpolated string, number, bool; a `tags` map is one value). Stacks
 * of one kind, written by the same code, share a shape.
 */
export function providerShape(json: TerraformJson): string | undefined {
  if (!json.provider) return undefined;
  const shape = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('${') ? 'template' : 'string';
    if (Array.isArray(v)) return v.map(shape);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, k === 'alias' ? x : k === 'tags' ? 'map' : shape(x)]));
    return typeof v;
  };
  return stableStringify(shape(json.provider));
}
