import MarkdownIt from 'markdown-it';

/**
 * Markdown injection checks: the text is rendered as GitHub would (GFM tables, raw HTML
 * allowed) and the resulting HTML is inspected for markup that only an injected value could
 * have produced.
 */
export const INJECTION = 'x **bold** _em_ [link](https://evil.example) ![img](https://evil.example/i.png) <img src=x onerror=alert(1)> </details></summary> <script>alert(1)</script> `tick` | pipe ~~del~~ <!-- c -->\n# heading\n- item';

const markdown = new MarkdownIt({ html: true, linkify: false });

export interface MarkupFound {
  /** Tags that the document's own markup does not account for. */
  readonly tags: string[];
  /** Headings (their text). */
  readonly headings: string[];
  /** Link targets. */
  readonly links: string[];
  /** Table rows whose cell count differs from their table's header row. */
  readonly brokenRows: number;
  /** The HTML itself. */
  readonly rendered: string;
}

/** What the Markdown renders to, less the tags in `allowed` (tag names the renderer writes itself). */
export function markupOf(text: string, allowed: ReadonlyArray<string>): MarkupFound {
  const html = markdown.render(text);
  const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)].map((m) => m[1].toLowerCase()).filter((t) => !allowed.includes(t));
  const headings = [...html.matchAll(/<h\d>([\s\S]*?)<\/h\d>/g)].map((m) => m[1]);
  const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
  // GFM splits table rows at every pipe not escaped by a backslash, inside code spans too.
  let brokenRows = 0;
  let cells: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      cells = undefined;
      continue;
    }
    const n = line.match(/(?<!\\)\|/g)!.length;
    if (cells === undefined) cells = n;
    else if (n !== cells) brokenRows++;
  }
  return { tags: [...new Set(tags)].sort(), headings, links, brokenRows, rendered: html };
}
