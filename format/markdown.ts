/**
 * Escaping for Markdown (GitHub Flavored Markdown: the audit report, the pull-request comment).
 * Text from data (messages, titles, problems, addresses) never becomes markup: punctuation that could start markup is
 * backslash-escaped, line breaks become `<br>` (the only HTML the report writes itself), and
 * pipes are escaped so a table cell stays one cell.
 */
const MARKUP_CHARACTERS = /[\\`*_[\]<>|#~&]/g;
const LINE_BREAK = /\r\n|\r|\n/g;
/** Control characters other than line breaks and tabs: shown as `\uXXXX` rather than written raw. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Line starts that open a block (list item, setext underline, ordered list). */
const BLOCK_START = /^([-+=]|\d+(?=[.)]))/;

/** Prose for a paragraph, list item or table cell. */
export function markdownText(text: string): string {
  return visibleControls(text.trim())
    .replace(MARKUP_CHARACTERS, '\\$&')
    .replace(BLOCK_START, (marker) => (/\d/.test(marker) ? `${marker}\\` : `\\${marker}`))
    .replace(LINE_BREAK, '<br>');
}

/**
 * A code span (for identifiers and values): a fence longer than any run of backticks in the
 * text, line breaks shown as `\n`. Empty text is shown as a dash.
 */
export function codeSpan(text: string): string {
  if (text === '') return '—';
  const oneLine = visibleControls(text.replace(LINE_BREAK, '\\n'));
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** A code span inside a table cell: pipes escaped too (GFM strips that backslash in tables, also within code spans). */
export function tableCode(text: string): string {
  return codeSpan(text).replace(/\|/g, '\\|');
}

/** A Markdown table: header cells, alignment row, body rows (cells already escaped). */
export function markdownTable(header: ReadonlyArray<string>, align: ReadonlyArray<'left' | 'center' | 'right'>, rows: ReadonlyArray<ReadonlyArray<string>>): string[] {
  const rule = align.map((a) => (a === 'center' ? ':-:' : a === 'right' ? '--:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function visibleControls(text: string): string {
  return text.replace(CONTROL_CHARACTER, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
