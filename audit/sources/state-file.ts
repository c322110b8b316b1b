import { z } from 'zod';
import { checkDocument, DocumentError, DocumentKind, parseJson } from '../../format/json-document';
import { EvidenceError, ResourceRecord, StackEvidence } from '../evidence';

/**
 * Evidence from Terraform state: format version 4 (what `terraform state pull` prints and the
 * S3 backend stores) or the JSON of `terraform show -json` of a state (format_version 1.x).
 * Both are read through a schema at the door (format/json-document.ts); anything else
 * (truncated, not JSON, another version, a value of the wrong type, nesting too deep, a
 * resource mode that is neither managed nor data) is an EvidenceError naming the input, the
 * JSON path and what was expected, and the rules that need that stack report `error`.
 *
 * Resources inside modules are read, with their module path in the address; an empty state and
 * the `show -json` of an empty state give the same evidence (no resources). The `show -json` of
 * a plan is refused: the audit judges what is deployed, or the desired configuration.
 */
const OUTPUTS = z.record(z.string(), z.object({ value: z.unknown() }).loose());
/** An object of attribute values, checked without copying it (state files hold thousands). */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const ATTRIBUTES = z.custom<Record<string, unknown>>(isObject, { error: 'an object of attribute values' });
const MODE = z.enum(['managed', 'data']);

const STATE_V4 = z
  .object({
    version: z.literal(4),
    terraform_version: z.string().optional(),
    outputs: OUTPUTS.optional(),
    resources: z.array(
      z
        .object({
          module: z.string().min(1).optional(),
          mode: MODE,
          type: z.string().min(1),
          name: z.string().min(1),
          provider: z.string().optional(),
          instances: z.array(
            z
              .object({
                index_key: z.union([z.string(), z.number().int()]).optional(),
                deposed: z.string().optional(),
                attributes: z.custom<Record<string, unknown>>(isObject, {
                  error: (issue) => (issue.input === undefined ? 'attributes (an object), as Terraform 0.12 and later write them; attributes_flat alone is not read' : 'an object of attribute values'),
                }),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
  })
  .loose();

const STATE_KIND: DocumentKind<z.infer<typeof STATE_V4>> = { expected: 'Terraform state version 4 (terraform state pull)', schema: STATE_V4 };

const SHOW_RESOURCE = z
  .object({
    address: z.string().min(1),
    mode: MODE,
    type: z.string().min(1),
    name: z.string().min(1),
    index: z.union([z.string(), z.number().int()]).optional(),
    values: ATTRIBUTES.optional(),
  })
  .loose();

const SHOW_MODULE = z
  .object({
    address: z.string().optional(),
    resources: z.array(SHOW_RESOURCE).optional(),
    child_modules: z.array(z.unknown()).optional(),
  })
  .loose();

const SHOW_STATE = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    values: z.object({ outputs: OUTPUTS.optional(), root_module: z.unknown().optional() }).loose().optional(),
  })
  .loose();

const SHOW_EXPECTED = 'terraform show -json output of a state (format_version 1.x)';

export function evidenceFromState(stack: string, input: string, text: string, stateKey?: string): StackEvidence {
  try {
    const doc = parseJson(text, input, 'Terraform state (version 4) or terraform show -json output');
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new DocumentError(input, '$', `expected an object: Terraform state (version 4) or terraform show -json output`);
    const fields = doc as Record<string, unknown>;
    if ('format_version' in fields) return fromShowJson(stack, input, fields, stateKey);
    if (fields.version !== 4) {
      throw new DocumentError(input, '$.version', `state format version ${JSON.stringify(fields.version) ?? 'missing'} is not supported; expected version 4 (Terraform 0.12 and later), e.g. from terraform state pull`);
    }
    return fromState(stack, input, checkDocument(doc, input, STATE_KIND), stateKey);
  } catch (e) {
    if (e instanceof DocumentError) throw new EvidenceError(e.document, `${e.jsonPath === '$' ? '' : `at ${e.jsonPath}: `}${e.problem}`);
    throw e;
  }
}

function fromState(stack: string, input: string, state: z.infer<typeof STATE_V4>, stateKey?: string): StackEvidence {
  const resources: ResourceRecord[] = [];
  for (const r of state.resources) {
    const alias = /^provider\[".*"\]\.(.+)$/.exec(r.provider ?? '')?.[1];
    const provider = alias ? `aws.${alias}` : 'aws';
    const base = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const inst of r.instances) {
      const key = inst.index_key === undefined ? '' : typeof inst.index_key === 'number' ? `[${inst.index_key}]` : `[${JSON.stringify(inst.index_key)}]`;
      const deposed = inst.deposed ? ` (deposed object ${inst.deposed})` : '';
      resources.push({ stack, address: `${base}${key}${deposed}`, mode: r.mode, type: r.type, name: r.name, provider, ...(r.module ? { module: r.module } : {}), values: inst.attributes });
    }
  }
  return { stack, source: 'state', input, stateKey, resources, outputs: outputsOf(state.outputs) };
}

function fromShowJson(stack: string, input: string, doc: Record<string, unknown>, stateKey?: string): StackEvidence {
  if ('planned_values' in doc || 'resource_changes' in doc || 'prior_state' in doc) {
    throw new DocumentError(
      input,
      '$',
      'this is the terraform show -json output of a plan (it has planned_values / resource_changes), not of a state: the audit judges what is deployed (terraform show -json without a plan file, or terraform state pull) or, without --state-dir, the desired configuration',
    );
  }
  const show = checkDocument(doc, input, { expected: SHOW_EXPECTED, schema: SHOW_STATE });
  if (!/^1\.\d+$/.test(show.format_version)) throw new DocumentError(input, '$.format_version', `show -json format_version ${JSON.stringify(show.format_version)} is not supported; expected 1.x (Terraform 1.1 and later)`);
  const resources: ResourceRecord[] = [];
  // Modules nest; walked with an explicit queue (the depth is bounded at the door anyway).
  const queue: Array<{ value: unknown; path: Array<string | number> }> = show.values?.root_module === undefined ? [] : [{ value: show.values.root_module, path: ['values', 'root_module'] }];
  while (queue.length > 0) {
    const { value, path } = queue.shift()!;
    const module = checkPart(value, input, path, SHOW_MODULE);
    for (const r of module.resources ?? []) {
      resources.push({ stack, address: r.address, mode: r.mode, type: r.type, name: r.name, ...(module.address ? { module: module.address } : {}), values: r.values ?? {} });
    }
    (module.child_modules ?? []).forEach((child, i) => queue.push({ value: child, path: [...path, 'child_modules', i] }));
  }
  return { stack, source: 'show-json', input, stateKey, resources, outputs: outputsOf(show.values?.outputs) };
}

/** A part of a document checked on its own, errors located from the document's root. */
function checkPart<T>(value: unknown, input: string, path: ReadonlyArray<string | number>, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  try {
    return checkDocument(value, input, { expected: SHOW_EXPECTED, schema });
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    const inner = e.jsonPath.slice(1);
    const prefix = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    throw new DocumentError(input, `$${prefix}${inner}`, e.problem);
  }
}

function outputsOf(outputs: z.infer<typeof OUTPUTS> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs ?? {}).map(([k, v]) => [k, v.value]));
}
