// The Markdown summary's cost and goodput table (summary.md, the CI job summary): shown only when the run
// has either. Renders report.json's figures; computes nothing.
import { judgeCostLines } from './economics-table.js';
import type { VariantReport } from './report-model.js';
import { formatUsd } from '../text/usd.js';

const usd = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatUsd(v));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

/** `table` is the summary's own Markdown table writer. */
export function economicsMarkdown(variants: readonly VariantReport[], table: (head: string[], rows: string[][]) => string): string[] {
  if (!variants.some((v) => v.cost || v.goodput)) return [];
  return [
    table(
      ['variant', 'cost total', 'cost / answer', 'cost / passing answer', 'goodput', 'goodput req/s'],
      variants.map((v) => [
        v.name,
        v.cost ? `${usd(v.cost.totalUsd)}${v.cost.unknown ? ` (+${v.cost.unknown} unknown)` : ''}` : '–',
        usd(v.cost?.meanUsd),
        usd(v.cost?.perPassUsd),
        v.goodput ? `${v.goodput.good} (${pct(v.goodput.share)})` : '–',
        v.goodput?.rps === null || v.goodput?.rps === undefined ? '–' : v.goodput.rps.toFixed(2),
      ]),
    ),
    ...judgeCostLines(variants).map((l) => `- ${l}`),
  ];
}
