/**
 * IAM-style wildcard matching (`*` any run of characters, `?` one character, case-insensitive,
 * as IAM matches action names) without regular expressions: the pattern is split at its stars,
 * the first and last pieces are anchored, and each middle piece is taken at its leftmost
 * place. Taking the leftmost place is always right for a piece between two stars, so nothing is
 * ever retried: the work is at most the pattern's length times the text's, whatever the pattern
 * (a regular expression built from `kms:` and 30 stars backtracks exponentially).
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  const pieces = p.split('*');
  if (pieces.length === 1) return p.length === t.length && matchesAt(p, t, 0);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first.length + last.length > t.length) return false;
  if (!matchesAt(first, t, 0) || !matchesAt(last, t, t.length - last.length)) return false;
  let from = first.length;
  const end = t.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i];
    if (piece === '') continue;
    const at = find(piece, t, from, end);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/** Whether `piece` (with `?`) matches `t` at `at`. */
function matchesAt(piece: string, t: string, at: number): boolean {
  for (let i = 0; i < piece.length; i++) if (piece[i] !== '?' && piece[i] !== t[at + i]) return false;
  return true;
}

/** The leftmost place in `t[from, end)` where `piece` matches, or -1. */
function find(piece: string, t: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const at = t.indexOf(piece, from);
    return at >= 0 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (matchesAt(piece, t, at)) return at;
  return -1;
}
