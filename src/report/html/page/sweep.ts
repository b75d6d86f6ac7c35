// Browser side of report.html: a rate sweep's steps (report.sweep): latency and achieved throughput
// against the offered rate per variant, the table of steps (sent and completed beside the target), and
// the sustainable rate with the sweep's verdict. Inlined by source text like dom.ts.
import type uPlot from 'uplot';
import type { SweepReport } from '../../run-parts.js';
import type { PageData } from '../page-data.js';
import { plot } from './charts.js';
import { badge, el, fmtMs, fmtNum, fmtPct, section, table, variantColor } from './dom.js';

export function sweepSection(d: PageData): HTMLElement | null {
  const sweep = (d.report as unknown as { sweep?: SweepReport | null }).sweep;
  if (!sweep || !Array.isArray(sweep.steps) || !sweep.steps.length) return null;
  const names = d.rows.variants;
  const color = (n: string) => variantColor(Math.max(0, names.indexOf(n)));
  const rate = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${fmtNum(v)} req/s`);
  const rows = sweep.steps.flatMap((s) =>
    s.variants.map((v) => [
      rate(s.rate),
      rate(s.sentRps),
      rate(s.completedRps),
      v.name,
      rate(v.rps),
      fmtPct(v.errorRate),
      `${fmtMs(v.ttftMs?.p50)} / ${fmtMs(v.ttftMs?.p95)}`,
      `${fmtMs(v.latencyMs?.p50)} / ${fmtMs(v.latencyMs?.p95)} / ${fmtMs(v.latencyMs?.p99)}`,
      s.thresholdsOk ? badge('met', 'pass') : badge('not met', 'fail'),
    ]),
  );
  // Older reports have no verdict of the sweep's own.
  const verdict = sweep.verdict ? badge(sweep.verdict.ok ? 'SWEEP PASS' : 'SWEEP FAIL', sweep.verdict.ok ? 'pass' : 'fail') : null;
  const host = section(
    'sweep',
    'Rate sweep',
    el(
      'p',
      null,
      verdict,
      ' ',
      sweep.sustainableRate === null
        ? `No step met the criterion (${sweep.criterion}).`
        : `Sustainable rate: ${fmtNum(sweep.sustainableRate)} req/s — the highest step that met ${sweep.criterion}.`,
      sweep.verdict && !sweep.verdict.ok && sweep.sustainableRate !== null ? ` Fails: ${sweep.verdict.reason}.` : '',
    ),
    el(
      'div',
      { class: 'scroll' },
      table(['target', 'sent', 'completed', 'variant', 'variant completed', 'errors', 'TTFT p50 / p95', 'latency p50 / p95 / p99', 'thresholds'], rows),
    ),
  );
  const grid = host.appendChild(el('div', { class: 'chart-grid' }));
  const rates = sweep.steps.map((s) => s.rate);
  const per = (get: (v: SweepReport['steps'][number]['variants'][number]) => number | null | undefined, n: string) =>
    sweep.steps.map((s) => get(s.variants.find((v) => v.name === n)!) ?? null);
  const present = names.filter((n) => sweep.steps.some((s) => s.variants.some((v) => v.name === n)));
  const x = { label: 'offered rate', value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${fmtNum(v)} req/s`) };
  plot(
    grid,
    'Latency p50 / p99 by offered rate (ms)',
    {
      scales: { x: { time: false }, y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ label: 'offered req/s' }, { label: 'ms', size: 60 }],
      series: [
        x,
        ...present.map((n) => ({ label: `${n} p50`, stroke: color(n), width: 2, value: (_u: uPlot, v: number | null) => fmtMs(v) })),
        ...present.map((n) => ({ label: `${n} p99`, stroke: color(n), width: 1.5, dash: [4, 3], value: (_u: uPlot, v: number | null) => fmtMs(v) })),
      ],
    },
    [rates, ...present.map((n) => per((v) => v?.latencyMs?.p50, n)), ...present.map((n) => per((v) => v?.latencyMs?.p99, n))] as uPlot.AlignedData,
  );
  plot(
    grid,
    'Achieved throughput by offered rate (req/s)',
    {
      scales: { x: { time: false }, y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ label: 'offered req/s' }, { label: 'achieved req/s', size: 60 }],
      series: [
        x,
        { label: 'offered', stroke: '#999', dash: [2, 4], width: 1 },
        { label: 'sent', stroke: '#666', width: 1 },
        ...present.map((n) => ({ label: n, stroke: color(n), width: 2 })),
      ],
    },
    [rates, rates, sweep.steps.map((s) => s.sentRps), ...present.map((n) => per((v) => v?.rps, n))] as uPlot.AlignedData,
  );
  return host;
}
