import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * An input as a URI reference: a URI (`s3://bucket/key`) keeps its scheme and authority, an
 * absolute file path becomes a `file:` URI, and a relative path stays relative; path segments
 * are percent-encoded, so spaces, `#` or `?` in a file name stay part of it.
 */
export function inputUri(input: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(input);
  if (scheme) return scheme[1] + encodePath(scheme[2]);
  if (path.isAbsolute(input)) return pathToFileURL(input).href;
  return encodePath(input.replace(/\\/g, '/'));
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
