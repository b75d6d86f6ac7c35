// Browser side of report.html: the row table. Rows arrive in gzip chunks (base64) inflated with
// DecompressionStream one at a time, grouped by dataset row (variants side by side), filtered and
// paginated so 100,000 results stay usable: only the visible page is in the DOM, and the first page
// shows while later chunks load. Inlined by source text.
import type { PageData } from '../page-data.js';
import { rowWaterfall } from './nodes.js';
import type { FlipDiff } from '../flip-diffs.js';
import type { PageRow, Ref, RowsChunk } from '../rows.js';
import { csvFileName, downloadText, rowsCsv } from './csv.js';
import { diffBlock, diffIndex } from './diff.js';
import { badge, el, fmtMs, variantColor } from './dom.js';

interface Group {
  row: number;
  iteration: number;
  /** The repeat (suite `repeat`), absent without repeats: each repeat is a table row of its own. */
  repeat?: number;
  input: string;
  expected: string | null;
  cells: (PageRow<string> | undefined)[];
  failed: boolean[];
  errored: boolean[];
  flipped: boolean[];
  text: string | null;
}

/** Inflates one chunk of rows and resolves its text references against the growing string table. */
export async function inflateChunk(b64: string, strings: string[]): Promise<PageRow<string>[]> {
  const bin = atob(b64.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const chunk = JSON.parse(await new Response(stream).text()) as RowsChunk;
  for (const s of chunk.strings) strings.push(s);
  const str = (x: Ref | null): string | null => (typeof x === 'number' ? strings[x]! : x);
  for (const r of chunk.rows) {
    for (const k of [8, 9, 10, 11, 12] as const) (r as unknown[])[k] = str(r[k]);
    for (const g of r[14]) {
      g[0] = str(g[0])!;
      g[3] = str(g[3])!;
    }
  }
  return chunk.rows as unknown as PageRow<string>[];
}

/** Adds rows to their (row, iteration, repeat) groups; returns the groups it touched. */
export function addToGroups(byKey: Map<string, Group>, rows: PageRow<string>[], nVariants: number): Set<Group> {
  const touched = new Set<Group>();
  for (const r of rows) {
    const key = `${r[1]}:${r[2]}:${r[18] ?? ''}`;
    let g = byKey.get(key);
    if (!g) {
      g = { row: r[1], iteration: r[2], input: r[10], expected: r[11], cells: new Array(nVariants), failed: [], errored: [], flipped: [], text: null };
      if (r[18] !== undefined) g.repeat = r[18];
      byKey.set(key, g);
    }
    g.cells[r[0]] = r;
    g.text = null;
    touched.add(g);
  }
  return touched;
}

/** A row is failed / errored per variant; flipped where a variant's pass differs from the baseline's. */
export function markGroup(g: Group, nVariants: number, baseline: number): void {
  const base = g.cells[baseline];
  for (let v = 0; v < nVariants; v++) {
    const c = g.cells[v];
    g.failed[v] = c !== undefined && c[4] === 0;
    g.errored[v] = c !== undefined && c[3] === 0;
    g.flipped[v] = v !== baseline && c !== undefined && base !== undefined && c[4] !== null && base[4] !== null && c[4] !== base[4];
  }
}

/** Lower-cased searchable text of a group, built on first search only. */
export function groupText(g: Group): string {
  if (g.text === null) {
    const parts = [String(g.row), g.input, g.expected ?? ''];
    for (const c of g.cells) if (c) parts.push(c[12], c[8] ?? '', c[9] ?? '', ...c[14].map((x) => `${x[0]} ${x[3]}`));
    g.text = parts.join('\n').toLowerCase();
  }
  return g.text;
}

/** Text shortened to `preview` characters, with a button that shows the rest in place. */
export function expandable(text: string, preview: number, fullLength: number, limit: number): HTMLElement {
  const box = el('div', { class: 'text' });
  const body = el('span', null, text.length > preview ? `${text.slice(0, preview)}…` : text);
  box.appendChild(body);
  if (text.length > preview) {
    const btn = el('button', { type: 'button', class: 'more' }, `show all ${fullLength.toLocaleString('en-US')} characters`);
    btn.addEventListener('click', () => {
      const open = btn.getAttribute('data-open') === '1';
      body.textContent = open ? `${text.slice(0, preview)}…` : text;
      btn.setAttribute('data-open', open ? '0' : '1');
      btn.textContent = open ? `show all ${fullLength.toLocaleString('en-US')} characters` : 'show less';
    });
    box.appendChild(btn);
  }
  if (fullLength > text.length)
    box.appendChild(
      el(
        'div',
        { class: 'muted small' },
        `cut at ${limit.toLocaleString('en-US')} of ${fullLength.toLocaleString('en-US')} characters; the full text is in results.jsonl`,
      ),
    );
  return box;
}

/** A variant's result; a flipped one gets its word diff against the baseline (`diffs` holds them). */
export function variantCell(c: PageRow<string> | undefined, flipped: boolean, d: PageData, diffs: Map<string, FlipDiff>): HTMLElement {
  if (!c) return el('td', { class: 'muted' }, 'not run');
  const status =
    c[3] === 0 ? badge(`error: ${c[8] ?? 'unknown'}`, 'error') : c[4] === 1 ? badge('pass', 'pass') : c[4] === 0 ? badge('fail', 'fail') : badge('ok', 'info');
  const timing = `TTFT ${fmtMs(c[6])} · latency ${fmtMs(c[7])}${c[15] > 1 ? ` · ${c[15]} attempts` : ''}${c[5] !== null && c[14].length ? ` · score ${c[5].toFixed(2)}` : ''}`;
  return el(
    'td',
    { class: 'variant-cell' },
    el('div', { class: 'status' }, status, flipped ? badge('flipped', 'info') : null, el('span', { class: 'muted small' }, ` ${timing}`)),
    c[9] ? el('div', { class: 'error-text' }, c[9]) : null,
    rowWaterfall(c[17]),
    expandable(c[12], 400, c[13], d.rows.limits.output),
    flipped ? diffBlock(d, diffs.get(`${c[1]}:${c[2]}:${d.rows.variants[c[0]]}`)) : null,
    gradeList(c[14]),
    c[16] ? el('div', { class: 'muted small' }, `run ${c[16]}`) : null,
  );
}

/** Failed and erroring graders first; with more than three graders, the passing ones behind a toggle. */
export function gradeList(grades: PageRow<string>[14]): HTMLElement | null {
  if (!grades.length) return null;
  const item = (g: PageRow<string>[14][number]) =>
    el('li', { class: g[4] ? 'grader-error' : g[1] ? 'ok' : 'bad' }, `${g[4] ? '⚠' : g[1] ? '✓' : '✗'} ${g[0]}: ${g[3]}`);
  const bad = grades.filter((g) => g[4] || !g[1]);
  const good = grades.filter((g) => !g[4] && g[1]);
  const list = el('ul', { class: 'grades' }, ...bad.map(item));
  if (grades.length <= 3) {
    good.forEach((g) => list.appendChild(item(g)));
    return list;
  }
  const toggle = el('button', { type: 'button', class: 'more' }, `✓ ${good.length} passing grader${good.length === 1 ? '' : 's'}`);
  const hidden = good.map(item);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('data-open') === '1';
    for (const h of hidden) open ? h.remove() : list.appendChild(h);
    toggle.setAttribute('data-open', open ? '0' : '1');
  });
  if (good.length) list.appendChild(el('li', { class: 'ok' }, toggle));
  return list;
}

