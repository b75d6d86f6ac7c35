// A threshold or gate on cost or goodput could never be measured without the section that defines it:
// refused at its line rather than failing every run as "not measured".
import type { Suite } from './types.js';

export function economicsNeeds(s: Suite, metric: string): { message: string; hint: string } | null {
  if (metric.startsWith('cost_') && !s.cost)
    return {
      message: 'cost needs prices, and the suite has no cost section',
      hint: 'add cost: { prices: { <model>: { input_per_mtok: ..., output_per_mtok: ... } } } with the prices you pay',
    };
  if (metric.startsWith('cost_') && !s.metadata.fetch)
    return { message: 'cost is read from each run metadata, and metadata is off', hint: 'set metadata: true (cost comes from llm_usage[])' };
  if (metric.startsWith('goodput_') && !s.goodput)
    return { message: 'goodput needs objectives, and the suite has no goodput section', hint: 'add goodput: { ttft_ms: 800, latency_ms: 4000, require_pass: true }' };
  return null;
}
