import { stableStringify } from '../../format/stable-json';
import { fakeValue, isIdentityAttribute } from './fake-values';
import { CtyType, ProviderSchema, ResourceSchema, SchemaAttribute, SchemaBlock } from './provider-schema';
import { parseTemplate, parseTraversal, TraversalStep } from '../../terraform/template-syntax';
import { normalizeSource } from './toolchain';
import { providerBlocks, providerLocalNames, TerraformJson } from './work-copy';

/**
 * The state a stack would have if its configuration had been applied: every resource instance
 * with its configured arguments (references resolved against the other derived instances) and
 * the attributes only the cloud knows that configurations refer to (ids, ARNs, names, URLs)
 * filled with stand-in values of the type and shape the provider schema declares (see
 * fake-values.ts); its other computed attributes stay null. Data sources get stand-ins for
 * every computed attribute. A reference this code cannot resolve (a
 * function call, an operator) gets a stand-in too; the local plan then lets Terraform evaluate
 * the configuration against this state and takes its planned values (normalization, in
 * local-plan.ts), so that provider defaults and computed tags also come from the provider.
 */
export const UNKNOWN = Symbol('unknown');
type Value = unknown;
type Obj = Record<string, unknown>;

const META = new Set(['//', 'lifecycle', 'depends_on', 'provider', 'provisioner', 'connection', 'count', 'for_each', 'dynamic']);

export interface DerivedInstance {
  readonly indexKey?: number | string;
  readonly attributes: Obj;
  /** Paths of the values the schema marks sensitive, in state form (`[[{"type":"get_attr","value":"password"}]]`). */
  readonly sensitivePaths: unknown[];
  /** Configured top-level attributes whose expressions this code could not evaluate (they hold stand-ins). */
  readonly unresolved: ReadonlyArray<string>;
}

export interface DerivedResource {
  readonly mode: 'managed';
  readonly type: string;
  readonly name: string;
  /** Provider address inside the module: `provider["registry.terraform.io/hashicorp/aws"]` or `...].tenant`. */
  readonly provider: string;
  readonly schemaVersion: number;
  readonly instances: ReadonlyArray<DerivedInstance>;
}

export interface DerivedOutput {
  readonly value: unknown;
  readonly type: unknown;
  readonly sensitive: boolean;
}

export interface DerivationOptions {
  /** Stack name (part of every stand-in key). */
  readonly stack: string;
  /** The stack's synthesized configuration. */
  readonly json: TerraformJson;
  readonly schemas: ReadonlyMap<string, ProviderSchema>;
  /** The outputs of the state a `terraform_remote_state` data source reads, or undefined when none stands in. */
  readonly remoteOutputs: (name: string, block: Obj) => Readonly<Record<string, unknown>> | undefined;
}

interface Scope {
  readonly countIndex?: number;
  readonly eachKey?: string;
  readonly eachValue?: unknown;
}

export class DerivationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerivationError';
  }
}

export class StackDerivation {
  /** What could not be derived, for the report. */
  readonly notes: string[] = [];
  private readonly resources = new Map<string, DerivedResource | null>();
  private readonly inProgress = new Set<string>();
  private readonly dataValues = new Map<string, unknown>();
  private readonly localNames: Map<string, string>;

  constructor(private readonly o: DerivationOptions) {
    this.localNames = providerLocalNames(o.json);
  }

  private get managed(): Record<string, Record<string, Obj>> {
    return (this.o.json.resource ?? {}) as Record<string, Record<string, Obj>>;
  }

  private get data(): Record<string, Record<string, Obj>> {
    return (this.o.json.data ?? {}) as Record<string, Record<string, Obj>>;
  }

  /** Every managed resource of the stack, derived. */
  allResources(): DerivedResource[] {
    const out: DerivedResource[] = [];
    for (const [type, byName] of Object.entries(this.managed)) {
      for (const name of Object.keys(byName)) {
        const r = this.resource(type, name);
        if (r) out.push(r);
      }
    }
    return out;
  }

