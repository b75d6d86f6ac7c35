// Which metrics a comparison reports: a default set, every metric a threshold or gate names, and
// the numeric metadata fields; and how a metric name splits into family and statistic.
import type { Statistic } from './weighted-sample.js';
import { nodeMetricName, parseNodeMetric } from '../metrics/node-metrics.js';

export interface SideFacts {
  graded: boolean;
  timings: Set<string>;
  metadata: string[];
  /** Results had a known cost (cost.prices). */
  costed?: boolean;
  /** The flow nodes the side timed, in flow order. */
  nodes?: string[];
}

const DEFAULT_TIMING = ['mean', 'p50', 'p95'];

export function metricList(facts: SideFacts[], named: readonly string[]): string[] {
  const out: string[] = [];
  const add = (m: string) => {
    if (!out.includes(m)) out.push(m);
  };
  if (facts.some((f) => f.graded)) {
    add('pass_rate');
    add('mean_score');
  }
  add('error_rate');
  for (const t of ['ttft', 'latency']) {
    if (facts.some((f) => f.timings.has(t))) for (const s of DEFAULT_TIMING) add(`${t}_${s}_ms`);
  }
  add('rps');
  if (facts.some((f) => f.costed)) add('cost_mean');
  for (const name of [...new Set(facts.flatMap((f) => f.metadata))]) {
    add(`${name}_mean`);
    add(`${name}_p95`);
  }
  // Each node's median time: the comparison names the node that moved (node_p50_ms.Retrieval).
  for (const node of [...new Set(facts.flatMap((f) => f.nodes ?? []))]) add(nodeMetricName('p50', node));
  for (const m of named) add(m);
  return out;
}

/** `ttft_p95_ms` -> { family: 'ttft', stat: 'p95' }; a metadata metric `tokens_mean` -> { family: 'tokens', stat: 'mean' }. */
export function splitMetric(metric: string): { family: string; stat: string; timing: boolean } | null {
  // A node's time, node_p95_ms.Retrieval -> { family: 'node:Retrieval', stat: 'p95' } (before the metadata form: a node may be "x_max").
  const node = parseNodeMetric(metric);
  if (node) return { family: `node:${node.node}`, stat: node.stat, timing: true };
  const t = /^(latency|ttft|ttfb|itl)_(\w+)_ms$/.exec(metric);
  if (t) return { family: t[1]!, stat: t[2]!, timing: true };
  const m = /^(.+)_(sum|mean|p50|p95|max)$/.exec(metric);
  if (m) return { family: m[1]!, stat: m[2]!, timing: false };
  return null;
}

/** The bootstrap statistic for a stat name: mean, p50 -> 50, p999 -> 99.9; null for min/max/sum (not bootstrapped). */
export function statisticOf(stat: string): Statistic | null {
  if (stat === 'mean') return 'mean';
  if (stat === 'p999') return 99.9;
  const p = /^p(\d{2})$/.exec(stat);
  return p ? Number(p[1]) : null;
}
