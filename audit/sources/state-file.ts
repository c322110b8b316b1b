import { EvidenceError, ResourceRecord, StackEvidence } from '../evidence';

/**
 * Evidence from Terraform state: format version 4 (what `terraform state pull` prints and the
 * S3 backend stores) or the JSON of `terraform show -json` (format_version 1.x). Anything else
 * (truncated, not JSON, another version) is an EvidenceError naming what was expected.
 */
export function evidenceFromState(stack: string, input: string, text: string, stateKey?: string): StackEvidence {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const reason = text.trim().length === 0 ? 'empty file' : `not valid JSON (${(e as Error).message}); truncated?`;
    throw new EvidenceError(input, `${reason}; expected Terraform state (version 4) or terraform show -json output`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new EvidenceError(input, 'not a JSON object; expected Terraform state (version 4)');
  if (typeof doc.format_version === 'string') return fromShowJson(stack, input, doc, stateKey);
  if (doc.version !== 4) {
    throw new EvidenceError(input, `state format version ${JSON.stringify(doc.version)} is not supported; expected version 4 (Terraform >= 0.12), e.g. from terraform state pull`);
  }
  if (!Array.isArray(doc.resources)) throw new EvidenceError(input, 'state has no "resources" list; truncated or not a Terraform state');
  const resources: ResourceRecord[] = [];
  for (const [i, r] of (doc.resources as any[]).entries()) {
    if (!r || typeof r.type !== 'string' || typeof r.name !== 'string' || !Array.isArray(r.instances)) {
      throw new EvidenceError(input, `resources[${i}] lacks type, name or instances; the state is damaged`);
    }
    if (r.module) continue; // the landing zone writes no modules; a module resource is not ours to judge
    const mode = r.mode === 'data' ? 'data' : 'managed';
    const alias = /^provider\[".*"\]\.(.+)$/.exec(String(r.provider ?? ''))?.[1];
    const provider = alias ? `aws.${alias}` : 'aws';
    (r.instances as any[]).forEach((inst, j) => {
      const key = inst.index_key === undefined ? '' : typeof inst.index_key === 'number' ? `[${inst.index_key}]` : `["${inst.index_key}"]`;
      if (!inst || typeof inst.attributes !== 'object' || inst.attributes === null) throw new EvidenceError(input, `resources[${i}].instances[${j}] has no attributes; the state is damaged`);
      resources.push({ stack, address: `${mode === 'data' ? 'data.' : ''}${r.type}.${r.name}${key}`, mode, type: r.type, name: r.name, provider, values: inst.attributes });
    });
  }
  const outputs = Object.fromEntries(Object.entries((doc.outputs ?? {}) as Record<string, { value: unknown }>).map(([k, v]) => [k, v?.value]));
  return { stack, source: 'state', input, stateKey, resources, outputs };
}

function fromShowJson(stack: string, input: string, doc: any, stateKey?: string): StackEvidence {
  if (!/^1\./.test(doc.format_version)) throw new EvidenceError(input, `show -json format_version ${doc.format_version} is not supported; expected 1.x`);
  // `terraform show -json` of a state has values.root_module; of a plan, prior_state.values.root_module.
  const root = doc.values?.root_module ?? doc.prior_state?.values?.root_module;
  if (!root) throw new EvidenceError(input, 'show -json output has no values.root_module (an empty state, or a plan without prior state)');
  const resources: ResourceRecord[] = ((root.resources ?? []) as any[]).map((r) => ({
    stack,
    address: r.address,
    mode: r.mode === 'data' ? 'data' : 'managed',
    type: r.type,
    name: r.name,
    values: r.values ?? {},
  }));
  const outputs = Object.fromEntries(Object.entries((doc.values?.outputs ?? {}) as Record<string, { value: unknown }>).map(([k, v]) => [k, v?.value]));
  return { stack, source: 'show-json', input, stateKey, resources, outputs };
}
