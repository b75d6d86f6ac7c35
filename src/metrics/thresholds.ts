// Threshold expressions (k6 style, DESIGN §2): a tiny grammar "<op> <number>" per named metric,
// parsed at load time, evaluated per variant on the summary (and on the harness report, run-wide).
import { harnessMetric, type HarnessMetric, type HarnessReport } from '../harness/harness-report.js';
import { closestKey } from '../text/closest-key.js';
import type { VariantSummary } from './variant-stats.js';
import { missingNodeNote, nodeMetricValue, parseNodeMetric } from './node-metrics.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

export interface ParsedThreshold {
  metric: string;
  op: ThresholdOp;
  limit: number;
  /** Not written in the suite: the default error-rate limit (max_error_rate) every run is held to. */
  implicit?: true;
}

export interface ThresholdResult {
  /** The default error-rate limit (max_error_rate), not a threshold the suite names. */
  implicit?: true;
  variant: string;
  metric: string;
  op: ThresholdOp;
  limit: number;
  actual: number | null;
  ok: boolean;
  /** Why there is no actual value, when the reason is worth saying (a node no stream went through). */
  note?: string;
}

const TIMING = ['latency', 'ttft', 'ttfb', 'itl', 'tpot', 'service'] as const;
const STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
const RATIOS = ['error_rate', 'pass_rate', 'mean_score', 'grader_error_rate', 'rps', 'output_tokens_per_s', 'pass_at_1', 'pass_all', 'consistency'] as const;

/**
 * The harness watching itself (harness/harness-report.ts): one figure for the whole run, which every
 * variant's threshold gets, since the variants share the threads.
 */
export const HARNESS_THRESHOLD_METRICS: Readonly<Record<HarnessMetric, string>> = {
  harness_stall_ms: "the longest stall of a request thread's event loop in ms (0 when none)",
  harness_delay_p99_ms: 'the largest event-loop delay p99 of any request thread in ms',
};

export const isHarnessMetric = (metric: string): metric is HarnessMetric => Object.hasOwn(HARNESS_THRESHOLD_METRICS, metric);

/** Cost (USD, `cost.prices`) and goodput (`goodput:`): src/metrics/economics-stats.ts defines them. */
export const ECONOMICS_THRESHOLD_METRICS = ['cost_total_usd', 'cost_mean_usd', 'cost_p95_usd', 'cost_per_pass_usd', 'goodput_share', 'goodput_rps'] as const;

/** Every metric name a threshold may use (metadata metrics add `<name>_<mean|p50|p95|max|sum>`). */
export const THRESHOLD_METRICS: readonly string[] = [
  ...TIMING.flatMap((m) => STATS.map((s) => `${m}_${s}_ms`)),
  ...RATIOS,
  ...ECONOMICS_THRESHOLD_METRICS,
  ...Object.keys(HARNESS_THRESHOLD_METRICS),
];

/**
 * The timings taken from content frames (metrics/timings.ts, stream-stats.ts): in `mode: run` the answer
 * arrives whole, so they are never measured and a threshold or gate on one could never pass or fire.
 */
const STREAM_ONLY: Readonly<Record<string, string>> = { ttft: 'TTFT', itl: 'inter-token latency', tpot: 'time per output token' };

/** The name of the stream-only timing `metric` is about (ttft_p95_ms -> TTFT), or null when run mode measures it. */
export function streamOnlyTiming(metric: string): string | null {
  if (parseNodeMetric(metric) !== null) return 'the time per node (progress_data of the stream frames)';
  // Only the built-in names: a metadata metric may start with "ttft_" too.
  return THRESHOLD_METRICS.includes(metric) ? (STREAM_ONLY[metric.split('_')[0]!] ?? null) : null;
}

const EXPR = /^\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/;

