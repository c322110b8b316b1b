import { embeddedJson } from '../../format/json-document';
import { JsonDepthError, orderedJson } from '../../format/stable-json';

/**
 * Evidence values as text for people: strings as they are, everything else (policies, lists,
 * numbers) as compact JSON. Strings that hold a JSON document (a policy kept as a string)
 * are shown as compact JSON too, and strings that could not be read as they are (empty,
 * control characters, leading or trailing blanks) are shown quoted. Never recursive on the
 * value's depth: a value too deep to write is named as such.
 */
export function valueText(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return stringText(value);
  return compactJson(value) ?? String(value);
}

function stringText(value: string): string {
  const document = embeddedJson(value);
  if (document !== undefined) return compactJson(document)!;
  const unreadable = value === '' || /[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value;
  return unreadable ? JSON.stringify(value) : value;
}

function compactJson(value: unknown): string | undefined {
  try {
    return orderedJson(value, 0);
  } catch (e) {
    if (e instanceof JsonDepthError) return `(a value nested deeper than ${e.limit} levels, not shown)`;
    throw e;
  }
}

/**
 * At most `maxChars` characters (code points, so an emoji is never cut in half), with a note of
 * how many were left out.
 */
export function shorten(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const omitted = chars.length - maxChars;
  return `${chars.slice(0, maxChars).join('')}… (${omitted} more ${omitted === 1 ? 'character' : 'characters'})`;
}
