// Browser side of report.html: the GenAI-Perf-style plots (TTFT against input length, latency
// against output tokens, inter-token gap by token position, output tokens/s over time), drawn from
// plot-data.ts's series and, for tokens/s, the run's timeline, with uPlot. Inlined by source text like dom.ts: page functions and arguments only.
import type uPlot from 'uplot';
import type { PageData } from '../page-data.js';
import type { ScatterSeries } from '../plot-data.js';
import { plot } from './charts.js';
import { el, fmtMs, fmtNum, section, variantColor } from './dom.js';

/** Tick steps for a whole-number axis: 1, 2, 5, 10, 20, 50, … */
export function wholeSteps(): number[] {
  const out: number[] = [];
  for (let d = 1; d <= 1e9; d *= 10) out.push(d, 2 * d, 5 * d);
  return out;
}

/** One scatter chart: every variant's points on one sorted x axis (uPlot's aligned data, nulls elsewhere). */
export function scatterChart(host: HTMLElement, title: string, xLabel: string, yLabel: string, series: ScatterSeries[], variants: string[]): void {
  if (!series.length) {
    host.appendChild(el('p', { class: 'muted' }, `${title}: nothing measured in this run.`));
    return;
  }
  const pts: [number, number, number][] = [];
  series.forEach((s, k) => s.x.forEach((x, i) => pts.push([x, k, s.y[i]!])));
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const xs = pts.map((p) => p[0]);
  const ys = series.map((_, k) => pts.map((p) => (p[1] === k ? p[2] : null)));
  // Token counts are whole numbers: no tick at 2.5 tokens.
  const whole = xs.every((x) => Number.isInteger(x));
  plot(
    host,
    title,
    {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      axes: [whole ? { label: xLabel, incrs: wholeSteps() } : { label: xLabel }, { label: yLabel, size: 60 }],
      series: [
        { label: xLabel, value: (_u, x) => (x === null ? '–' : fmtNum(x)) },
        ...series.map((s) => {
          const color = variantColor(Math.max(0, variants.indexOf(s.variant)));
          return {
            label: s.variant,
            stroke: color,
            fill: color,
            paths: () => null,
            points: { show: true, size: 6, width: 1, stroke: color, fill: color },
            value: (_u: uPlot, v: number | null) => fmtMs(v),
          };
        }),
      ],
    },
    [xs, ...ys] as uPlot.AlignedData,
  );
}

/** Median and p95 inter-token gap per token-position bucket, a solid and a dashed line per variant. */
export function itlChart(host: HTMLElement, itl: NonNullable<NonNullable<PageData['plots']>['itl']>, variants: string[]): void {
  const color = (name: string) => variantColor(Math.max(0, variants.indexOf(name)));
  const pos = (x: number) => (itl.width === 1 ? `token ${x}` : `tokens ${x}–${x + itl.width - 1}`);
  plot(
    host,
    'Inter-token latency by token position (ms)',
    {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { incrs: wholeSteps(), label: itl.width === 1 ? 'token position (content frame)' : `token position (content frame, buckets of ${itl.width})` },
        { label: 'ms', size: 60 },
      ],
      series: [
        { label: 'position', value: (_u, x) => (x === null ? '–' : pos(x)) },
        ...itl.series.map((s) => ({
          label: `${s.variant} p50`,
          stroke: color(s.variant),
          width: 2,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => fmtMs(v),
        })),
        ...itl.series.map((s) => ({
          label: `${s.variant} p95`,
          stroke: color(s.variant),
          width: 1.5,
          dash: [4, 3],
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => fmtMs(v),
        })),
      ],
    },
    [itl.x, ...itl.series.map((s) => s.p50), ...itl.series.map((s) => s.p95)] as uPlot.AlignedData,
  );
}

export function tokensChart(host: HTMLElement, tps: NonNullable<PageData['timeline']>, variants: string[]): void {
  const bucketS = tps.bucketMs / 1000;
  plot(
    host,
    'Output tokens per second over time',
    {
      scales: {
        x: { time: false, range: [tps.t[0] ?? 0, (tps.t[tps.t.length - 1] ?? 0) + bucketS] },
        y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        { label: 'seconds', values: (_u, splits) => splits.map((v) => `${v}s`) },
        { label: 'tokens/s', size: 60 },
      ],
      series: [
        { label: 'time', value: (_u, x) => (x === null ? '–' : `${x}s`) },
        ...tps.series.map((s) => ({
          label: s.variant,
          stroke: variantColor(Math.max(0, variants.indexOf(s.variant))),
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${fmtNum(v)} tokens/s`),
        })),
      ],
    },
    [tps.t, ...tps.series.map((s) => s.outputTokensPerS)] as uPlot.AlignedData,
  );
}

/** The section, or null when the report has no results to plot. Charts are drawn once it is in the page (they need its width). */
export function requestPlotsSection(d: PageData): { host: HTMLElement; draw: () => void } | null {
  const p = d.plots;
  if (!p?.sample.length) return null;
  const sampled = p.sample.filter((s) => s.every > 1);
  const tl = d.timeline;
  const tokens = tl?.series.some((s) => s.outputTokensPerS.some((v) => v > 0)) ? tl : null;
  const note = sampled.length
    ? `The scatter and inter-token plots show a sample, to keep the page small: ${sampled.map((s) => `${s.variant}, 1 in every ${s.every} successful results (${s.kept.toLocaleString('en-US')} of ${s.results.toLocaleString('en-US')})`).join('; ')}. `
    : 'Every successful result is plotted. ';
  const host = section(
    'request-plots',
    'Per-request plots',
    el(
      'p',
      { class: 'muted' },
      note +
        `Input length is ${p.inputUnit === 'tokens' ? 'input tokens as the server reported them' : "characters of the flow inputs' values"}. ` +
        'Inter-token latency is the gap between consecutive content frames, by the position of the later frame (median and p95). ' +
        `Tokens per second is the run's timeline (report.json): each answer's output tokens spread over its content frames in whole tokens, every successful result${tokens ? `, in ${tokens.bucketMs / 1000}-second buckets` : ''}.`,
    ),
  );
  const draw = () => {
    const grid = host.appendChild(el('div', { class: 'chart-grid' }));
    const variants = d.rows.variants;
    scatterChart(grid, 'TTFT vs input length', p.inputUnit === 'tokens' ? 'input tokens' : 'input length (characters)', 'TTFT (ms)', p.ttftByInput, variants);
    scatterChart(grid, 'Latency vs output tokens', 'output tokens', 'latency (ms)', p.latencyByOutputTokens, variants);
    if (p.itl) itlChart(grid, p.itl, variants);
    else
      grid.appendChild(
        el('p', { class: 'muted' }, 'Inter-token latency by token position: no result had two content frames (run mode, or one-frame answers).'),
      );
    if (tokens) tokensChart(grid, tokens, variants);
    else grid.appendChild(el('p', { class: 'muted' }, 'Output tokens per second: no result had timestamps and output tokens.'));
  };
  return { host, draw };
}