  /** One managed resource, derived (null when it cannot be: no schema, or count/for_each not known). */
  resource(type: string, name: string): DerivedResource | null {
    const key = `${type}.${name}`;
    if (this.resources.has(key)) return this.resources.get(key)!;
    const block = this.managed[type]?.[name];
    if (!block) return null;
    if (this.inProgress.has(key)) throw new DerivationError(`${this.o.stack}: ${key} refers to itself through its references`);
    this.inProgress.add(key);
    try {
      const derived = this.deriveResource(type, name, block);
      this.resources.set(key, derived);
      return derived;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private providerOf(type: string, block: Obj): { local: string; alias?: string; source: string } {
    const ref = typeof block.provider === 'string' ? block.provider : type.split('_')[0];
    const [local, alias] = ref.split('.');
    return { local, ...(alias ? { alias } : {}), source: this.localNames.get(local) ?? normalizeSource(local) };
  }

  private schemaOf(kind: 'resource' | 'data', type: string, block: Obj): ResourceSchema | undefined {
    const p = this.providerOf(type, block);
    const schema = this.o.schemas.get(p.source);
    return kind === 'resource' ? schema?.resource_schemas[type] : schema?.data_source_schemas[type];
  }

  /** Region and account of the provider configuration a block uses, for ARN-shaped stand-ins. */
  private placeOf(type: string, block: Obj): { region: string; account: string } {
    const p = this.providerOf(type, block);
    const cfg = providerBlocks(this.o.json, p.local).find((b) => (p.alias ? b.alias === p.alias : b.alias === undefined));
    const region = cfg ? this.evaluate(cfg.region, {}) : undefined;
    const accounts = cfg ? this.evaluate(cfg.allowed_account_ids, {}) : undefined;
    const account = Array.isArray(accounts) && typeof accounts[0] === 'string' && /^\d{12}$/.test(accounts[0]) ? accounts[0] : '123456789012';
    return { region: typeof region === 'string' ? region : 'us-east-1', account };
  }

  private deriveResource(type: string, name: string, block: Obj): DerivedResource | null {
    const schema = this.schemaOf('resource', type, block);
    const p = this.providerOf(type, block);
    if (!schema) {
      this.notes.push(`${type}.${name}: the ${p.source} schema has no resource type ${type}; it is left out of the derived state`);
      return null;
    }
    const scopes = this.instanceScopes(`${type}.${name}`, block);
    if (!scopes) return null;
    const place = this.placeOf(type, block);
    const instances = scopes.map(({ indexKey, scope }) => {
      const keyBase = `${this.o.stack}/${type}.${name}${indexKey === undefined ? '' : `[${JSON.stringify(indexKey)}]`}`;
      const attributes = this.deriveBlock(schema.block, block, scope, { keyBase, type, ...place, nonEmpty: false });
      const unresolved = Object.keys(block).filter((k) => !META.has(k) && containsUnknown(this.evaluate(block[k], scope)));
      return { ...(indexKey === undefined ? {} : { indexKey }), attributes, sensitivePaths: sensitivePaths(schema.block, attributes), unresolved };
    });
    return {
      mode: 'managed',
      type,
      name,
      provider: `provider[${JSON.stringify(p.source)}]${p.alias ? `.${p.alias}` : ''}`,
      schemaVersion: schema.version ?? 0,
      instances,
    };
  }

  private instanceScopes(address: string, block: Obj): Array<{ indexKey?: number | string; scope: Scope }> | null {
    if (block.count !== undefined) {
      const n = this.evaluate(block.count, {});
      if (typeof n !== 'number' && !(typeof n === 'string' && /^\d+$/.test(n))) {
        this.notes.push(`${address}: its count is not known before apply here; it is left out of the derived state`);
        return null;
      }
      return Array.from({ length: Number(n) }, (_, i) => ({ indexKey: i, scope: { countIndex: i } }));
    }
    if (block.for_each !== undefined) {
      const v = this.evaluate(block.for_each, {});
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).map((k) => ({ indexKey: k, scope: { eachKey: k, eachValue: k } }));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v as Obj).map(([k, x]) => ({ indexKey: k, scope: { eachKey: k, eachValue: x } }));
      this.notes.push(`${address}: its for_each is not known before apply here; it is left out of the derived state`);
      return null;
    }
    return [{ scope: {} }];
  }

