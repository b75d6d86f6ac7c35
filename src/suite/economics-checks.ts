// A threshold or gate on cost or goodput could never be measured without the section that defines it:
// refused at its line rather than failing every run as "not measured".
import type { LoadContext } from './load-context.js';
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
    return {
      message: 'goodput needs objectives, and the suite has no goodput section',
      hint: 'add goodput: { ttft_ms: 800, latency_ms: 4000, require_pass: true }',
    };
  return null;
}

/** Sections that need another: cost needs the metadata it reads usage from; a goodput sweep needs objectives. */
export function checkEconomics(s: Suite, ctx: LoadContext): void {
  if (s.cost && !s.metadata.fetch)
    ctx.errors.push(
      ctx.src.error(ctx.where.key(['cost']), 'cost is read from each run metadata (llm_usage[]), and metadata is off', 'set metadata: true, or remove cost'),
    );
  if (s.load.kind === 'sweep' && s.load.sweep.by === 'goodput' && !s.goodput)
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['load', 'sweep', 'by']),
        'load.sweep.by: goodput needs goodput objectives, and the suite has no goodput section',
        'add goodput: { ttft_ms: 800, latency_ms: 4000, require_pass: true }, or remove sweep.by',
      ),
    );
}
