// Browser side of report.html: the flow-node waterfalls. Per variant, each node as a bar from its median
// start to its median start plus its median time, on one scale for every variant, with the median TTFT
// marked, and the "where the time to first token goes" table; per row, the same bars for one request.
// Draws report.json's numbers; computes no statistic. Inlined by source text like dom.ts.
import type { NodeSummary } from '../../../metrics/node-stats.js';
import type { PageData } from '../page-data.js';
import { el, fmtMs, section, table } from './dom.js';

/** A stable colour per node name (a hash into a palette), the same in every variant and every row. */
export function nodeColor(name: string): string {
  const palette = ['#4E79A7', '#F28E2B', '#59A14F', '#B07AA1', '#76B7B2', '#EDC948', '#E15759', '#9C755F', '#FF9DA7', '#BAB0AC'];
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return palette[h % palette.length]!;
}

/** One bar of a waterfall: positioned in % of `scaleMs`, labelled with the node and its time. */
export function waterfallBar(node: string, startMs: number, durationMs: number, scaleMs: number, label: string): HTMLElement {
  const left = scaleMs > 0 ? Math.min(100, (startMs / scaleMs) * 100) : 0;
  const width = scaleMs > 0 ? Math.max(0.4, Math.min(100 - left, (durationMs / scaleMs) * 100)) : 0;
  const bar = el('div', {
    class: 'wf-bar',
    'data-node': node,
    title: label,
    style: `left:${left.toFixed(3)}%;width:${width.toFixed(3)}%;background:${nodeColor(node)}`,
  });
  return el(
    'div',
    { class: 'wf-line' },
    el('span', { class: 'wf-name' }, node),
    el('div', { class: 'wf-track' }, bar),
    el('span', { class: 'wf-time muted small' }, label),
  );
}

/** A variant's waterfall: its nodes in flow order, median start and median time; the median TTFT as a line. */
export function variantWaterfall(name: string, nodes: NodeSummary[], ttftP50: number | null, scaleMs: number): HTMLElement {
  const box = el('div', { class: 'waterfall', 'data-variant': name }, el('h3', null, name));
  for (const n of nodes) {
    box.appendChild(
      waterfallBar(n.node, n.startMs.p50, n.durationMs.p50, scaleMs, `${fmtMs(n.startMs.p50)} + ${fmtMs(n.durationMs.p50)} · p95 ${fmtMs(n.durationMs.p95)}`),
    );
  }
  if (ttftP50 !== null && scaleMs > 0) {
    const at = Math.min(100, (ttftP50 / scaleMs) * 100);
    box.appendChild(
      el(
        'div',
        { class: 'wf-line' },
        el('span', { class: 'wf-name muted small' }, 'first token'),
        el('div', { class: 'wf-track' }, el('div', { class: 'wf-ttft', style: `left:${at.toFixed(3)}%`, title: `median TTFT ${fmtMs(ttftP50)}` })),
        el('span', { class: 'wf-time muted small' }, `TTFT p50 ${fmtMs(ttftP50)}`),
      ),
    );
  }
  box.appendChild(
    el(
      'div',
      { class: 'wf-line' },
      el('span'),
      el('div', { class: 'wf-axis muted small' }, el('span', null, '0'), el('span', null, fmtMs(scaleMs))),
      el('span'),
    ),
  );
  return box;
}

/** The per-node section; null when no variant timed its nodes (run mode, or a server without progress_data). */
export function nodesSection(d: PageData): HTMLElement | null {
  const timed = d.report.variants.filter((v) => (v.nodes ?? []).length > 0);
  if (!timed.length) return null;
  // One scale for every variant: the latest median end of any node.
  const scale = Math.max(...timed.flatMap((v) => (v.nodes ?? []).map((n) => n.startMs.p50 + n.durationMs.p50)));
  const host = section(
    'nodes',
    'Flow nodes',
    el(
      'p',
      { class: 'muted' },
      "Each node's median start (from the send) + median time in it, and that time's p95, from the streams' progress_data (successful requests); every variant's bars share one scale. The last node runs until the stream ends; the red line is the median TTFT (which counts from the schedule, so it includes any harness queueing).",
    ),
  );
  const grid = host.appendChild(el('div', { class: 'waterfalls' }));
  for (const v of timed) grid.appendChild(variantWaterfall(v.name, v.nodes ?? [], v.ttftMs?.p50 ?? null, scale));
  host.appendChild(el('h3', null, 'Where the time to first token goes'));
  host.appendChild(
    el(
      'p',
      { class: 'muted small' },
      "Each node's time before the request's first content frame: median / p95; “first token ×n”: the requests whose first content came while the node was current.",
    ),
  );
  const names: string[] = [];
  for (const v of timed) for (const n of v.nodes ?? []) if (!names.includes(n.node)) names.push(n.node);
  const rows = names.map((name) => [
    name,
    ...timed.map((v) => {
      const n = (v.nodes ?? []).find((x) => x.node === name);
      return n ? `${fmtMs(n.beforeFirstTokenMs.p50)} / ${fmtMs(n.beforeFirstTokenMs.p95)}${n.firstContent ? ` · first token ×${n.firstContent}` : ''}` : '–';
    }),
  ]);
  const t = host.appendChild(table(['node', ...timed.map((v) => v.name)], rows));
  t.setAttribute('id', 'ttft-by-node');
  return host;
}

/** One request's nodes ([name, startMs, durationMs] in stream order), on its own scale; null without any. */
export function rowWaterfall(nodes: [string, number, number][] | null | undefined): HTMLElement | null {
  if (!nodes?.length) return null;
  const scale = Math.max(...nodes.map((n) => n[1] + n[2]));
  const box = el('details', { class: 'row-waterfall' }, el('summary', null, `nodes: ${nodes.map((n) => `${n[0]} ${fmtMs(n[2])}`).join(' · ')}`));
  for (const [name, start, duration] of nodes) box.appendChild(waterfallBar(name, start, duration, scale, `${fmtMs(start)} + ${fmtMs(duration)}`));
  return box;
}
