// report.html: one self-contained file. uPlot and the page script are inlined; data sits in
// non-executable <script type="application/json"> blocks with every "<" escaped; a Content
// Security Policy allows only these exact scripts (by hash) and no network at all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PageData } from './page-data.js';
import { pageScript } from './page-script.js';
import { PAGE_CSS } from './page-style.js';

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | null = null;

function uplotAssets(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

/** JSON that cannot end its <script> element or open a comment: every "<" becomes \u003c. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** Inline code must not contain "</script" (it would end the element early). */
function inlineCode(code: string): string {
  if (/<\/script/i.test(code)) throw new Error('inline script contains "</script"');
  return code;
}

const ROW_CHUNK_OPEN = '<script type="application/octet-stream" class="flowbench-rows">';
const ROW_CHUNK_CLOSE = '</script>\n';

/** The page's parts, in file order: head, one element per row chunk, tail (page data and scripts). */
export interface HtmlParts {
  head: string;
  /** The element around each row chunk, written apart from the chunk so a large chunk is never copied into one string. */
  rowChunkTags: readonly [open: string, close: string];
  tail: (data: PageData) => string;
}

/**
 * The page in parts, so report.html can be written while results.jsonl is read: the row chunks come
 * before the page data (which needs every row counted); the page reads both once the scripts run.
 */
export function htmlParts(title: { suite: string; generator: string }): HtmlParts {
  const { js, css } = uplotAssets();
  const lib = inlineCode(js);
  const page = inlineCode(pageScript());
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(lib)} ${sha256(page)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return {
    head: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="${escapeHtml(title.generator)}">
<title>flowbench — ${escapeHtml(title.suite)}</title>
<style>${css}${PAGE_CSS}</style>
</head>
<body>
<noscript>This report draws its charts and tables with JavaScript; report.json and results.jsonl hold the same data.</noscript>
<div id="app"></div>
`,
    rowChunkTags: [ROW_CHUNK_OPEN, ROW_CHUNK_CLOSE],
    tail: (data) => `<script type="application/json" id="flowbench-data">${scriptJson(data)}</script>
<script>${lib}</script>
<script>${page}</script>
</body>
</html>
`,
  };
}

/** The whole page as one string. rowChunks: base64 gzip chunks of rows (rows.ts). */
export function renderHtml(data: PageData, rowChunks: string[]): string {
  const parts = htmlParts({ suite: data.report.suite, generator: data.generator });
  const [open, close] = parts.rowChunkTags;
  return parts.head + rowChunks.map((c) => `${open}${c}${close}`).join('') + parts.tail(data);
}
