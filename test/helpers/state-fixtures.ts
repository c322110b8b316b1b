import * as fs from 'fs';
import * as path from 'path';
import { auditTenant } from '../../audit/engine';
import { RuleResult } from '../../audit/model';
import { RULES } from '../../audit/pack';
import { collectDesiredEvidence, collectStateEvidence, directoryReader } from '../../audit/sources/collect';
import { LandingZone } from '../../model/validate';
import { SynthResult } from '../../stacks/synthesize';
import { simulateApply, SimulatedApplyOptions } from './apply-simulator';
import { stackJson } from './synth';
import { tempDir } from './temp';

/** When the audits of these helpers run: what retention periods are measured against. */
export const AUDIT_TIME = '2030-06-01T00:00:00.000Z';

export const ACCOUNT_REF = '${data.terraform_remote_state.account-state.outputs.account_id}';

/** A stable, distinct 12-digit account id for a created tenant account. */
export function fakeAccountId(tenantId: string): string {
  let h = 0;
  for (const c of tenantId) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_000;
  return `9${String(h).padStart(11, '0')}`;
}

export function accountIdOf(lz: LandingZone, tenantId: string): string {
  return lz.tenants.find((t) => t.manifest.id === tenantId)?.manifest.account?.id ?? fakeAccountId(tenantId);
}

/**
 * Writes the state every synthesized stack would have after apply, laid out like the state
 * bucket (`<dir>/<state key>`). Returns the file of each stack.
 */
export function writeStates(lz: LandingZone, result: SynthResult, dir: string, opts: Partial<SimulatedApplyOptions> = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const s of result.stacks) {
    const tenantId = s.spec.tenantId;
    const accountId = tenantId && s.spec.tier !== 'L1' ? accountIdOf(lz, tenantId) : undefined;
    const state = simulateApply(stackJson(result, s.spec.name), {
      ...opts,
      references: { ...(accountId ? { [ACCOUNT_REF]: accountId } : {}), ...(opts.references ?? {}) },
      createdAccountId: accountId,
    });
    const file = path.join(dir, s.spec.stateKey);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(state, null, 2));
    files[s.spec.name] = file;
  }
  return files;
}

/** Reads, edits and rewrites a state file (for deliberately broken variants). */
export function editState(file: string, edit: (state: any) => void): void {
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(state);
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
}

/** The attributes of the first resource instance of `type` whose attributes satisfy `match`. */
export function stateResource(state: any, type: string, match: (attributes: any) => boolean = () => true): any {
  for (const r of state.resources) if (r.type === type && match(r.instances[0].attributes)) return r.instances[0].attributes;
  throw new Error(`no ${type} in state`);
}

/** Each tenant's audit results by rule id, from state files laid out like the bucket under `dir`, or from a synthesis (desired). */
export async function auditResults(lz: LandingZone, dir: string, source: 'state' | 'desired' = 'state', asOf: string = AUDIT_TIME): Promise<Map<string, Map<string, RuleResult>>> {
  const evidence = source === 'state' ? await collectStateEvidence(lz.tenants, directoryReader(dir)) : collectDesiredEvidence(lz.tenants, dir);
  return new Map(evidence.map((e) => [e.tenant.id, new Map(auditTenant(lz.settings, e, source, RULES, asOf).results.map((r) => [r.ruleId, r]))]));
}

/** The audit results of a copy of the state under `clean` after `edit` broke something in it. */
export async function auditBrokenCopy(lz: LandingZone, clean: string, edit: (dir: string) => void): Promise<Map<string, Map<string, RuleResult>>> {
  const dir = tempDir('lz-audit-broken-');
  fs.cpSync(clean, dir, { recursive: true });
  edit(dir);
  return auditResults(lz, dir);
}

/** Rewrites the JSON policy document held in `attrs[key]` (a state attribute). */
export function editPolicy(attrs: any, key: string, fn: (doc: any) => void): void {
  const doc = JSON.parse(attrs[key]);
  fn(doc);
  attrs[key] = JSON.stringify(doc);
}
