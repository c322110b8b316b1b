import * as fs from 'fs';
import * as path from 'path';
import { ORGANIZATION_STACK, PLATFORM_STACK, sharedStacks, StackSpec, tenantStacks } from '../../model/inventory';
import { LoadedTenant } from '../../model/load';
import { migrationEvidenceKey, parseMigrationEvidence } from '../../model/migration';
import { TenantProfile } from '../../model/profile';
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
/** A tenant as the audit reads it: its manifest and its profile. */
export type AuditedTenant = Pick<LoadedTenant, 'manifest' | 'profile'>;

export async function collectStateEvidence(tenants: ReadonlyArray<AuditedTenant>, reader: StateReader, concurrency = 16): Promise<TenantEvidence[]> {
  const shared = new Map<string, StackEvidence | EvidenceError>();
  for (const spec of sharedStacks().filter((s) => SHARED_FOR_AUDIT.includes(s.name))) shared.set(spec.name, await readStack(reader, spec));
  const out: TenantEvidence[] = new Array(tenants.length);
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const i = next++;
      const { manifest, profile } = tenants[i];
      const stacks = new Map(shared);
      for (const spec of tenantStacks(profile)) stacks.set(spec.name, await readStack(reader, spec));
      out[i] = { tenant: manifest, profile, stacks, ...(await readMigrationEvidence(reader, profile)) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tenants.length)) }, worker));
  return out;
}

/** The evidence `lz migrate` keeps next to the tenant's state, if there is any. */
async function readMigrationEvidence(reader: StateReader, profile: TenantProfile): Promise<Pick<TenantEvidence, 'migration' | 'migrationInput'>> {
  const key = migrationEvidenceKey(profile.tenantId);
  // Read as part of the tenant stack: a reader that limits keys to the tenant's prefix limits this one too.
  const spec = tenantStacks(profile).find((s) => s.kind === 'tenant')!;
  try {
    const found = await reader.read(key, spec);
    if (!found) return {};
    return { migration: parseMigrationEvidence(found.text, found.input, profile.tenantId), migrationInput: found.input };
  } catch (e) {
    return { migration: new EvidenceError(key, `cannot read the migration evidence: ${(e as Error).message}`) };
  }
}

/**
 * State files laid out like the state bucket: `<dir>/<state key>` (or `<key>.json` for terraform
 * show -json output). Inputs are named by their path inside `dir` (the state key), never by
 * where `dir` happens to be on this machine.
 */
export function directoryReader(dir: string): StateReader {
  return {
    source: 'state',
    async read(key) {
      for (const candidate of [key, `${key}.json`]) {
        const file = path.join(dir, candidate);
        if (!fs.existsSync(file)) continue;
        try {
          return { text: await fs.promises.readFile(file, 'utf8'), input: candidate };
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new EvidenceError(candidate, code === 'EISDIR' ? 'is a directory, not a state file' : `cannot be read (${code ?? (e as Error).message})`);
        }
      }
      return undefined;
    },
  };
}

/**
 * Desired state: the synthesized configuration of each stack (`<outdir>/stacks/<name>/cdk.tf.json`),
 * each input named by its path inside the synthesis (`stacks/<name>/cdk.tf.json`).
 */
export function collectDesiredEvidence(tenants: ReadonlyArray<AuditedTenant>, outdir: string): TenantEvidence[] {
  const cache = new Map<string, StackEvidence | EvidenceError>();
  const read = (spec: StackSpec) => {
    const hit = cache.get(spec.name);
    if (hit) return hit;
    const input = path.posix.join('stacks', spec.name, 'cdk.tf.json');
    let ev: StackEvidence | EvidenceError;
    try {
      ev = evidenceFromConfig(spec.name, input, JSON.parse(fs.readFileSync(path.join(outdir, input), 'utf8')));
    } catch (e) {
      ev = new EvidenceError(input, `cannot read synthesized stack: ${(e as Error).message}`);
    }
    if (SHARED_FOR_AUDIT.includes(spec.name)) cache.set(spec.name, ev);
    return ev;
  };
  const shared = sharedStacks().filter((s) => SHARED_FOR_AUDIT.includes(s.name));
  return tenants.map(({ manifest, profile }) => ({ tenant: manifest, profile, stacks: new Map([...shared, ...tenantStacks(profile)].map((s) => [s.name, read(s)])) }));
}
