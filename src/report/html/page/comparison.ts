// Browser side of report.html: the comparison view for report.json's comparisons[] (compare/types.ts):
// per candidate, every metric with its difference, interval and test; rank-shift tests; flip counts
// with a link to the flipped rows in the table. Inlined by source text like dom.ts.
import type { Comparison, GateResult, MetricComparison } from '../../../compare/types.js';
import { badge, el, fmtNum, table } from './dom.js';

export function isComparison(c: unknown): c is Comparison {
  const o = c as Partial<Comparison> | null;
  return typeof o === 'object' && o !== null && typeof o.variant === 'string' && Array.isArray(o.metrics);
}

/** A value in its unit: 89.6%, 633 ms, 0.812, 3.59 req/s. */
export function unitValue(v: number | null | undefined, unit: MetricComparison['unit']): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'ms') return Math.abs(v) >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
  if (unit === 'req/s') return `${v.toFixed(2)} req/s`;
  return fmtNum(v);
}

/** A signed difference: ratios in percentage points, others in their unit. */
export function unitDiff(v: number | null | undefined, unit: MetricComparison['unit']): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return unit === 'ratio' ? `${sign}${(Math.abs(v) * 100).toFixed(1)} pp` : `${sign}${unitValue(Math.abs(v), unit)}`;
}

export function pText(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.0001 ? '<0.0001' : p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}

export function comparisonBlock(c: Comparison): HTMLElement {
  const level = `${Math.round((c.confidence ?? 0.95) * 100)}%`;
  const how = c.paired
    ? `paired over ${fmtNum(c.pairs)} rows${c.clustered ? ` (${c.clustered.repeats} repeats each: ${c.clustered.note})` : ''}`
    : 'unpaired (summaries and histograms)';
  const from = [c.baselineRun ? `baseline from ${c.baselineRun}` : '', c.candidateRun ? `candidate from ${c.candidateRun}` : ''].filter(Boolean).join('; ');
  const metricRows = c.metrics.map((m) => {
    const rel =
      m.relDiff === null || m.relDiff === undefined ? '' : ` (${m.relDiff > 0 ? '+' : m.relDiff < 0 ? '−' : '±'}${Math.abs(m.relDiff * 100).toFixed(1)}%)`;
    return [
      m.metric,
      unitValue(m.baseline, m.unit),
      unitValue(m.candidate, m.unit),
      `${unitDiff(m.diff, m.unit)}${rel}`,
      m.ci ? `${unitDiff(m.ci.low, m.unit)} … ${unitDiff(m.ci.high, m.unit)}` : '–',
      pText(m.pValue),
      m.test ?? '–',
      m.n ? `${m.n.baseline} / ${m.n.candidate}${m.n.pairs !== null ? ` (${m.n.pairs} pairs)` : ''}` : '–',
      m.note ?? '',
    ];
  });
  const shifts = (c.shifts ?? []).map((s) => [s.metric, fmtNum(s.u), fmtNum(Math.round(s.z * 100) / 100), pText(s.pValue), `${s.nBaseline} / ${s.nCandidate}`]);
  const f = c.flips;
  return el(
    'div',
    { class: 'comparison', 'data-variant': c.variant },
    el('h3', null, `${c.variant} vs ${c.baseline} `, c.verdict === 'fail' ? badge('gate failed', 'fail') : badge('no gate fired', 'pass')),
    el('p', { class: 'muted' }, `${how}; ${level} intervals of candidate − baseline; α = ${c.alpha}.${from ? ` ${from}.` : ''}`),
    el('div', { class: 'scroll' }, table(['metric', c.baseline, c.variant, 'difference', `${level} interval`, 'p', 'test', 'n', 'note'], metricRows)),
    shifts.length ? el('h4', null, 'Distribution shift (Mann–Whitney)') : null,
    shifts.length ? table(['metric', 'U', 'z', 'p', 'n'], shifts) : null,
    f ? el('p', null, `Flipped rows: ${f.passToFail} pass → fail, ${f.failToPass} fail → pass.`) : null,
  );
}

export function gateRows(gates: GateResult[], variant: string, baseline: string): (string | Node)[][] {
  return gates.map((g) => [
    `${variant} vs ${baseline}`,
    g.gate,
    `${g.direction} > ${g.limit}`,
    g.relative ? (g.relChange === null ? '–' : `${(g.relChange * 100).toFixed(1)}%`) : g.change === null ? '–' : fmtNum(g.change),
    pText(g.pValue),
    g.fired ? badge('FAIL', 'fail') : g.status === 'no-data' ? badge('no data', 'info') : badge('pass', 'pass'),
    g.reason,
  ]);
}
