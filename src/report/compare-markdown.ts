// The comparison section of the Markdown summary (summary.md, GitHub job page): gates first, then
// each comparison's metrics and flipped rows. Renders; computes nothing.
import { formatDiff, formatInterval, formatP, formatPercent, formatValue, sideLabels, TEST_LABEL } from '../compare/format.js';
import type { Comparison } from '../compare/types.js';
import { comparisonHeadline } from './compare-headline.js';
import { nodeChangeLine } from './node-lines.js';

const FLIPS_SHOWN = 10;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const cut = (s: string, n: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

function table(head: string[], rows: string[][]): string {
  return [`| ${head.map(cell).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderComparisonsMarkdown(comparisons: readonly Comparison[]): string {
  const out: string[] = [];
  for (const c of comparisons) {
    const from = (run: string | null) => (run === null ? '' : ` (${run})`);
    const how = c.paired
      ? `${c.pairs} paired rows${c.clustered ? ` (${c.clustered.repeats} repeats each: ${c.clustered.note})` : ''}`
      : 'unpaired (report.json histograms and counts)';
    out.push(`### ${c.verdict === 'fail' ? '❌' : '✅'} ${c.variant}${from(c.candidateRun)} vs ${c.baseline}${from(c.baselineRun)}`);
    out.push(`${how} · ${Math.round(c.confidence * 100)}% intervals · alpha ${c.alpha} · * = significant`);
    const headline = comparisonHeadline(c);
    if (headline !== null) out.push(`**${headline}**`);
    for (const w of c.warnings ?? []) out.push(`> ⚠️ ${w}`);
    if (c.gates.length) {
      out.push(c.gates.map((g) => `- ${g.fired ? '❌' : g.status === 'no-data' ? '⚠️' : '✅'} \`${g.gate}: ${g.limit}\` — ${g.reason}`).join('\n'));
    }
    out.push(
      table(
        ['metric', ...sideLabels(c), 'change', `${Math.round(c.confidence * 100)}% CI`, 'p', 'test'],
        c.metrics.map((m) => [
          m.metric,
          formatValue(m.baseline, m.unit),
          formatValue(m.candidate, m.unit),
          `${formatDiff(m.diff, m.unit)}${m.unit !== 'ratio' && m.relDiff !== null ? ` (${formatPercent(m.relDiff)})` : ''}`,
          formatInterval(m.ci, m.unit),
          `${formatP(m.pValue)}${m.pValue !== null && m.pValue < c.alpha ? ' *' : ''}`,
          m.test ? TEST_LABEL[m.test]! : (m.note ?? '–'),
        ]),
      ),
    );
    const nodes = nodeChangeLine(c);
    if (nodes) out.push(nodes);
    if (c.flips && c.flips.passToFail + c.flips.failToPass > 0) {
      out.push(`Flipped rows: **${c.flips.passToFail}** pass → fail, **${c.flips.failToPass}** fail → pass`);
      const first = (inputs: Record<string, unknown>) => {
        const v = Object.values(inputs).find((x) => typeof x === 'string' && x.trim() !== '');
        return typeof v === 'string' ? v : JSON.stringify(inputs);
      };
      out.push(
        table(
          ['row', 'flip', 'input', ...sideLabels(c).map((l) => `${l} output`)],
          c.flips.rows
            .slice(0, FLIPS_SHOWN)
            .map((r) => [
              String(r.row),
              r.direction === 'pass_to_fail' ? 'pass → fail' : 'fail → pass',
              cut(first(r.inputs), 60),
              cut(r.baseline.error ?? r.baseline.output, 120),
              cut(r.candidate.error ?? r.candidate.output, 120),
            ]),
        ),
      );
    }
  }
  return out.join('\n\n');
}
