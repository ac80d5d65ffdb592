/**
 * @module The stylesheets of the gateway's pages: the shell every page has
 * (colours, light and dark schemes with WCAG AA contrast, the navigation
 * bar, visible keyboard focus) and the content styles of the pages that
 * draw their own content (system fonts, forms, tables).
 */
/** Colours, the skip link and the navigation bar: safe beside a bundled renderer's own styles. */
export const SHELL_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --accent: #0550ae; --accent-fg: #ffffff; --ok: #116329; --ok-bg: #dafbe1;
  --bad: #a40e26; --bad-bg: #ffebe9; --focus: #0969da; --code-bg: #f6f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9ea7b3; --line: #3d444d; --panel: #151b23;
    --accent: #4493f8; --accent-fg: #0d1117; --ok: #56d364; --ok-bg: #12261e;
    --bad: #ff8182; --bad-bg: #2d1517; --focus: #4493f8; --code-bg: #151b23;
  }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 0.5rem; z-index: 10; }
.skip:focus { left: 0.5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bar { border-bottom: 1px solid var(--line); background: var(--panel); }
.bar .wrap { display: flex; gap: 0.25rem 1.5rem; align-items: center; flex-wrap: wrap; padding-top: 0.6rem; padding-bottom: 0.6rem; }
.brand { font-weight: 700; }
.bar nav { display: flex; gap: 0.25rem 1rem; flex-wrap: wrap; }
.bar nav a { text-decoration: none; padding: 0.2rem 0; }
.bar nav a[aria-current="page"] { font-weight: 600; color: var(--fg); border-bottom: 2px solid var(--accent); }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
`;

/** Everything a page drawing its own content needs, the shell included. */
export const PAGE_STYLES =
  SHELL_STYLES +
  `
code, pre, textarea, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { font-size: 0.9em; background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem;
  overflow: auto; font-size: 0.875rem; line-height: 1.45; margin: 0.5rem 0; }
pre code { background: none; padding: 0; font-size: inherit; }
main.wrap { padding-bottom: 3rem; }
h1 { font-size: 1.75rem; margin: 1.5rem 0 0.25rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
.lede { color: var(--muted); margin-top: 0; max-width: 60rem; }
.muted { color: var(--muted); font-weight: normal; }
.hint { color: var(--muted); font-size: 0.875rem; margin: 0.35rem 0 0; }
label { display: block; font-weight: 600; margin: 1rem 0 0.35rem; }
textarea { width: 100%; min-height: 7rem; padding: 0.6rem; font-size: 0.875rem; color: var(--fg);
  background: var(--bg); border: 1px solid var(--muted); border-radius: 6px; resize: vertical; word-break: break-all; }
.actions { display: flex; gap: 0.75rem; margin-top: 0.75rem; }
button { font: inherit; font-weight: 600; padding: 0.5rem 1.1rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); }
button.secondary { background: transparent; color: var(--accent); }
button[disabled] { opacity: 0.6; cursor: progress; }
table { border-collapse: collapse; width: 100%; font-size: 0.925rem; }
caption { text-align: left; color: var(--muted); font-size: 0.875rem; padding-bottom: 0.35rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--panel); }
.table-scroll { overflow-x: auto; }
.message { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; }
.message.bad { border-color: var(--bad); background: var(--bad-bg); }
.message.ok { border-color: var(--ok); background: var(--ok-bg); }
.message h2 { margin: 0 0 0.25rem; font-size: 1.2rem; }
.message p { margin: 0.25rem 0 0; }
.ok-text { color: var(--ok); font-weight: 600; }
.bad-text { color: var(--bad); font-weight: 600; }
.icon { display: inline-block; width: 1.4em; font-weight: 700; text-align: center; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem 1.5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.75rem; margin: 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.8rem; background: var(--panel); }
.card dt { color: var(--muted); font-size: 0.85rem; }
.card dd { margin: 0; font-size: 1.15rem; font-weight: 600; word-break: break-word; }
.card dd .unit { display: block; font-size: 0.8rem; font-weight: normal; color: var(--muted); }
.card.main { border-color: var(--ok); }
.tag { display: inline-block; font-size: 0.75rem; font-weight: 700; padding: 0.05rem 0.45rem; border-radius: 999px;
  border: 1px solid currentColor; text-transform: uppercase; letter-spacing: 0.02em; vertical-align: middle; }
.nowrap { white-space: nowrap; }
.clip { display: inline-block; max-width: 18rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
`;
