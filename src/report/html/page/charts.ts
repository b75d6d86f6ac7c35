// Browser side of report.html: the charts, drawn with uPlot (inlined into the page). Inlined by
// source text like dom.ts: page functions and arguments only.
import type uPlot from 'uplot';
import type { Bins, Curve, PageData } from '../page-data.js';
import { el, fmtMs, variantColor } from './dom.js';

/** Draws one uPlot chart into a new box appended to host; redrawn to the host's width on resize. */
export function plot(host: HTMLElement, title: string, opts: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData): uPlot {
  const U = (window as unknown as { uPlot: typeof uPlot }).uPlot;
  const box = el('div', { class: 'chart', 'data-chart': title });
  host.appendChild(box);
  const width = () => Math.max(280, box.clientWidth || host.clientWidth || 600);
  const u = new U({ ...opts, title, width: width(), height: 280 } as uPlot.Options, data, box);
  // Follow the box (grid column, window) in width; uPlot's own root never changes the box's width.
  let last = width();
  new ResizeObserver(() => {
    const w = width();
    if (Math.abs(w - last) > 2) u.setSize({ width: (last = w), height: 280 });
  }).observe(box);
  return u;
}

/** "99.9%" for x = 1/(1-p) = 1000. */
export function percentileLabel(x: number): string {
  const p = 100 * (1 - 1 / x);
  if (p <= 0) return '0%';
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(100 - p + 1e-12)) + 1));
  const s = p.toFixed(digits);
  return `${digits > 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s}%`;
}