  private deriveBlock(schema: SchemaBlock, config: Obj | undefined, scope: Scope, c: { keyBase: string; type: string; region: string; account: string; nonEmpty: boolean }): Obj {
    const out: Obj = {};
    for (const [name, attr] of Object.entries(schema.attributes ?? {})) {
      const key = `${c.keyBase}.${name}`;
      const fake = (t: CtyType | undefined) => fakeValue(t, { key, name, resourceType: c.type, region: c.region, account: c.account, nonEmptyCollections: c.nonEmpty });
      const configured = config && !META.has(name) ? config[name] : undefined;
      if (configured !== undefined && configured !== null) {
        out[name] = this.attributeValue(attr, this.evaluate(configured, scope), fake, { ...c, keyBase: key });
      } else if (attr.computed && (c.nonEmpty || isIdentityAttribute(name))) {
        out[name] = attr.nested_type ? this.nestedDefault(attr, c.nonEmpty, (a) => this.deriveNested(a, undefined, { ...c, keyBase: key })) : fake(attr.type);
      } else if (attr.computed) {
        // Empty, not null: the SDK provider plans a null computed collection as "known after apply".
        out[name] = emptyCollection(attr);
      } else {
        out[name] = null;
      }
    }
    for (const [name, bt] of Object.entries(schema.block_types ?? {})) {
      const key = `${c.keyBase}.${name}`;
      const configured = config?.[name];
      const items = configured === undefined || configured === null ? [] : Array.isArray(configured) ? (configured as Obj[]) : [configured as Obj];
      const derive = (item: Obj | undefined, i: number | string) => this.deriveBlock(bt.block, item, scope, { ...c, keyBase: `${key}[${JSON.stringify(i)}]` });
      switch (bt.nesting_mode) {
        case 'list':
        case 'set':
          out[name] = items.map((item, i) => derive(item, i));
          break;
        case 'map':
          out[name] = Object.fromEntries(Object.entries(items[0] ?? {}).map(([k, v]) => [k, derive(v as Obj, k)]));
          break;
        case 'group':
          out[name] = derive(items[0], 0);
          break;
        default:
          out[name] = items.length > 0 ? derive(items[0], 0) : null;
      }
    }
    return out;
  }

  /** A configured value in the attribute's type; what cannot be evaluated becomes a stand-in. */
  private attributeValue(attr: SchemaAttribute, value: Value, fake: (t: CtyType | undefined) => unknown, c: { keyBase: string; type: string; region: string; account: string; nonEmpty: boolean }): unknown {
    if (attr.nested_type) {
      const nt = attr.nested_type;
      const derive = (v: Value, k: string | number) => this.deriveNested(attr, v === UNKNOWN ? undefined : (v as Obj), { ...c, keyBase: `${c.keyBase}[${JSON.stringify(k)}]` });
      if (value === UNKNOWN) return this.nestedDefault(attr, c.nonEmpty, (a) => this.deriveNested(a, undefined, c));
      if (nt.nesting_mode === 'single') return value === null ? null : derive(value, 0);
      if (nt.nesting_mode === 'map') return Object.fromEntries(Object.entries((value ?? {}) as Obj).map(([k, v]) => [k, derive(v, k)]));
      const list = Array.isArray(value) ? value : [value];
      return list.map((v, i) => derive(v, i));
    }
    return convert(value, attr.type, fake);
  }

  private deriveNested(attr: SchemaAttribute, config: Obj | undefined, c: { keyBase: string; type: string; region: string; account: string; nonEmpty: boolean }): Obj {
    return this.deriveBlock({ attributes: attr.nested_type!.attributes }, config, {}, c);
  }

  private nestedDefault(attr: SchemaAttribute, nonEmpty: boolean, one: (a: SchemaAttribute) => Obj): unknown {
    const mode = attr.nested_type!.nesting_mode;
    if (mode === 'single') return one(attr);
    if (mode === 'map') return {};
    return nonEmpty ? [one(attr)] : [];
  }

  /** The stand-in value of a data source (not terraform_remote_state): its configuration plus stand-ins keyed by that configuration. */
  dataStandIn(type: string, name: string): unknown {
    const key = `${type}.${name}`;
    if (this.dataValues.has(key)) return this.dataValues.get(key);
    const block = this.data[type]?.[name];
    if (!block) return UNKNOWN;
    const schema = this.schemaOf('data', type, block);
    if (!schema) throw new DerivationError(`${this.o.stack}: the provider schema has no data source ${type}`);
    const config = this.evaluate(Object.fromEntries(Object.entries(block).filter(([k]) => !META.has(k))), {});
    // Keyed by what it asks for: a data source that asks for something else gets other values.
    const keyBase = `${type}:${stableStringify(replaceUnknown(config))}`;
    const value = this.deriveBlock(schema.block, config as Obj, {}, { keyBase, type, ...this.placeOf(type, block), nonEmpty: true });
    this.dataValues.set(key, value);
    return value;
  }

