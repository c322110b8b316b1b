import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

export interface TierMix {
  readonly L1: number;
  readonly L2: number;
  readonly L3: number;
}

/** The tier mix the issues benchmark with: 700 L1, 200 L2, 100 L3 per 1,000. */
export const DEFAULT_MIX: TierMix = { L1: 0.7, L2: 0.2, L3: 0.1 };

export function tierFor(i: number, n: number, mix: TierMix = DEFAULT_MIX): 'L1' | 'L2' | 'L3' {
  const l1 = Math.round(n * mix.L1);
  const l2 = Math.round(n * mix.L2);
  return i < l1 ? 'L1' : i < l1 + l2 ? 'L2' : 'L3';
}

/** A realistic, valid manifest for generated tenant number `i` (ids sort in generation order). */
export function generatedManifest(i: number, tier: 'L1' | 'L2' | 'L3'): Record<string, unknown> {
  const id = `t${String(i).padStart(5, '0')}-${tier.toLowerCase()}`;
  const m: Record<string, unknown> = {
    apiVersion: 'lz/v1',
    kind: 'Tenant',
    id,
    displayName: `Generated tenant ${i}`,
    tier,
    status: i % 50 === 7 ? 'suspended' : 'active',
    homeRegion: tier === 'L1' ? 'eu-west-1' : ['eu-west-1', 'eu-central-1', 'eu-north-1'][i % 3],
    contacts: [{ name: `Owner ${i}`, email: `owner${i}@tenant${i}.example`, role: 'owner' }],
  };
  if (tier !== 'L1') {
    m.account = { email: `aws+${id}@saas.example` };
    m.backup = { schedule: 'cron(0 3 * * ? *)', retentionDays: 35 };
  }
  if (tier === 'L3') {
    m.encryption = i % 2 === 0 ? { byok: 'imported', keyMaterialImported: true } : { byok: 'customer-key', keyArn: `arn:aws:kms:${m.homeRegion}:9${String(i).padStart(11, '0')}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444444444444` };
    m.changeApprovers = [`@tenant${i}/approvers`];
  }
  return m;
}

/** Writes `n` generated manifests into `dir` (created if needed); returns their ids. */
export function writeTenantSet(dir: string, n: number, mix: TierMix = DEFAULT_MIX): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = generatedManifest(i, tierFor(i, n, mix));
    fs.writeFileSync(path.join(dir, `${m.id}.yaml`), `# yaml-language-server: $schema=./tenant.schema.json\n${stringify(m)}`);
    ids.push(String(m.id));
  }
  return ids;
}
