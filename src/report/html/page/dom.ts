// Browser side of report.html: DOM and number helpers. Every function here is inlined into the page
// by its source text (see page-script.ts), so it must use nothing but its arguments and other page
// functions. Data reaches the DOM only through textContent and attributes, never as HTML.

type Child = Node | string | null | undefined | false;

/** Creates an element; strings become text nodes, so no data is ever parsed as HTML. */
export function el(tag: string, attrs?: Record<string, string> | null, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 10000) return `${(v / 1000).toFixed(1)} s`;
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`;
}

/** USD: cents and up with 2 decimals, smaller amounts with 3 significant digits (a run costs fractions of a cent). */
export function fmtUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `$${v >= 1 ? v.toFixed(2) : Number(v.toPrecision(3))}`;
}

export function fmtNum(v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '') : v.toPrecision(3);
}

/** A stable colour per variant index (colour-blind-friendly Okabe–Ito order). */
export function variantColor(i: number): string {
  const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  return palette[i % palette.length]!;
}

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { id, class: 'card-section' }, el('h2', null, title), ...children);
}

/** A table from header cells and rows of cells (strings or nodes). */
export function table(head: string[], rows: Child[][], cls = 'grid'): HTMLElement {
  return el(
    'table',
    { class: cls },
    el('thead', null, el('tr', null, ...head.map((h) => el('th', null, h)))),
    el('tbody', null, ...rows.map((r) => el('tr', null, ...r.map((c) => el('td', null, c))))),
  );
}

export function badge(text: string, kind: 'pass' | 'fail' | 'error' | 'info'): HTMLElement {
  return el('span', { class: `badge ${kind}` }, text);
}