  /** Every data source other than terraform_remote_state, with its stand-in value, by `type.name`. */
  dataStandIns(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [type, byName] of Object.entries(this.data)) {
      if (type === 'terraform_remote_state') continue;
      for (const name of Object.keys(byName)) out.set(`${type}.${name}`, replaceUnknown(this.dataStandIn(type, name)));
    }
    return out;
  }

  /** The stack's outputs evaluated against the derived state (what a remote state data source of another stack reads). */
  outputs(): Record<string, DerivedOutput> {
    const out: Record<string, DerivedOutput> = {};
    for (const [name, block] of Object.entries((this.o.json.output ?? {}) as Record<string, Obj>)) {
      const value = this.evaluate(block.value, {});
      if (containsUnknown(value)) {
        this.notes.push(`output ${name} cannot be derived here (its expression is not a plain reference); stacks that read it get no value`);
        continue;
      }
      out[name] = { value, type: impliedType(value), sensitive: block.sensitive === true };
    }
    return out;
  }

  /** A configuration value with every interpolation this code understands resolved (UNKNOWN where not). */
  evaluate(value: unknown, scope: Scope): Value {
    if (typeof value === 'string') return this.evaluateTemplate(value, scope);
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v, scope));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, this.evaluate(v, scope)]));
    return value;
  }

  private evaluateTemplate(text: string, scope: Scope): Value {
    let parts;
    try {
      parts = parseTemplate(text);
    } catch {
      return UNKNOWN;
    }
    if (parts.length === 1 && 'expression' in parts[0]) return this.evaluateExpression(parts[0].expression, scope);
    let out = '';
    for (const p of parts) {
      if ('literal' in p) out += p.literal;
      else if ('directive' in p) return UNKNOWN;
      else {
        const v = this.evaluateExpression(p.expression, scope);
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out += String(v);
        else return UNKNOWN;
      }
    }
    return out;
  }

  private evaluateExpression(expression: string, scope: Scope): Value {
    const steps = parseTraversal(expression);
    if (!steps) {
      const literal = /^\s*(-?\d+(?:\.\d+)?|true|false|null)\s*$/.exec(expression);
      return literal ? JSON.parse(literal[1]) : UNKNOWN;
    }
    const [root, ...rest] = steps;
    switch (root) {
      case 'count':
        return rest[0] === 'index' && scope.countIndex !== undefined ? scope.countIndex : UNKNOWN;
      case 'each':
        if (rest[0] === 'key' && scope.eachKey !== undefined) return scope.eachKey;
        if (rest[0] === 'value' && scope.eachKey !== undefined) return walk(scope.eachValue, rest.slice(1));
        return UNKNOWN;
      case 'local': {
        const locals = (this.o.json.locals ?? {}) as Obj;
        return typeof rest[0] === 'string' && rest[0] in locals ? walk(this.evaluate(locals[rest[0]], {}), rest.slice(1)) : UNKNOWN;
      }
      case 'var': {
        const v = ((this.o.json.variable ?? {}) as Record<string, Obj>)[String(rest[0])];
        return v && 'default' in v ? walk(v.default, rest.slice(1)) : UNKNOWN;
      }
      case 'data':
        return this.dataReference(rest);
      default:
        return this.resourceReference(String(root), rest);
    }
  }

  private dataReference(steps: TraversalStep[]): Value {
    const [type, name] = steps.map(String);
    const block = this.data[type]?.[name];
    if (!block) return UNKNOWN;
    if (type === 'terraform_remote_state') {
      const outputs = this.o.remoteOutputs(name, block);
      if (!outputs) return UNKNOWN;
      return walk({ backend: block.backend, config: block.config, outputs, defaults: block.defaults ?? null, workspace: block.workspace ?? null }, steps.slice(2));
    }
    return walk(this.dataStandIn(type, name), steps.slice(2));
  }

  private resourceReference(type: string, steps: TraversalStep[]): Value {
    const [name, ...rest] = steps;
    if (typeof name !== 'string' || !this.managed[type]?.[name]) return UNKNOWN;
    const r = this.resource(type, name);
    if (!r) return UNKNOWN;
    const block = this.managed[type][name];
    if (block.count === undefined && block.for_each === undefined) return walk(r.instances[0]?.attributes, rest);
    if (typeof rest[0] === 'number' || (typeof rest[0] === 'string' && block.for_each !== undefined && r.instances.some((i) => i.indexKey === rest[0]))) {
      return walk(r.instances.find((i) => i.indexKey === rest[0])?.attributes, rest.slice(1));
    }
    return block.count !== undefined ? walk(r.instances.map((i) => i.attributes), rest) : walk(Object.fromEntries(r.instances.map((i) => [String(i.indexKey), i.attributes])), rest);
  }
}

function walk(value: Value, steps: ReadonlyArray<TraversalStep>): Value {
  let cur = value;
  for (const s of steps) {
    if (cur === UNKNOWN || cur === null || cur === undefined) return UNKNOWN;
    if (typeof s === 'number') {
      if (Array.isArray(cur)) cur = cur[s];
      else if (typeof cur === 'object') cur = (cur as Obj)[String(s)];
      else return UNKNOWN;
    } else if (typeof cur === 'object' && !Array.isArray(cur)) {
      if (!(s in (cur as Obj))) return UNKNOWN;
      cur = (cur as Obj)[s];
    } else return UNKNOWN;
    if (cur === undefined) return UNKNOWN;
  }
  return cur;
}

