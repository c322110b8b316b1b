/**
 * Evidence values as text for people: strings as they are, everything else (policies, lists,
 * numbers) as compact JSON. Strings that hold a JSON document (a policy kept as a string)
 * are shown as compact JSON too, and strings that could not be read as they are (empty,
 * control characters, leading or trailing blanks) are shown quoted.
 */
export function valueText(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return stringText(value);
  return JSON.stringify(value) ?? String(value);
}

function stringText(value: string): string {
  const document = parsedJsonDocument(value);
  if (document !== undefined) return JSON.stringify(document);
  const unreadable = value === '' || /[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value;
  return unreadable ? JSON.stringify(value) : value;
}

/** The object or array a string holds as JSON, if it does. */
function parsedJsonDocument(value: string): object | undefined {
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
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