/** Variants overlaid on the log percentile axis of HdrHistogram's plotter. */
export function percentileChart(host: HTMLElement, title: string, curves: Curve[], variants: string[]): void {
  if (!curves.length) {
    host.appendChild(el('p', { class: 'muted' }, `${title}: not measured in this run.`));
    return;
  }
  const xs = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = curves.map((c) => {
    const col: (number | null)[] = xs.map(() => null);
    c.x.forEach((x, i) => (col[at.get(x)!] = c.ms[i]!));
    return col;
  });
  const maxX = xs[xs.length - 1]!;
  plot(
    host,
    title,
    {
      scales: { x: { time: false, distr: 3, log: 10, range: () => [1, maxX] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      axes: [
        {
          label: 'percentile',
          // Decades (90%, 99%, 99.9%…); with less than two decades of data, 1-2-5 steps as well.
          splits: () => {
            const steps = maxX < 100 ? [1, 2, 5] : [1];
            const out: number[] = [];
            for (let d = 1; d <= maxX * 1.0001; d *= 10) for (const s of steps) if (d * s <= maxX * 1.0001) out.push(d * s);
            return out;
          },
          // uPlot's default log filter blanks non-decade ticks (as null): keep the ones chosen above.
          filter: (_u, splits) => splits,
          values: (_u, splits) => splits.map((x) => (x === null || x === undefined ? '' : percentileLabel(x))),
        },
        { label: 'ms', size: 60, values: (_u, splits) => splits.map((v) => `${v}`) },
      ],
      series: [
        { label: 'percentile', value: (_u, x) => (x === null ? '–' : percentileLabel(x)) },
        ...curves.map((c) => ({
          label: c.variant,
          stroke: variantColor(Math.max(0, variants.indexOf(c.variant))),
          width: 2,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => fmtMs(v),
        })),
      ],
    },
    [xs, ...ys] as uPlot.AlignedData,
  );
}

/** Overlaid, semi-transparent bars; every variant binned over the same range. */
export function histogramChart(host: HTMLElement, title: string, bins: Bins[], variants: string[]): void {
  if (!bins.length) {
    host.appendChild(el('p', { class: 'muted' }, `${title}: not measured in this run.`));
    return;
  }
  const U = (window as unknown as { uPlot: typeof uPlot }).uPlot;
  const first = bins[0]!;
  const xs = first.counts.map((_, i) => first.fromMs + (i + 0.5) * first.widthMs);
  plot(
    host,
    title,
    {
      scales: { x: { time: false, range: [first.fromMs, first.fromMs + first.counts.length * first.widthMs] } },
      axes: [
        { label: 'ms', values: (_u, splits, _a, _s, incr) => splits.map((v) => v.toFixed(Math.max(0, Math.min(3, -Math.floor(Math.log10(incr || 1)))))) },
        { label: 'requests', size: 60 },
      ],
      series: [
        { label: 'ms', value: (_u, x) => (x === null ? '–' : `${fmtMs(x - first.widthMs / 2)} – ${fmtMs(x + first.widthMs / 2)}`) },
        ...bins.map((b) => {
          const color = variantColor(Math.max(0, variants.indexOf(b.variant)));
          return { label: b.variant, stroke: color, fill: `${color}55`, width: 1, paths: U.paths.bars!({ size: [0.95, Infinity], align: 0 }) };
        }),
      ],
    },
    [xs, ...bins.map((b) => b.counts)] as uPlot.AlignedData,
  );
}

/** Throughput and in-flight; latency p50/p99 with errors marked. */
export function timelineCharts(host: HTMLElement, tl: NonNullable<PageData['timeline']>, variants: string[]): void {
  const color = (name: string) => variantColor(Math.max(0, variants.indexOf(name)));
  const bucketS = tl.bucketMs / 1000;
  const xRange: [number, number] = [tl.t[0] ?? 0, (tl.t[tl.t.length - 1] ?? 0) + bucketS];
  const secs = { label: 'seconds', values: (_u: uPlot, splits: number[]) => splits.map((v) => `${v}s`) };
  const xSeries = { label: 'time', value: (_u: uPlot, x: number | null) => (x === null ? '–' : `${x}s`) };
  plot(
    host,
    'Throughput (req/s) and requests in flight',
    {
      scales: {
        x: { time: false, range: xRange },
        y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] },
        n: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [secs, { label: 'req/s', size: 55 }, { scale: 'n', side: 1, label: 'in flight', size: 55, grid: { show: false } }],
      series: [
        xSeries,
        ...tl.series.map((s) => ({ label: `${s.variant} req/s`, stroke: color(s.variant), width: 2 })),
        ...tl.series.map((s) => ({ label: `${s.variant} in flight`, stroke: color(s.variant), width: 1, dash: [6, 4], scale: 'n' })),
      ],
    },
    [tl.t, ...tl.series.map((s) => s.throughput), ...tl.series.map((s) => s.inFlight)] as uPlot.AlignedData,
  );
  const anyErrors = tl.series.some((s) => s.errors.some((e) => e > 0));
  plot(
    host,
    `Latency p50 / p99 over time (ms)${anyErrors ? ', errors marked' : ''}`,
    {
      scales: {
        x: { time: false, range: xRange },
        y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] },
        e: { range: (_u, _a, max) => [0, Math.max(1, max * 1.2)] },
      },
      axes: [secs, { label: 'ms', size: 60 }, { scale: 'e', side: 1, label: 'errors', size: 45, grid: { show: false } }],
      series: [
        xSeries,
        ...tl.series.map((s) => ({
          label: `${s.variant} p50`,
          stroke: color(s.variant),
          width: 2,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => fmtMs(v),
        })),
        ...tl.series.map((s) => ({
          label: `${s.variant} p99`,
          stroke: color(s.variant),
          width: 1.5,
          dash: [4, 3],
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => fmtMs(v),
        })),
        ...tl.series.map((s) => ({
          label: `${s.variant} errors`,
          stroke: '#d62728',
          fill: '#d62728',
          scale: 'e',
          width: 0,
          paths: () => null,
          points: { show: true, size: 10, width: 2, stroke: color(s.variant), fill: '#d62728' },
        })),
      ],
    },
    [
      tl.t,
      ...tl.series.map((s) => s.latencyP50),
      ...tl.series.map((s) => s.latencyP99),
      ...tl.series.map((s) => s.errors.map((e) => (e > 0 ? e : null))),
    ] as uPlot.AlignedData,
  );
}