type PathStep = { type: 'get_attr'; value: string } | { type: 'index'; value: { value: number | string; type: 'number' | 'string' } };

/**
 * Where a derived value holds attributes the schema marks sensitive: Terraform records them in
 * state, and a prior state without the marks would plan an update of every such resource.
 */
export function sensitivePaths(schema: SchemaBlock, value: unknown, prefix: PathStep[] = []): PathStep[][] {
  const out: PathStep[][] = [];
  const obj = (value ?? {}) as Obj;
  for (const [name, attr] of Object.entries(schema.attributes ?? {})) {
    const p: PathStep[] = [...prefix, { type: 'get_attr', value: name }];
    if (attr.sensitive) out.push(p);
    else if (attr.nested_type) out.push(...nestedPaths({ attributes: attr.nested_type.attributes }, attr.nested_type.nesting_mode, obj[name], p));
  }
  for (const [name, bt] of Object.entries(schema.block_types ?? {})) out.push(...nestedPaths(bt.block, bt.nesting_mode, obj[name], [...prefix, { type: 'get_attr', value: name }]));
  return out;
}

function nestedPaths(block: SchemaBlock, mode: string, value: unknown, p: PathStep[]): PathStep[][] {
  if (value === null || value === undefined) return [];
  if (mode === 'list' && Array.isArray(value)) return value.flatMap((v, i) => sensitivePaths(block, v, [...p, { type: 'index', value: { value: i, type: 'number' } }]));
  if (mode === 'map' && typeof value === 'object') return Object.entries(value as Obj).flatMap(([k, v]) => sensitivePaths(block, v, [...p, { type: 'index', value: { value: k, type: 'string' } }]));
  if (mode === 'single' || mode === 'group') return sensitivePaths(block, value, p);
  // Set elements have no stable path: the whole set is marked when anything in it is sensitive.
  return hasSensitive(block) ? [p] : [];
}

function hasSensitive(block: SchemaBlock): boolean {
  return Object.values(block.attributes ?? {}).some((a) => a.sensitive || (a.nested_type && hasSensitive({ attributes: a.nested_type.attributes }))) || Object.values(block.block_types ?? {}).some((b) => hasSensitive(b.block));
}

function emptyCollection(attr: SchemaAttribute): unknown {
  const mode = attr.nested_type?.nesting_mode;
  if (mode) return mode === 'list' || mode === 'set' ? [] : mode === 'map' ? {} : null;
  const kind = Array.isArray(attr.type) ? attr.type[0] : undefined;
  return kind === 'list' || kind === 'set' ? [] : kind === 'map' ? {} : null;
}

export function containsUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v as Obj).some(containsUnknown);
  return false;
}

function replaceUnknown(v: Value): unknown {
  if (v === UNKNOWN) return null;
  if (Array.isArray(v)) return v.map(replaceUnknown);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, replaceUnknown(x)]));
  return v;
}

/** A JSON value converted to a cty type as Terraform would (numbers and bools from strings and back); UNKNOWN becomes a stand-in. */
export function convert(value: Value, type: CtyType | undefined, fake: (t: CtyType | undefined) => unknown): unknown {
  if (value === UNKNOWN) return fake(type);
  if (value === null || value === undefined) return null;
  if (type === undefined || type === 'dynamic') return replaceUnknown(value);
  if (type === 'string') {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return fake(type);
  }
  if (type === 'number') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return fake(type);
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return fake(type);
  }
  const [kind, inner] = type as [string, unknown];
  if (kind === 'list' || kind === 'set') return Array.isArray(value) ? value.map((v) => convert(v, inner as CtyType, fake)) : fake(type);
  if (kind === 'map') return typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, convert(v, inner as CtyType, fake)])) : fake(type);
  if (kind === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return fake(type);
    const attrs = inner as Record<string, CtyType>;
    return Object.fromEntries(Object.entries(attrs).map(([k, t]) => [k, convert((value as Obj)[k] ?? null, t, fake)]));
  }
  if (kind === 'tuple') return Array.isArray(value) ? (inner as CtyType[]).map((t, i) => convert(value[i] ?? null, t, fake)) : fake(type);
  return replaceUnknown(value);
}

/** The cty type Terraform records for an output value in state. */
export function impliedType(v: unknown): unknown {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return 'dynamic';
  if (Array.isArray(v)) return ['tuple', v.map(impliedType)];
  return ['object', Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, impliedType(x)]))];
}