export interface RowsTable {
  /** Adds a chunk of rows; the view and counts follow. */
  add(rows: PageRow<string>[]): void;
  /** All chunks are in. */
  done(): void;
  showFlipped(): void;
}

export function rowsTable(host: HTMLElement, d: PageData, baseline: number): RowsTable {
  const variants = d.rows.variants;
  const byKey = new Map<string, Group>();
  let groups: Group[] = [];
  let loading = true;
  const state = { q: '', failed: false, flipped: false, errors: false, scope: -1, page: 0, size: 25 };
  const input = el('input', { type: 'search', id: 'row-search', placeholder: 'search input, expected, outputs, errors, reasons…' }) as HTMLInputElement;
  const check = (id: string, label: string) => {
    const box = el('input', { type: 'checkbox', id }) as HTMLInputElement;
    return { box, label: el('label', { for: id }, box, ` ${label}`) };
  };
  const failed = check('filter-failed', 'failed only');
  const flipped = check('filter-flipped', 'flipped only');
  const errors = check('filter-errors', 'errors only');
  const scope = el(
    'select',
    { id: 'filter-scope' },
    el('option', { value: '-1' }, 'in any variant'),
    ...variants.map((v, i) => el('option', { value: String(i) }, `in ${v}`)),
  ) as HTMLSelectElement;
  const size = el('select', { id: 'page-size' }, ...[25, 50, 100, 250].map((n) => el('option', { value: String(n) }, `${n} per page`))) as HTMLSelectElement;
  const summary = el('p', { class: 'muted', id: 'rows-summary' });
  const count = el('span', { id: 'row-count', class: 'muted' });
  const prev = el('button', { type: 'button', id: 'page-prev' }, '◀ previous') as HTMLButtonElement;
  const next = el('button', { type: 'button', id: 'page-next' }, 'next ▶') as HTMLButtonElement;
  const pageInfo = el('span', { id: 'page-info' });
  const head = el(
    'tr',
    null,
    el('th', null, 'row'),
    el('th', null, 'input / expected'),
    ...variants.map((v, i) => el('th', { style: `border-bottom: 3px solid ${variantColor(i)}` }, v)),
  );
  const tbody = el('tbody');
  const tableEl = el('table', { class: 'rows', id: 'rows-table' }, el('thead', null, head), tbody);
  const diffs = diffIndex(d);
  let matching: Group[] = [];
  const csv = el(
    'button',
    {
      type: 'button',
      id: 'download-csv',
      title: 'Every row the filters match, all pages, with the texts as this page has them (cut); results.csv has every result whole.',
    },
    'Download CSV',
  ) as HTMLButtonElement;
  csv.addEventListener('click', () => downloadText(csvFileName(d.report.suite), rowsCsv(matching, variants), 'text/csv;charset=utf-8'));

  const matches = (g: Group) => {
    const vs = state.scope >= 0 ? [state.scope] : variants.map((_, i) => i);
    if (state.failed && !vs.some((v) => g.failed[v])) return false;
    if (state.errors && !vs.some((v) => g.errored[v])) return false;
    if (state.flipped && !vs.some((v) => g.flipped[v])) return false;
    return !state.q || groupText(g).includes(state.q);
  };
  const render = () => {
    const pages = Math.max(1, Math.ceil(matching.length / state.size));
    state.page = Math.max(0, Math.min(state.page, pages - 1));
    const start = state.page * state.size;
    const slice = matching.slice(start, start + state.size);
    tbody.replaceChildren(
      ...slice.map((g) =>
        el(
          'tr',
          null,
          el('td', { class: 'rownum' }, `${g.row}${g.iteration ? ` (iteration ${g.iteration})` : ''}${g.repeat !== undefined ? ` (repeat ${g.repeat})` : ''}`),
          el(
            'td',
            { class: 'input-cell' },
            expandable(g.input, 300, g.input.length, d.rows.limits.input),
            g.expected !== null ? el('div', { class: 'expected' }, el('span', { class: 'label' }, 'expected '), g.expected) : null,
          ),
          ...variants.map((_, v) => variantCell(g.cells[v], g.flipped[v] === true, d, diffs)),
        ),
      ),
    );
    tableEl.setAttribute('data-matching', String(matching.length));
    tableEl.setAttribute('data-loading', loading ? '1' : '0');
    count.textContent =
      `${matching.length.toLocaleString('en-US')} of ${groups.length.toLocaleString('en-US')} rows match` +
      (matching.length ? ` — showing ${(start + 1).toLocaleString('en-US')}–${(start + slice.length).toLocaleString('en-US')}` : '') +
      (loading ? ' (still loading rows…)' : '');
    pageInfo.textContent = `page ${state.page + 1} of ${pages}`;
    csv.textContent = `Download ${matching.length.toLocaleString('en-US')} row${matching.length === 1 ? '' : 's'} as CSV`;
    csv.disabled = loading || matching.length === 0;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  };
  const describe = () => {
    const flips = groups.filter((g) => g.flipped.some(Boolean)).length;
    const failedN = groups.filter((g) => g.failed.some(Boolean)).length;
    const erroredN = groups.filter((g) => g.errored.some(Boolean)).length;
    summary.textContent =
      `${groups.length.toLocaleString('en-US')} rows (dataset row × iteration${groups.some((g) => g.repeat !== undefined) ? ' × repeat' : ''}) × ${variants.length} variant${variants.length === 1 ? '' : 's'}; ${failedN.toLocaleString('en-US')} with a failed grade, ` +
      `${erroredN.toLocaleString('en-US')} with an error, ${flips.toLocaleString('en-US')} flipped against ${variants[baseline] ?? 'the baseline'}. ` +
      `Texts are cut at ${d.rows.limits.output.toLocaleString('en-US')} characters (outputs) and ${d.rows.limits.input.toLocaleString('en-US')} (inputs); results.jsonl has them whole.` +
      (d.rows.truncatedOutputs ? ` ${d.rows.truncatedOutputs.toLocaleString('en-US')} outputs were cut.` : '');
  };
  const refilter = (keepPage = false) => {
    if (!keepPage) state.page = 0;
    matching = groups.filter(matches);
    render();
  };
  let typing = 0;
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = window.setTimeout(() => {
      state.q = input.value.trim().toLowerCase();
      refilter();
    }, 150);
  });
  failed.box.addEventListener('change', () => {
    state.failed = failed.box.checked;
    refilter();
  });
  flipped.box.addEventListener('change', () => {
    state.flipped = flipped.box.checked;
    refilter();
  });
  errors.box.addEventListener('change', () => {
    state.errors = errors.box.checked;
    refilter();
  });
  scope.addEventListener('change', () => {
    state.scope = Number(scope.value);
    refilter();
  });
  size.addEventListener('change', () => {
    state.size = Number(size.value);
    state.page = 0;
    render();
  });
  prev.addEventListener('click', () => {
    state.page--;
    render();
  });
  next.addEventListener('click', () => {
    state.page++;
    render();
  });

  host.append(
    summary,
    el('div', { class: 'filters' }, input, failed.label, flipped.label, errors.label, scope, size),
    el('div', { class: 'pager' }, prev, pageInfo, next, count, csv),
    el('div', { class: 'scroll' }, tableEl),
  );
  return {
    add: (rows) => {
      for (const g of addToGroups(byKey, rows, variants.length)) markGroup(g, variants.length, baseline);
      groups = [...byKey.values()].sort((a, b) => a.row - b.row || a.iteration - b.iteration || (a.repeat ?? 0) - (b.repeat ?? 0));
      describe();
      refilter(true);
    },
    done: () => {
      loading = false;
      describe();
      refilter(true);
    },
    showFlipped: () => {
      flipped.box.checked = true;
      state.flipped = true;
      refilter();
      host.scrollIntoView();
    },
  };
}
