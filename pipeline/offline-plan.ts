import { replacementCauses } from '../terraform/protected-resources';
import { attributeChanges, changedAttributePaths, VALUE_CHANGES_PER_RESOURCE } from './attribute-diff';
import { compareStrings, makeChange, ResourceChange, sortChanges } from './changes';
import { TerraformJson } from './stack-config';

/**
 * The offline plan of one stack: what would change between the base and the head desired
 * state (normalized synthesized configuration), at resource and attribute level, in the same
 * ResourceChange form as a Terraform plan. Without state and provider schemas it cannot see
 * drift or computed values; it does know Terraform's configuration semantics:
 *  - `moved` blocks turn a delete plus create into the same resource under a new address;
 *  - `import` blocks make a new resource an import, not a create;
 *  - `removed` blocks with `lifecycle.destroy = false` make a deletion a forget;
 *  - updates and replacements carry the old and new configuration values of what changes
 *    (attributes whose name says secret masked);
 *  - meta-arguments (`lifecycle`, `depends_on`, `provider`, provisioners) change no
 *    infrastructure and are reported as configuration notes, not updates;
 *  - a changed attribute of a protected type listed in REPLACEMENT_ATTRIBUTES makes the change a
 *    replacement (create_before_destroy gives `["create","delete"]`, else `["delete","create"]`).
 *    Other types are reported as updates: only the real plan knows their ForceNew arguments.
 */
export interface OfflineStackPlan {
  readonly changes: ReadonlyArray<ResourceChange>;
  /** Changes outside resources: providers, backend, outputs, data sources, meta-arguments. */
  readonly notes: ReadonlyArray<string>;
}

const META_ARGUMENTS = new Set(['lifecycle', 'depends_on', 'provider', 'provisioner', 'connection']);

interface ResourceBlock {
  readonly type: string;
  readonly config: Record<string, unknown>;
}

function resourcesOf(json: TerraformJson | undefined): Map<string, ResourceBlock> {
  const out = new Map<string, ResourceBlock>();
  const byType = (json?.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [type, byName] of Object.entries(byType)) {
    for (const [name, config] of Object.entries(byName)) out.set(`${type}.${name}`, { type, config });
  }
  return out;
}

function blockList(json: TerraformJson | undefined, key: string): Array<Record<string, unknown>> {
  const v = json?.[key];
  return Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];
}

function split(config: Record<string, unknown>): { attrs: Record<string, unknown>; meta: Record<string, unknown> } {
  const attrs: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) (META_ARGUMENTS.has(k) ? meta : attrs)[k] = v;
  return { attrs, meta };
}

function createBeforeDestroy(config: Record<string, unknown>): boolean {
  const lc = config.lifecycle as Record<string, unknown> | undefined;
  return lc?.create_before_destroy === true;
}

export function offlineStackPlan(base: TerraformJson | undefined, head: TerraformJson | undefined): OfflineStackPlan {
  const before = resourcesOf(base);
  const after = resourcesOf(head);
  const notes: string[] = [];
  // Addresses the head moved resources to, from the address they had.
  const movedFrom = new Map<string, string>();
  for (const m of blockList(head, 'moved')) if (typeof m.from === 'string' && typeof m.to === 'string') movedFrom.set(m.to, m.from);
  const imports = new Set(blockList(head, 'import').map((i) => String(i.to)));
  const forgotten = new Set(
    blockList(head, 'removed')
      .filter((r) => (r.lifecycle as Record<string, unknown> | undefined)?.destroy === false)
      .map((r) => String(r.from)),
  );

  const changes: ResourceChange[] = [];
  const matchedBase = new Set<string>();
  for (const [address, h] of after) {
    const fromAddress = before.has(address) ? address : movedFrom.get(address);
    const b = fromAddress ? before.get(fromAddress) : undefined;
    if (!b || !fromAddress) {
      changes.push(makeChange({ address, type: h.type, action: imports.has(address) ? 'import' : 'create', actions: imports.has(address) ? ['no-op'] : ['create'], ...(imports.has(address) ? { importing: true } : {}) }));
      continue;
    }
    matchedBase.add(fromAddress);
    if (fromAddress !== address) notes.push(`${fromAddress} moved to ${address}`);
    const hb = split(h.config);
    const bb = split(b.config);
    for (const p of changedAttributePaths(bb.meta, hb.meta)) notes.push(`${address}: ${p} changed (meta-argument, no infrastructure change)`);
    const changed = changedAttributePaths(bb.attrs, hb.attrs);
    if (changed.length === 0) continue;
    const causes = replacementCauses(h.type, changed);
    const valueChanges = attributeChanges(bb.attrs, hb.attrs).slice(0, VALUE_CHANGES_PER_RESOURCE);
    if (causes.length > 0) {
      const actions = createBeforeDestroy(h.config) ? ['create', 'delete'] : ['delete', 'create'];
      changes.push(makeChange({ address, type: h.type, action: 'replace', actions, changedAttributes: changed, valueChanges, replacedBecause: causes }));
    } else {
      changes.push(makeChange({ address, type: h.type, action: 'update', actions: ['update'], changedAttributes: changed, valueChanges }));
    }
  }
  for (const [address, b] of before) {
    if (matchedBase.has(address)) continue;
    const forget = forgotten.has(address);
    changes.push(makeChange({ address, type: b.type, action: forget ? 'forget' : 'delete', actions: forget ? ['forget'] : ['delete'] }));
  }
  // A stack new or gone as a whole: its providers and outputs come and go with it.
  if (base && head) notes.push(...stackLevelNotes(base, head));
  return { changes: sortChanges(changes), notes: [...new Set(notes)].sort(compareStrings) };
}

/** Changes outside `resource`: each top-level block, by path. */
function stackLevelNotes(base: TerraformJson | undefined, head: TerraformJson | undefined): string[] {
  const skip = new Set(['resource', 'moved', 'import', 'removed']);
  const pick = (j: TerraformJson | undefined) => Object.fromEntries(Object.entries(j ?? {}).filter(([k]) => !skip.has(k)));
  const paths = changedAttributePaths(pick(base), pick(head));
  // Deep paths of large blocks are noise: report up to three levels (e.g. provider.aws[0].default_tags).
  return [...new Set(paths.map((p) => truncatePath(p, 3)))].map((p) => `${p} changed`);
}

function truncatePath(p: string, depth: number): string {
  const parts = p.match(/[^.[\]]+|\[\d+\]/g) ?? [p];
  let out = '';
  let n = 0;
  for (const part of parts) {
    if (!part.startsWith('[')) {
      if (n === depth) break;
      n++;
      out += out === '' ? part : `.${part}`;
    } else out += part;
  }
  return out;
}
