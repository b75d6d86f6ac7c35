// The stylesheet of report.html (inlined; the page loads nothing from the network).
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #dde2e8; --bg: #f6f7f9; --card: #fff; --pass: #137333; --fail: #c5221f; --warn: #b06000; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
#app { max-width: 1500px; margin: 0 auto; padding: 16px 24px 48px; }
header h1 { font-size: 22px; margin: 0; }
.title-row { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
nav { position: sticky; top: 0; z-index: 5; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--line); margin-bottom: 8px; }
nav a { margin-right: 16px; color: #0b57d0; text-decoration: none; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 12px 0 8px; }
h4 { font-size: 14px; margin: 10px 0 6px; }
.card-section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 14px 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; font-weight: normal; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-top: 4px solid #888; border-radius: 6px; padding: 10px 14px; }
.card h3 { margin-top: 0; }
.stat { display: flex; justify-content: space-between; gap: 8px; padding: 3px 0; border-bottom: 1px dashed var(--line); }
.stat .label { color: var(--muted); }
.stat .value { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
.stat.bad .value { color: var(--fail); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; letter-spacing: .02em; }
.badge.pass { background: #e6f4ea; color: var(--pass); }
.badge.fail { background: #fce8e6; color: var(--fail); }
.badge.error { background: #fef7e0; color: var(--warn); }
.badge.info { background: #e8f0fe; color: #174ea6; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: #f1f3f6; font-weight: 600; }
table.grid td { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; margin-top: 12px; }
.chart { overflow: hidden; }
.chart { min-width: 0; }
.filters, .pager { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.filters input[type=search] { flex: 1 1 320px; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.more { border: none; background: none; color: #0b57d0; padding: 0 4px; }
table.rows td { font-size: 13px; }
table.rows td.variant-cell, table.rows td.input-cell { min-width: 260px; max-width: 560px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.expected { margin-top: 6px; white-space: pre-wrap; overflow-wrap: anywhere; color: #174ea6; }
.expected .label { color: var(--muted); }
.error-text { color: var(--warn); white-space: pre-wrap; overflow-wrap: anywhere; margin: 2px 0; }
.status { margin-bottom: 4px; }
ul.grades { margin: 4px 0 0; padding-left: 0; list-style: none; font-size: 12px; }
ul.grades li.ok { color: var(--pass); }
ul.grades li.bad { color: var(--fail); }
ul.grades li.grader-error { color: var(--warn); }
td.rownum { color: var(--muted); white-space: nowrap; }
.comparison { border-top: 1px solid var(--line); padding-top: 4px; }
ul.warnings { margin: 6px 0 12px; padding-left: 20px; color: var(--warn); }
ul.warnings li { margin: 2px 0; }
.title-row a { text-decoration: none; }
details.diff { margin-top: 6px; border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; background: #fafbfc; }
details.diff summary { cursor: pointer; font-size: 12px; color: var(--muted); }
.diff-text { max-height: 260px; overflow-y: auto; margin-top: 4px; }
/* Colour, decoration and the [-…-] / {+…+} markers each tell deletions from insertions. */
del.diff-del { background: #fce8e6; color: #a50e0e; text-decoration: line-through; }
ins.diff-ins { background: #e6f4ea; color: #0d652d; text-decoration: underline; }
.pager #download-csv { margin-left: auto; }
.waterfalls { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.wf-line { display: grid; grid-template-columns: 110px 1fr 215px; gap: 8px; align-items: center; min-height: 20px; }
.wf-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wf-track { position: relative; height: 14px; background: #f1f3f6; border-radius: 3px; }
.wf-bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; }
.wf-axis { display: flex; justify-content: space-between; }
.wf-ttft { position: absolute; top: -3px; bottom: -3px; width: 2px; background: var(--fail); }
details.row-waterfall { margin: 4px 0; font-size: 12px; }
details.row-waterfall summary { cursor: pointer; color: var(--muted); }
details.row-waterfall .wf-line { grid-template-columns: 90px 1fr 120px; min-height: 16px; }
details.row-waterfall .wf-track { height: 10px; }
`;
