/** Text for HTML element content or a double-quoted attribute value. */
export function htmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON for a `<script type="application/json">` element. Every `<` is written as `\u003c`, which
 * JSON.parse reads back as `<`, so no `</script` or `<!--` in the data can end or confuse the
 * element; U+2028 and U+2029 are escaped too, for editors that treat them as line ends.
 */
export function scriptJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
