// How comparison numbers are written for people (gate reasons, the terminal table, the Markdown summary).
import type { MetricComparison } from './types.js';

type Unit = MetricComparison['unit'];

const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** A value in its unit: 89.6%, 633 ms, 12.4 ms, 0.812, 3.59 req/s. */
export function formatValue(v: number | null, unit: Unit): string {
  if (v === null || !Number.isFinite(v)) return '-';
  switch (unit) {
    case 'ratio':
      return `${(v * 100).toFixed(1)}%`;
    case 'ms':
      return `${Math.abs(v) >= 100 ? v.toFixed(0) : trim(v.toFixed(1))} ms`;
    case 'req/s':
      return `${v.toFixed(2)} req/s`;
    case 'USD':
      return `$${trim(v.toPrecision(3))}`;
    default:
      return Math.abs(v) >= 1000 ? v.toFixed(0) : trim(v.toPrecision(4));
  }
}

/** A signed difference: ratios in percentage points, others in their unit. */
export function formatDiff(v: number | null, unit: Unit): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const a = Math.abs(v);
  if (unit === 'ratio') return `${sign}${(a * 100).toFixed(1)} pp`;
  if (unit === 'USD') return `${sign}$${trim(a.toPrecision(3))}`;
  return `${sign}${formatValue(a, unit)}`;
}

export function formatPercent(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v * 100).toFixed(1)}%`;
}

export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '-';
  if (p < 0.0001) return '<0.0001';
  return p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}

/** "p = 0.012" or "p < 0.0001". */
export function pClause(p: number | null): string {
  const f = formatP(p);
  return f.startsWith('<') ? `p ${f.replace('<', '< ')}` : `p = ${f}`;
}

/** Column labels for the two sides: the variant names, or baseline / new when both are called the same. */
export function sideLabels(c: { baseline: string; variant: string }): [string, string] {
  return c.baseline === c.variant ? [`${c.baseline} (baseline)`, `${c.variant} (new)`] : [c.baseline, c.variant];
}

export function formatInterval(ci: { low: number; high: number } | null, unit: Unit): string {
  if (!ci) return '-';
  return `${formatDiff(ci.low, unit)} … ${formatDiff(ci.high, unit)}`;
}

export const TEST_LABEL: Record<string, string> = {
  'mcnemar-exact': 'McNemar exact',
  'two-proportion-z': 'two-proportion z',
  'paired-t': 'paired t',
  'bootstrap-paired': 'paired bootstrap',
  bootstrap: 'bootstrap',
};
