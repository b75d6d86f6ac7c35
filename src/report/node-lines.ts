// The per-node lines of the text reports: per variant, where the time to first token goes (median and p95
// of each node's share of it, in flow order); per comparison, the nodes whose median time changed
// significantly. Renders report.json's numbers; computes nothing.
import { formatDiff, pClause } from '../compare/format.js';
import type { Comparison } from '../compare/types.js';
import { parseNodeMetric } from '../metrics/node-metrics.js';
import type { NodeSummary } from '../metrics/node-stats.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The nodes with time before the first token, and the node it came from: "Input 20 / 23 · Retrieval 180 / 205 → Output". */
export function ttftBreakdown(nodes: readonly NodeSummary[]): string | null {
  const before = nodes.filter((n) => n.beforeFirstTokenMs.p95 > 0);
  if (before.length === 0) return null;
  const from = [...nodes].sort((a, b) => b.firstContent - a.firstContent)[0];
  const parts = before.map((n) => `${n.node} ${ms(n.beforeFirstTokenMs.p50)} / ${ms(n.beforeFirstTokenMs.p95)}`);
  return `${parts.join(' · ')}${from && from.firstContent > 0 ? ` → first token from ${from.node}` : ''}`;
}

/** One line per variant that timed its nodes, under a heading; null when none did. */
export function ttftBreakdownLines(variants: readonly { name: string; nodes?: NodeSummary[] }[]): string[] | null {
  const rows = variants.flatMap((v) => {
    const line = v.nodes ? ttftBreakdown(v.nodes) : null;
    return line === null ? [] : [[v.name, line] as const];
  });
  if (rows.length === 0) return null;
  const width = Math.max(...rows.map(([name]) => name.length));
  return ['time to first token by node, median / p95 ms:', ...rows.map(([name, line]) => `  ${name.padEnd(width)}  ${line}`)];
}

/**
 * "draft vs published, node medians: Retrieval +120 ms (p < 0.0001) · LLM −270 ms (p < 0.0001)": the node
 * metrics of the comparison that are significant at its alpha, the largest change first; null when none is.
 */
export function nodeChangeLine(c: Comparison): string | null {
  const moved = c.metrics
    .map((m) => ({ m, node: parseNodeMetric(m.metric) }))
    .filter(({ m, node }) => node !== null && node.stat === 'p50' && m.diff !== null && m.pValue !== null && m.pValue < c.alpha)
    .sort((a, b) => Math.abs(b.m.diff!) - Math.abs(a.m.diff!));
  if (moved.length === 0) return null;
  const parts = moved.map(({ m, node }) => `${node!.node} ${formatDiff(m.diff, m.unit)} (${pClause(m.pValue)})`);
  return `${c.variant} vs ${c.baseline}, node medians: ${parts.join(' · ')}`;
}
