/**
 * Characters that make text say something other than what a reviewer sees. A zero-width space
 * inside `cron(0 3 * * ? *)` passes a pattern check and fails only at apply; a right-to-left
 * override in a display name reorders what a pull-request diff, a log line or a report shows.
 * The manifest schemas reject them (model/schema/common.ts `visibleText`), with the code point
 * and its position.
 */
export type TextKind = 'machine' | 'display';

export const HIDDEN_CHARACTER_RULES: Readonly<Record<TextKind, string>> = {
  machine: 'control characters, invisible format characters (zero-width, bidirectional), line separators or spaces other than U+0020',
  display: 'control characters, bidirectional overrides or isolates, or zero-width spaces',
};

/** Bidirectional embeddings, overrides, isolates and marks (Unicode Bidi_Control). */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const CONTROL = /\p{Cc}/u;
/** Zero-width and invisible characters that are never needed in a name (ZWJ and ZWNJ are: some scripts and emoji use them). */
const INVISIBLE_IN_DISPLAY = /[\u200b\u2060-\u2064\ufeff\u2028\u2029]/u;
const FORMAT = /[\p{Cf}\p{Zl}\p{Zp}]/u;
const NON_ASCII_SPACE = /(?! )\p{Zs}/u;

export interface HiddenCharacter {
  /** UTF-16 index in the text. */
  readonly index: number;
  /** Hexadecimal code point, e.g. `200B`. */
  readonly codePoint: string;
  readonly description: string;
}

function describe(ch: string, kind: TextKind, multiline: boolean): string | undefined {
  if (CONTROL.test(ch)) return multiline && (ch === '\n' || ch === '\t') ? undefined : 'a control character';
  if (BIDI_CONTROL.test(ch)) return 'a bidirectional control character';
  if (kind === 'display') return INVISIBLE_IN_DISPLAY.test(ch) ? 'an invisible character' : undefined;
  if (FORMAT.test(ch)) return 'an invisible format character';
  if (NON_ASCII_SPACE.test(ch)) return 'a space other than U+0020';
  return undefined;
}

/** Diagnostics code of a hidden character; it replaces any other finding on the same field. */
export const HIDDEN_CHARACTER_CODE = 'hidden-character';

/** `text` with every character that would not show (or would reorder the line) written as `\u{...}`. */
export function revealHidden(text: string): string {
  let out = '';
  for (const ch of text) out += describe(ch, 'machine', false) ? `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}` : ch;
  return out;
}

/** The first character `kind` text must not hold, or undefined. */
export function hiddenCharacter(text: string, kind: TextKind, opts: { multiline?: boolean } = {}): HiddenCharacter | undefined {
  let index = 0;
  for (const ch of text) {
    const description = describe(ch, kind, opts.multiline === true);
    if (description) return { index, codePoint: ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'), description };
    index += ch.length;
  }
  return undefined;
}

/**
 * The markers the synthesizer (CDKTF) uses for references inside strings. Manifest or settings
 * text holding one would be read as a reference to another resource's attribute, which no
 * escaping can tell apart from a real one; they are refused wherever they appear.
 */
export const SYNTHESIZER_TOKEN_MARKERS = ['${TfToken[', '#{TfToken[', '&{TfToken['] as const;

export function synthesizerTokenMarker(text: string): string | undefined {
  return SYNTHESIZER_TOKEN_MARKERS.find((m) => text.includes(m));
}
