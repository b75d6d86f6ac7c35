// One line per comparison that says what changed in quality and cost, the way a reviewer asks it:
// "draft: −18.8 pp pass rate, +31.0% cost per answer". Renders report.json's comparison; computes nothing.
import { formatDiff, formatPercent } from '../compare/format.js';
import type { Comparison } from '../compare/types.js';

/** null when the comparison has neither a pass rate nor a cost. */
export function comparisonHeadline(c: Comparison): string | null {
  const parts: string[] = [];
  const pass = c.metrics.find((m) => m.metric === 'pass_rate');
  if (pass && pass.diff !== null) parts.push(`${formatDiff(pass.diff, 'ratio')} pass rate`);
  const cost = c.metrics.find((m) => m.metric === 'cost_mean');
  if (cost && cost.relDiff !== null) parts.push(`${formatPercent(cost.relDiff)} cost per answer`);
  return parts.length === 0 ? null : `${c.variant}: ${parts.join(', ')}`;
}
