// Regression gates (`compare.fail_on`): parsed at load time, evaluated on a comparison. A gate fires
// only when the change is worse than its limit AND significant at alpha.
import { closestKey } from '../text/closest-key.js';
import { THRESHOLD_METRICS } from '../metrics/thresholds.js';
import { nodeMetricName, parseNodeMetric } from '../metrics/node-metrics.js';
import { formatDiff, formatInterval, formatPercent, formatValue, pClause, TEST_LABEL } from './format.js';
import type { GateResult, MetricComparison } from './types.js';

export interface Gate {
  key: string;
  metric: string;
  direction: 'increase' | 'decrease';
  limit: string;
  /** In the metric's unit, or a fraction of the baseline when relative. */
  limitValue: number;
  relative: boolean;
}

export interface GateProblem {
  /** Whether the key or the value is wrong (for the line number). */
  at: 'key' | 'value';
  message: string;
  hint: string;
}

const RATIO_METRICS = ['pass_rate', 'error_rate', 'mean_score'];
/** Cost per result (USD), paired per row like a metadata field (compare/outcomes.ts reads record.costUsd). */
const COST_GATE_METRICS = ['cost_mean', 'cost_p95'];
const SUFFIXES: Record<string, 'increase' | 'decrease'> = { increase: 'increase', rise: 'increase', decrease: 'decrease', drop: 'decrease' };

/** Metrics a gate may use: those the comparison tests (a gate on an untested number could never be significant). */
export function gateMetrics(metadataNames: readonly string[]): string[] {
  const timing = THRESHOLD_METRICS.filter((m) => /^(latency|ttft|ttfb)_(mean|p\d+)_ms$/.test(m));
  return [...RATIO_METRICS, ...timing, ...COST_GATE_METRICS, ...metadataNames.flatMap((n) => [`${n}_mean`, `${n}_p50`, `${n}_p95`])];
}

export const isTimingMetric = (metric: string) => metric.endsWith('_ms') || parseNodeMetric(metric) !== null;

/** Parses one `fail_on` entry; returns a problem (with a fix) instead of throwing. */
export function parseGate(key: string, value: string | number, metadataNames: readonly string[] = []): Gate | GateProblem {
  const m = /^(.+)_(increase|rise|decrease|drop)$/.exec(key);
  const valid = gateMetrics(metadataNames);
  const example = 'e.g. pass_rate_drop: 0.02, ttft_p95_increase: 10%, latency_p50_increase: 50ms';
  // A node's time: node_<stat>_<direction>.<node name>, e.g. node_p95_increase.Retrieval (any node name: the flow's own).
  const node = /^node_(mean|p50|p90|p95|p99|p999)_(increase|rise|decrease|drop)\.(.+)$/s.exec(key);
  if (node) return gateLimit(key, nodeMetricName(node[1]!, node[3]!), SUFFIXES[node[2]!]!, value);
  if (/^node_/.test(key)) {
    return {
      at: 'key',
      message: `unknown gate "${key}": a gate on a node's time is node_<stat>_increase.<node name> (or _decrease)`,
      hint: 'stat one of mean, p50, p90, p95, p99, p999; e.g. node_p95_increase.Retrieval: 100ms',
    };
  }
  if (!m) {
    const names = valid.flatMap((v) => ['increase', 'decrease', 'drop', 'rise'].map((d) => `${v.replace(/_ms$/, '')}_${d}`));
    const near = closestKey(key, names);
    return {
      at: 'key',
      message: `unknown gate "${key}": a gate is a metric followed by _increase or _decrease (or _drop)`,
      hint: near === null ? example : `did you mean ${near}? ${example}`,
    };
  }
  const base = m[1]!;
  const metric = [base, `${base}_ms`].find((x) => valid.includes(x));
  if (!metric) {
    const known = THRESHOLD_METRICS.includes(base) || THRESHOLD_METRICS.includes(`${base}_ms`);
    return {
      at: 'key',
      message: known
        ? `gate "${key}": ${base} has no significance test, so a gate on it could never fire`
        : `gate "${key}": unknown metric "${base}"${((n) => (n === null ? '' : ` (did you mean ${n.replace(/_ms$/, '')}_${m[2]}?)`))(closestKey(base, valid))}`,
      hint: `gate one of: ${valid.map((v) => v.replace(/_ms$/, '')).join(', ')} (+ _increase / _decrease); use a threshold for other metrics`,
    };
  }
  return gateLimit(key, metric, SUFFIXES[m[2]!]!, value);
}

