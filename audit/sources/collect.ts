import * as fs from 'fs';
import * as path from 'path';
import { ORGANIZATION_STACK, PLATFORM_STACK, sharedStacks, StackSpec, tenantStacks } from '../../model/inventory';
import { migrationEvidenceKey, parseMigrationEvidence } from '../../model/migration';
import { TenantManifest } from '../../model/schema/tenant';
import { TenantEvidence } from '../engine';
import { EvidenceError, StackEvidence } from '../evidence';
import { EvidenceSource } from '../model';
import { evidenceFromConfig } from './desired-state';
import { evidenceFromState } from './state-file';

/** Where a stack's evidence is read from, by its state key. */
export interface StateReader {
  readonly source: EvidenceSource;
  /** The text stored under `key`, with a name for reports; undefined when there is none. */
  read(key: string, spec: StackSpec): Promise<{ readonly text: string; readonly input: string } | undefined>;
}

/** Shared stacks whose evidence every tenant's audit reads (platform-wide controls that pooled tenants rely on). */
const SHARED_FOR_AUDIT = [PLATFORM_STACK, ORGANIZATION_STACK];

async function readStack(reader: StateReader, spec: StackSpec): Promise<StackEvidence | EvidenceError> {
  try {
    const found = await reader.read(spec.stateKey, spec);
    if (!found) return new EvidenceError(spec.stateKey, `no state for stack ${spec.name} (expected at ${spec.stateKey})`);
    return evidenceFromState(spec.name, found.input, found.text, spec.stateKey);
  } catch (e) {
    return e instanceof EvidenceError ? e : new EvidenceError(spec.stateKey, `cannot read state: ${(e as Error).message}`);
  }
}

/**
 * Reads each tenant's stacks (only its own keys) and the shared stacks once. A stack that
 * cannot be read becomes an EvidenceError for that tenant alone.
 */
export async function collectStateEvidence(tenants: ReadonlyArray<TenantManifest>, reader: StateReader, concurrency = 16): Promise<TenantEvidence[]> {
  const shared = new Map<string, StackEvidence | EvidenceError>();
  for (const spec of sharedStacks().filter((s) => SHARED_FOR_AUDIT.includes(s.name))) shared.set(spec.name, await readStack(reader, spec));
  const out: TenantEvidence[] = new Array(tenants.length);
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const i = next++;
      const tenant = tenants[i];
      const stacks = new Map(shared);
      for (const spec of tenantStacks(tenant)) stacks.set(spec.name, await readStack(reader, spec));
      out[i] = { tenant, stacks, ...(await readMigrationEvidence(reader, tenant)) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tenants.length)) }, worker));
  return out;
}

/** The evidence `lz migrate` keeps next to the tenant's state, if there is any. */
async function readMigrationEvidence(reader: StateReader, tenant: TenantManifest): Promise<Pick<TenantEvidence, 'migration' | 'migrationInput'>> {
  const key = migrationEvidenceKey(tenant.id);
  // Read as part of the tenant stack: a reader that limits keys to the tenant's prefix limits this one too.
  const spec = tenantStacks(tenant).find((s) => s.kind === 'tenant')!;
  try {
    const found = await reader.read(key, spec);
    if (!found) return {};
    return { migration: parseMigrationEvidence(found.text, found.input, tenant.id), migrationInput: found.input };
  } catch (e) {
    return { migration: new EvidenceError(key, `cannot read the migration evidence: ${(e as Error).message}`) };
  }
}

/** State files laid out like the state bucket: `<dir>/<state key>` (or `<key>.json` for terraform show -json output). */
export function directoryReader(dir: string): StateReader {
  return {
    source: 'state',
    async read(key) {
      for (const candidate of [key, `${key}.json`]) {
        const file = path.join(dir, candidate);
        if (fs.existsSync(file)) return { text: await fs.promises.readFile(file, 'utf8'), input: file };
      }
      return undefined;
    },
  };
}

/** Desired state: the synthesized configuration of each stack (cdktf.out/stacks/<name>/cdk.tf.json). */
export function collectDesiredEvidence(tenants: ReadonlyArray<TenantManifest>, outdir: string): TenantEvidence[] {
  const cache = new Map<string, StackEvidence | EvidenceError>();
  const read = (spec: StackSpec) => {
    const hit = cache.get(spec.name);
    if (hit) return hit;
    const file = path.join(outdir, 'stacks', spec.name, 'cdk.tf.json');
    let ev: StackEvidence | EvidenceError;
    try {
      ev = evidenceFromConfig(spec.name, file, JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (e) {
      ev = new EvidenceError(file, `cannot read synthesized stack: ${(e as Error).message}`);
    }
    if (SHARED_FOR_AUDIT.includes(spec.name)) cache.set(spec.name, ev);
    return ev;
  };
  const shared = sharedStacks().filter((s) => SHARED_FOR_AUDIT.includes(s.name));
  return tenants.map((tenant) => ({ tenant, stacks: new Map([...shared, ...tenantStacks(tenant)].map((s) => [s.name, read(s)])) }));
}
