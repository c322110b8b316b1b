/**
 * Escaping for XML 1.0 text and attribute values. Characters XML 1.0 forbids even as character
 * references (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF; lone
 * surrogates) are written as visible `\uXXXX` text, so the document stays well-formed and the
 * reader still sees that something was there.
 */
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function withoutForbidden(text: string): string {
  return text.replace(FORBIDDEN_IN_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Element content. Carriage returns are kept as references (a parser would turn them into line feeds). */
export function xmlText(text: string): string {
  return withoutForbidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** A double-quoted attribute value; tabs and line breaks as references so attribute normalization keeps them. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
