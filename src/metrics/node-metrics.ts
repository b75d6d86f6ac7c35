// Metric names on one flow node's time: `node_<stat>_ms.<Node>` (thresholds, comparisons) and the value
// of one in a variant's summary. Node names come from the server, so any name parses; a node no stream
// went through is reported after the run, with the nodes that were seen.
import type { VariantSummary } from './variant-stats.js';

export const NODE_STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
export type NodeStat = (typeof NODE_STATS)[number];

const NODE_METRIC = /^node_(min|mean|p50|p90|p95|p99|p999|max)_ms\.(.+)$/s;

/** `node_p95_ms.Retrieval` -> { stat: 'p95', node: 'Retrieval' }; null for any other name. */
export function parseNodeMetric(metric: string): { stat: NodeStat; node: string } | null {
  const m = NODE_METRIC.exec(metric);
  return m ? { stat: m[1] as NodeStat, node: m[2]! } : null;
}

export const nodeMetricName = (stat: string, node: string): string => `node_${stat}_ms.${node}`;

/** The statistic of the node's time (durationMs) in a variant; null when no successful stream went through it. */
export function nodeMetricValue(s: VariantSummary, metric: { stat: NodeStat; node: string }): number | null {
  const n = s.nodes?.find((x) => x.node === metric.node);
  return n ? n.durationMs[metric.stat] : null;
}

/** Why a node metric has no value in this variant, said with the nodes that were seen; null when it has one. */
export function missingNodeNote(s: VariantSummary, metric: { node: string }): string | null {
  const seen = (s.nodes ?? []).map((n) => n.node);
  if (seen.includes(metric.node)) return null;
  return seen.length === 0
    ? `no successful stream of this variant reported progress_data, so node "${metric.node}" was never timed`
    : `node "${metric.node}" was never current in a successful stream of this variant (nodes seen: ${seen.join(', ')})`;
}