/** The limit of a gate whose metric is known: points for rates, ms or a share of the baseline for timings. */
function gateLimit(key: string, metric: string, direction: 'increase' | 'decrease', value: string | number): Gate | GateProblem {
  const ratio = RATIO_METRICS.includes(metric);
  const timing = isTimingMetric(metric);
  const text = String(value).trim();
  const v = /^(\d+(?:\.\d+)?)\s*(%|pp|ms|s)?$/.exec(text);
  const bad = (why: string): GateProblem => ({
    at: 'value',
    message: `gate "${key}: ${text}": ${why}`,
    hint: ratio
      ? 'write the allowed change in points, e.g. 0.02 or 2% (two points)'
      : timing
        ? 'write e.g. 50ms, 0.5s, 10% (of the baseline) or a number of ms'
        : "write a number in the metric's unit or a percentage of the baseline, e.g. 10%",
  });
  if (!v) return bad('the limit must be a non-negative number, optionally with %, ms or s');
  const n = Number(v[1]);
  switch (v[2]) {
    case undefined:
      return { key, metric, direction, limit: text, limitValue: n, relative: false };
    // For rates a percentage is points (as in thresholds: "< 1%" is 0.01); elsewhere it is relative to the baseline.
    case '%':
      return { key, metric, direction, limit: text, limitValue: n / 100, relative: !ratio };
    case 'pp':
      return ratio ? { key, metric, direction, limit: text, limitValue: n / 100, relative: false } : bad('pp (percentage points) applies to rates only');
    default:
      if (!timing) return bad(`${v[2]} applies to timing metrics only`);
      return { key, metric, direction, limit: text, limitValue: v[2] === 's' ? n * 1000 : n, relative: false };
  }
}

/** Parses every gate, throwing the first problem as an Error (the loader reports problems itself, with lines). */
export function parseGates(failOn: Record<string, string | number>, metadataNames: readonly string[] = []): Gate[] {
  return Object.entries(failOn).map(([k, v]) => {
    const g = parseGate(k, v, metadataNames);
    if ('at' in g) throw new Error(`${g.message} (${g.hint})`);
    return g;
  });
}

function describeLimit(g: Gate, unit: MetricComparison['unit']): string {
  if (g.relative) return `${(g.limitValue * 100).toFixed(g.limitValue * 100 >= 1 ? 0 : 1)}% of the baseline`;
  return unit === 'ratio' ? `${(g.limitValue * 100).toFixed(1)} pp` : formatValue(g.limitValue, unit);
}

export function evaluateGate(g: Gate, mc: MetricComparison | undefined, alpha: number): GateResult {
  const base = { gate: g.key, metric: g.metric, direction: g.direction, limit: g.limit, limitValue: g.limitValue, relative: g.relative };
  if (!mc || mc.diff === null) {
    return {
      ...base,
      change: null,
      relChange: null,
      pValue: null,
      ci: null,
      status: 'no-data',
      fired: false,
      reason: `${g.metric} was not measured on both sides: the gate could not be checked`,
    };
  }
  const change = g.direction === 'increase' ? mc.diff : -mc.diff;
  const relChange = mc.baseline ? change / Math.abs(mc.baseline) : change > 0 ? Infinity : 0;
  const exceeds = g.relative ? relChange > g.limitValue : change > g.limitValue;
  const significant = mc.pValue !== null && mc.pValue < alpha && change > 0;
  const status = exceeds && significant ? 'fired' : exceeds ? 'not-significant' : 'within-limit';
  const moved = `${g.metric} ${mc.diff > 0 ? 'rose' : mc.diff < 0 ? 'fell' : 'did not change'}${mc.diff ? ` by ${formatDiff(mc.diff, mc.unit).slice(1)}` : ''}`;
  const span = `${formatValue(mc.baseline, mc.unit)} → ${formatValue(mc.candidate, mc.unit)}${mc.unit !== 'ratio' && mc.relDiff !== null ? `, ${formatPercent(mc.relDiff)}` : ''}`;
  const evidence =
    mc.pValue === null ? 'untested' : `${TEST_LABEL[mc.test ?? ''] ?? 'test'} ${pClause(mc.pValue)}${mc.ci ? `, CI ${formatInterval(mc.ci, mc.unit)}` : ''}`;
  const verdict =
    status === 'fired'
      ? `worse than the ${describeLimit(g, mc.unit)} allowed, and significant at alpha ${alpha}`
      : status === 'not-significant'
        ? `worse than the ${describeLimit(g, mc.unit)} allowed, but not significant at alpha ${alpha}: not failing on noise`
        : `within the ${describeLimit(g, mc.unit)} allowed`;
  return {
    ...base,
    change,
    relChange: Number.isFinite(relChange) ? relChange : null,
    pValue: mc.pValue,
    ci: mc.ci,
    status,
    fired: status === 'fired',
    reason: `${moved} (${span}; ${evidence}): ${verdict}`,
  };
}
