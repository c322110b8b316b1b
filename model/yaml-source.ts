import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Node } from 'yaml';
import { Diagnostic, formatPath } from './diagnostics';
import { DISK, FileSource } from './file-source';

/** Manifests are small; anything larger is a mistake (a generated dump, a binary) and is refused. */
export const MAX_YAML_BYTES = 256 * 1024;
/** Alias expansion cap: stops "billion laughs" documents from exhausting memory. */
const MAX_ALIAS_COUNT = 50;

export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

export type YamlReadResult =
  | { readonly ok: true; readonly source: YamlSource; readonly data: unknown }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

function fileError(file: string, message: string, expected?: string, line = 0, column = 0): Diagnostic {
  return { severity: 'error', file, line, column, field: '', message, expected, code: 'file' };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function lineAndColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first line of a yaml library error, without its own "at line X, column Y" suffix. */
function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0];
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Decodes and parses one YAML document. Every way a file can fail before it is a mapping
 * (too large, not UTF-8, binary, empty, several documents, syntax errors, not a mapping)
 * becomes a located diagnostic instead of an exception.
 */
export function parseYamlBytes(file: string, bytes: Uint8Array, what: string): YamlReadResult {
  if (bytes.length > MAX_YAML_BYTES) {
    return {
      ok: false,
      diagnostics: [
        fileError(file, `file is ${bytes.length} bytes, larger than the ${MAX_YAML_BYTES}-byte limit for a ${what}`, `a ${what} of at most ${MAX_YAML_BYTES / 1024} KiB`),
      ],
    };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, diagnostics: [fileError(file, 'file is encoded as UTF-16', 'UTF-8 text (save the file as UTF-8)', 1, 1)] };
  }
  const bad = firstInvalidUtf8Byte(bytes);
  if (bad >= 0) {
    const pos = lineAndColumnOfByte(bytes, bad);
    return {
      ok: false,
      diagnostics: [fileError(file, `file is not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}`, 'UTF-8 text', pos.line, pos.column)],
    };
  }
  let text = Buffer.from(bytes).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const pos = lineAndColumnOfByte(bytes, Buffer.byteLength(text.slice(0, nul)));
    return { ok: false, diagnostics: [fileError(file, 'file contains a NUL character: it looks binary', `a YAML ${what}`, pos.line, pos.column)] };
  }

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  const list = Array.isArray(docs) ? docs : [];
  const nonEmpty = list.filter((d) => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length === 0) {
    return { ok: false, diagnostics: [fileError(file, 'file is empty', `a YAML mapping: a ${what}`)] };
  }
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1];
    const pos = lineCounter.linePos(second.range[0]);
    return {
      ok: false,
      diagnostics: [fileError(file, `file holds ${nonEmpty.length} YAML documents`, `exactly one ${what} per file`, pos.line, pos.col)],
    };
  }
  const doc = nonEmpty[0];
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return {
          severity: 'error' as const,
          file,
          line: pos.line,
          column: pos.col,
          field: '',
          message: `YAML syntax error: ${cleanYamlMessage(e.message)}`,
          expected: 'well-formed YAML',
          code: 'yaml-syntax',
        };
      }),
    };
  }
  if (!isMap(doc.contents)) {
    const pos = doc.contents ? lineCounter.linePos(doc.contents.range?.[0] ?? 0) : { line: 1, col: 1 };
    const kind = isSeq(doc.contents) ? 'a list' : isScalar(doc.contents) ? `the scalar ${JSON.stringify(doc.contents.value)}` : 'not a mapping';
    return { ok: false, diagnostics: [fileError(file, `document is ${kind}`, `a YAML mapping (key: value lines): a ${what}`, pos.line, pos.col)] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { ok: false, diagnostics: [fileError(file, `cannot read document: ${(e as Error).message}`, `a plain YAML ${what} without excessive aliases`, 1, 1)] };
  }
  return { ok: true, source: { file, doc, lineCounter }, data };
}

export function readYamlFile(file: string, displayName: string, what: string, files: FileSource = DISK): YamlReadResult {
  const bytes = readYamlBytes(file, displayName, what, files);
  return Buffer.isBuffer(bytes) ? parseYamlBytes(displayName, bytes, what) : { ok: false, diagnostics: bytes };
}

/** The bytes of a YAML file, or located diagnostics when it is not a readable regular file of acceptable size. */
export function readYamlBytes(file: string, displayName: string, what: string, files: FileSource = DISK): Buffer | Diagnostic[] {
  let bytes: Buffer;
  try {
    const stat = files.stat(file);
    if (!stat.isFile) return [fileError(displayName, 'not a regular file', `a YAML ${what}`)];
    if (stat.size > MAX_YAML_BYTES) return [fileError(displayName, `file is ${stat.size} bytes, larger than the ${MAX_YAML_BYTES}-byte limit for a ${what}`, `a ${what} of at most ${MAX_YAML_BYTES / 1024} KiB`)];
    bytes = files.read(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'file does not exist' : `cannot read file (${err.code ?? err.message})`;
    return [fileError(displayName, why, `a readable YAML ${what}`)];
  }
  return bytes;
}

/**
 * The source of bytes that parsed cleanly before (validation cache): parsed again only when a
 * later check needs a location in it.
 */
export function lazyYamlSource(file: string, bytes: Uint8Array, what: string): YamlSource {
  let parsed: YamlSource | undefined;
  const get = (): YamlSource => {
    if (!parsed) {
      const read = parseYamlBytes(file, bytes, what);
      if (!read.ok) throw new Error(`${file}: cached as valid YAML but no longer parses`);
      parsed = read.source;
    }
    return parsed;
  };
  return {
    file,
    get doc() {
      return get().doc;
    },
    get lineCounter() {
      return get().lineCounter;
    },
  };
}

export interface Location {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a field path points in the source. For `key: true` the key itself (used for unknown
 * fields); otherwise the value. A path that does not exist (a missing field) resolves to the
 * deepest existing ancestor, so "required field missing" points at the mapping that lacks it.
 */
export function locate(source: YamlSource, path: ReadonlyArray<PropertyKey>, opts: { key?: boolean } = {}): Location {
  let node: unknown = source.doc.contents;
  let best: [number, number] | undefined = (node as Node | null)?.range as [number, number] | undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const keyRange = (pair.key as Node).range as [number, number] | undefined;
      if (last && opts.key) {
        best = keyRange ?? best;
        break;
      }
      const value = pair.value as Node | null;
      best = (value?.range as [number, number] | undefined) ?? keyRange ?? best;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      best = (item.range as [number, number] | undefined) ?? best;
      node = item;
    } else {
      break;
    }
  }
  if (!best) return { line: 1, column: 1 };
  const pos = source.lineCounter.linePos(best[0]);
  return { line: pos.line, column: pos.col };
}

export function locatedError(
  source: YamlSource,
  path: ReadonlyArray<PropertyKey>,
  code: string,
  message: string,
  expected?: string,
  opts: { key?: boolean; severity?: 'error' | 'warning' } = {},
): Diagnostic {
  const loc = locate(source, path, opts);
  return {
    severity: opts.severity ?? 'error',
    file: source.file,
    line: loc.line,
    column: loc.column,
    field: formatPath(path),
    message,
    expected,
    code,
  };
}