/** Parses one threshold; returns an error message (listing valid names) instead of throwing. */
export function parseThreshold(metric: string, expr: string | number, metadataNames: string[] = []): ParsedThreshold | string {
  const valid = [...THRESHOLD_METRICS, ...metadataNames.flatMap((n) => ['sum', 'mean', 'p50', 'p95', 'max'].map((s) => `${n}_${s}`))];
  // Node names are the flow's own: any name is taken here, one no stream went through is reported after the run.
  if (!valid.includes(metric) && parseNodeMetric(metric) === null) {
    if (/^node_/.test(metric))
      return `unknown threshold metric "${metric}": a node's time is node_<stat>_ms.<node name>, with stat one of min, mean, p50, p90, p95, p99, p999, max (e.g. node_p95_ms.Retrieval)`;
    const near = closestKey(metric, valid);
    return `unknown threshold metric "${metric}"${near === null ? '' : ` (did you mean ${near}?)`}; valid: ${valid.join(', ')}`;
  }
  const m = EXPR.exec(String(expr));
  if (!m) return `threshold "${metric}: ${expr}" must look like "< 1500", ">= 0.9" or "< 1%"`;
  const limit = m[3] === '%' ? Number(m[2]) / 100 : Number(m[2]);
  return { metric, op: m[1] as ThresholdOp, limit };
}

export function metricValue(s: VariantSummary, metric: string): number | null {
  switch (metric) {
    case 'error_rate':
      return s.requests ? s.errors / s.requests : null;
    case 'pass_rate':
      return s.grades.passRate;
    case 'mean_score':
      return s.grades.meanScore;
    case 'grader_error_rate': // graded rows with a grader that could not run
      return s.grades.graded ? s.grades.graderErrors / s.grades.graded : null;
    case 'rps':
      return s.rps;
    case 'output_tokens_per_s':
      return s.outputTokensPerSecond;
    // Suite `repeat` above 1 (metrics/repeat-stats.ts); without repeats they are not measured.
    case 'pass_at_1':
      return s.repeats?.passAt1 ?? null;
    case 'pass_all':
      return s.repeats?.passAllN ?? null;
    case 'consistency':
      return s.repeats?.consistency ?? null;
  }
  const economic = economicsValue(s, metric);
  if (economic !== undefined) return economic;
  // Before the metadata names: a node may be called "x_max".
  const node = parseNodeMetric(metric);
  if (node) return nodeMetricValue(s, node);
  const timing = /^(latency|ttft|ttfb|itl|tpot|service)_(\w+)_ms$/.exec(metric);
  if (timing) {
    const summary = s[`${timing[1]}Ms` as 'latencyMs' | 'ttftMs' | 'ttfbMs' | 'itlMs' | 'tpotMs' | 'serviceMs'];
    return summary ? (summary[timing[2] as (typeof STATS)[number]] ?? null) : null;
  }
  const meta = /^(.+)_(sum|mean|p50|p95|max)$/.exec(metric);
  if (meta) {
    const mm = s.metadataMetrics[meta[1]!];
    return mm ? mm[meta[2] as 'sum' | 'mean' | 'p50' | 'p95' | 'max'] : null;
  }
  return null;
}

/**
 * Cost and goodput metrics (undefined: not one of them). A cost that is unknown for some result (a model
 * without a price) is not measured: a sum that leaves runs out is no pass.
 */
function economicsValue(s: VariantSummary, metric: string): number | null | undefined {
  const cost = s.cost && s.cost.unknown === 0 ? s.cost : null;
  switch (metric) {
    case 'cost_total_usd':
      return cost ? cost.totalUsd : null;
    case 'cost_mean_usd':
    case 'cost_mean': // the comparison's name (compare/metric-list.ts)
      return cost ? cost.meanUsd : null;
    case 'cost_p95_usd':
    case 'cost_p95':
      return cost ? cost.p95Usd : null;
    case 'cost_per_pass_usd':
      return cost ? cost.perPassUsd : null;
    case 'goodput_share':
      return s.goodput ? s.goodput.share : null;
    case 'goodput_rps':
      return s.goodput ? s.goodput.rps : null;
  }
  return undefined;
}

function holds(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}

/**
 * A metric that was not measured (null) fails its threshold: no data is not a pass. So a harness
 * metric fails without `harness` (a run that was not watched).
 */
export function evaluateThresholds(
  parsed: ParsedThreshold[],
  variants: { name: string; summary: VariantSummary }[],
  harness?: HarnessReport | null,
): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const v of variants) {
    for (const t of parsed) {
      const actual = isHarnessMetric(t.metric) ? harnessMetric(harness, t.metric) : metricValue(v.summary, t.metric);
      const node = actual === null ? parseNodeMetric(t.metric) : null;
      const note = node === null ? null : missingNodeNote(v.summary, node);
      out.push({ variant: v.name, ...t, actual, ok: actual !== null && holds(actual, t.op, t.limit), ...(note !== null && { note }) });
    }
  }
  return out;
}
