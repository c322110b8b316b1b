import fc from 'fast-check';
import { z } from 'zod';
import { checkDocument, deepestPath, DocumentError, jsonPath, parseDocument } from '../../format/json-document';
import { compactStableJson, jsonDepth, JsonDepthError, MAX_JSON_DEPTH, orderedJson, stableStringify } from '../../format/stable-json';

/** The recursive stable stringifier this module replaced: the reference for ordinary data. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sortKeys(value), null, 2);
}

describe('stable JSON', () => {
  test('byte-identical to the recursive stringifier on generated JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(stableStringify(value)).toBe(reference(value));
        expect(compactStableJson(value)).toBe(JSON.stringify(JSON.parse(reference(value))));
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  test('a value nested 100,000 deep: a JsonDepthError, not a stack overflow; 1,000 levels are written', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
    expect(jsonDepth(deep)).toBe(200_000);
    expect(() => stableStringify(deep)).toThrow(new JsonDepthError(MAX_JSON_DEPTH));
    expect(() => orderedJson(deep)).toThrow(JsonDepthError);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = [ok];
    expect(compactStableJson(ok)).toBe(`${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`);
  });

  test('a "__proto__" key stays data', () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"polluted":true}}');
    expect(stableStringify(parsed)).toBe('{\n  "__proto__": {\n    "polluted": true\n  },\n  "b": 1\n}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('documents at the door', () => {
  const kind = { expected: 'a test document', schema: z.strictObject({ name: z.string(), items: z.array(z.strictObject({ n: z.number().int() })) }) };

  test.each<[string, string, string]>([
    ['empty', '  ', 'doc.json: empty; expected a test document'],
    ['a byte order mark is not a problem', '\uFEFF{"name":"x","items":[]}', ''],
    ['not JSON', '{"name":', 'doc.json: not JSON'],
    ['a wrong type', '{"name":1,"items":[]}', 'doc.json: at $.name: expected a string, found number 1'],
    ['deep in an array', '{"name":"x","items":[{"n":1},{"n":"2"}]}', 'doc.json: at $.items[1].n: expected a number, found "2"'],
    ['an unknown field', '{"name":"x","items":[],"more":1}', 'doc.json: unknown field "more": this reader does not know it, so the document is not used'],
    ['too deep', `{"name":"x","items":${'['.repeat(200)}${']'.repeat(200)}}`, 'doc.json: at $.items[0][0][0][0][0][0][0][0][0][0]…: nested deeper than 128 levels'],
  ])('%s', (_name, text, message) => {
    if (!message) expect(parseDocument(text, 'doc.json', kind)).toEqual({ name: 'x', items: [] });
    else {
      expect(() => parseDocument(text, 'doc.json', kind)).toThrow(DocumentError);
      expect(() => parseDocument(text, 'doc.json', kind)).toThrow(message);
    }
  });

  test('JSON paths quote keys that are not identifiers', () => {
    expect(jsonPath(['a', 0, 'b c', '"x"'])).toBe('$.a[0]["b c"]["\\"x\\""]');
    expect(deepestPath({ ok: 1, s: '[[[[1]]]]' }, 3)).toBe('$.s (JSON in the string)');
    expect(deepestPath({ ok: 1, s: '[[1]]' }, 3)).toBeUndefined();
  });

  test('never throws anything but a DocumentError, whatever the value', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        try {
          checkDocument(value, 'doc.json', kind);
        } catch (e) {
          expect(e).toBeInstanceOf(DocumentError);
          expect((e as Error).message).toMatch(/^doc\.json: /);
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
