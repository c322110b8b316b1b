/**
 * JSON text that remembers where each Terraform block landed (byte offsets), so that a
 * diagnostic Terraform reports for a file lz wrote (its `range.start.byte`) can be traced back
 * to the block, and from there to the resource address and the construct path.
 */
export type JsonPath = ReadonlyArray<string | number>;

export interface Span {
  readonly path: JsonPath;
  readonly start: number;
  readonly end: number;
}

export interface TrackedJson {
  readonly text: string;
  readonly spans: ReadonlyArray<Span>;
}

/** How deep a block's identity goes under each top-level key of Terraform JSON. */
const BLOCK_DEPTH: Readonly<Record<string, number>> = { resource: 3, data: 3, output: 2, variable: 2, module: 2, provider: 2, moved: 2, removed: 2, import: 2, check: 2, ephemeral: 3 };

/** Spans are recorded for every Terraform block (resource.<type>.<name>, provider.aws[1], ...) and every top-level key. */
export function isTerraformBlockPath(path: JsonPath): boolean {
  if (path.length === 0) return false;
  const depth = BLOCK_DEPTH[String(path[0])] ?? 1;
  // A provider given as an array has one more level (provider.aws[0]).
  return path.length === depth || (path[0] === 'provider' && path.length === 3 && typeof path[2] === 'number') || path.length === 1;
}

export function trackedStringify(value: unknown, isBlock: (path: JsonPath) => boolean = isTerraformBlockPath): TrackedJson {
  const chunks: string[] = [];
  const spans: Span[] = [];
  let bytes = 0;
  const emit = (s: string) => {
    chunks.push(s);
    bytes += Buffer.byteLength(s, 'utf8');
  };
  const write = (v: unknown, path: JsonPath, indent: string) => {
    const start = bytes;
    if (Array.isArray(v)) {
      if (v.length === 0) emit('[]');
      else {
        emit('[\n');
        v.forEach((item, i) => {
          emit(`${indent} `);
          write(item, [...path, i], `${indent} `);
          emit(i < v.length - 1 ? ',\n' : '\n');
        });
        emit(`${indent}]`);
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length === 0) emit('{}');
      else {
        emit('{\n');
        entries.forEach(([k, x], i) => {
          emit(`${indent} ${JSON.stringify(k)}: `);
          write(x, [...path, k], `${indent} `);
          emit(i < entries.length - 1 ? ',\n' : '\n');
        });
        emit(`${indent}}`);
      }
    } else {
      emit(JSON.stringify(v) ?? 'null');
    }
    if (path.length > 0 && isBlock(path)) spans.push({ path, start, end: bytes });
  };
  write(value, [], '');
  emit('\n');
  return { text: chunks.join(''), spans };
}

/** The innermost recorded block that holds byte offset `byte`. */
export function blockAt(spans: ReadonlyArray<Span>, byte: number): Span | undefined {
  let best: Span | undefined;
  for (const s of spans) {
    if (s.start <= byte && byte < s.end && (!best || s.path.length > best.path.length)) best = s;
  }
  return best;
}

/** `resource.aws_s3_bucket.b` → `aws_s3_bucket.b`, `data.x.y` → `data.x.y`, `output.o` → `output.o`, `provider.aws[1]` → `provider.aws[1]`. */
export function addressOfPath(path: JsonPath): string {
  const [kind, ...rest] = path;
  if (kind === 'resource') return rest.join('.');
  if (kind === 'provider' && typeof rest[1] === 'number') return `provider.${String(rest[0])}[${rest[1]}]`;
  if (typeof rest[0] === 'number') return `${String(kind)}[${rest[0]}]`;
  return [kind, ...rest].join('.');
}
