/**
 * The HTML report's inline stylesheet. Status colours pair a tinted background with dark text
 * (contrast above 7:1), and every cell also says its status in words.
 */
export const HTML_REPORT_STYLE = `
:root { color-scheme: light; --border: #c9ced6; --muted: #5b6472; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.25rem 1.5rem 3rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
code, pre { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 18rem; overflow: auto; }
.meta, .muted { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; padding: 0; }
.total { border: 1px solid var(--border); border-radius: 6px; padding: .4rem .8rem; min-width: 7rem; }
.total dt { font-size: .8rem; color: var(--muted); }
.total dd { margin: 0; font-size: 1.4rem; font-weight: 600; }
.t-pass { border-left: 5px solid #1a7f37; } .t-fail { border-left: 5px solid #c62828; }
.t-error { border-left: 5px solid #b26a00; } .t-not-applicable { border-left: 5px solid #8a919c; }
.t-tenants-failing { border-left: 5px solid #c62828; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: center; margin: 0 0 .75rem; padding: .6rem .8rem; background: #f5f7fa; border: 1px solid var(--border); border-radius: 6px; }
.filters label { font-weight: 600; }
.filters select, .filters input { font: inherit; padding: .15rem .3rem; margin-left: .25rem; }
.filters output { color: var(--muted); margin-left: auto; }
/* The matrix scrolls inside its frame, so its column headers (and the tenant column) stay in view. */
.matrix-wrap { overflow: auto; max-width: 100%; max-height: 75vh; overscroll-behavior: contain; border: 1px solid var(--border); border-radius: 6px; }
table { border-collapse: collapse; }
.matrix th, .matrix td { border-bottom: 1px solid var(--border); padding: .3rem .5rem; text-align: left; white-space: nowrap; }
.matrix thead th { position: sticky; top: 0; background: #eef1f5; vertical-align: bottom; z-index: 2; }
.matrix thead th:first-child { left: 0; z-index: 3; }
.matrix tbody th { position: sticky; left: 0; background: #fff; z-index: 1; }
.matrix th.rule { text-align: center; }
.rule-id { display: block; font-family: ui-monospace, Menlo, Consolas, monospace; }
.severity { display: block; font-size: .75rem; font-weight: 400; color: var(--muted); }
.sev-high .severity { color: #a40e26; font-weight: 600; }
.matrix td.cell { padding: 2px; text-align: center; }
button { font: inherit; cursor: pointer; }
button:disabled { cursor: default; }
.cell-button { width: 100%; min-width: 5rem; border: 1px solid transparent; border-radius: 4px; padding: .25rem .4rem; background: transparent; color: inherit; }
.tenant-button { border: 0; background: none; padding: 0; color: #0b57d0; text-decoration: underline; font-weight: 600; }
.cell-button:focus-visible, .tenant-button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 1px; }
.selected { box-shadow: 0 0 0 3px #0b57d0; }
.s-pass { background: #dcf5e3; color: #0f4d22; }
.s-fail { background: #fde0de; color: #7d1111; font-weight: 600; }
.s-error { background: #fff0c2; color: #5c3700; font-weight: 600; }
.s-not-applicable { background: #eef0f3; color: #3c4350; }
.s-none { background: #fff; color: #5b6472; }
.empty td { color: var(--muted); font-style: italic; padding: .75rem; }
.legend { list-style: none; display: flex; gap: .5rem; padding: 0; margin: .5rem 0 1.25rem; flex-wrap: wrap; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .4rem; }
.evidence-panel { border: 1px solid var(--border); border-radius: 6px; padding: .9rem 1rem; }
.evidence-panel h2:focus { outline: none; }
.evidence { margin-top: .5rem; width: 100%; }
.evidence th, .evidence td { border: 1px solid var(--border); padding: .3rem .5rem; text-align: left; vertical-align: top; }
.evidence th { background: #eef1f5; }
.evidence thead th { position: sticky; top: 0; }
.evidence td[data-field="stack"] code { white-space: nowrap; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; } .facts ul { margin: 0; padding-left: 1.1rem; }
.problems { color: #7d1111; }
.result { border-top: 1px solid var(--border); margin-top: .75rem; }
`;
