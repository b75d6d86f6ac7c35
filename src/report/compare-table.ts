// The terminal comparison: per candidate, a metric table (both values, change, interval, p, test),
// the rank tests, the flipped rows side by side, and the gates. Renders; computes nothing.
import Table from 'cli-table3';
import { formatDiff, formatInterval, formatP, formatPercent, formatValue, sideLabels, TEST_LABEL } from '../compare/format.js';
import type { Comparison, FlippedRow } from '../compare/types.js';
import { comparisonHeadline } from './compare-headline.js';
import { nodeChangeLine } from './node-lines.js';

const FLIPS_SHOWN = 10;
const CELL = 48;

const cut = (s: string, n = CELL) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

function title(c: Comparison): string {
  const from = (run: string | null) => (run === null ? '' : ` (${run})`);
  const how = c.paired
    ? `${c.pairs} paired rows${c.clustered ? ` (${c.clustered.repeats} repeats each: ${c.clustered.note})` : ''}`
    : 'unpaired: histograms and counts from report.json';
  return `${c.variant}${from(c.candidateRun)} vs ${c.baseline}${from(c.baselineRun)} — ${how}; ${Math.round(c.confidence * 100)}% intervals, alpha ${c.alpha}`;
}

function firstInput(r: FlippedRow): string {
  const v = Object.values(r.inputs).find((x) => typeof x === 'string' && x.trim() !== '');
  return typeof v === 'string' ? v : JSON.stringify(r.inputs);
}

export function renderComparisons(comparisons: readonly Comparison[], opts: { color?: boolean } = {}): string {
  const style = opts.color ? {} : { head: [], border: [] };
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  const parts: string[] = [];
  for (const c of comparisons) {
    parts.push(title(c));
    const headline = comparisonHeadline(c);
    if (headline !== null) parts.push(headline);
    for (const w of c.warnings ?? []) parts.push(`warning: ${w}`);
    const t = new Table({ chars, style, head: ['metric', ...sideLabels(c), 'change', `${Math.round(c.confidence * 100)}% CI of change`, 'p', 'test'] });
    for (const m of c.metrics) {
      const rel = m.unit !== 'ratio' && m.relDiff !== null ? ` (${formatPercent(m.relDiff)})` : '';
      const sig = m.pValue !== null && m.pValue < c.alpha ? ' *' : '';
      t.push([
        m.metric,
        formatValue(m.baseline, m.unit),
        formatValue(m.candidate, m.unit),
        `${formatDiff(m.diff, m.unit)}${rel}`,
        formatInterval(m.ci, m.unit),
        `${formatP(m.pValue)}${sig}`,
        m.test ? TEST_LABEL[m.test]! : (m.note ?? '-'),
      ]);
    }
    parts.push(t.toString());
    const nodes = nodeChangeLine(c);
    if (nodes) parts.push(nodes);
    if (c.shifts.length) {
      const s = c.shifts.map((x) => `${x.metric} p = ${formatP(x.pValue)}${x.pValue < c.alpha ? ' *' : ''}`).join(', ');
      parts.push(`Mann-Whitney U (distribution shift): ${s}.  * = significant at alpha ${c.alpha}`);
    }
    if (c.flips) {
      parts.push(`flipped rows: ${c.flips.passToFail} pass → fail, ${c.flips.failToPass} fail → pass`);
      if (c.flips.rows.length) {
        const ft = new Table({ chars, style, head: ['row', 'flip', 'input', ...sideLabels(c).map((l) => `${l} output`)] });
        for (const r of c.flips.rows.slice(0, FLIPS_SHOWN)) {
          const out = (s: FlippedRow['baseline']) => cut(s.error ?? s.output);
          ft.push([
            r.iteration ? `${r.row}#${r.iteration}` : String(r.row),
            r.direction === 'pass_to_fail' ? 'pass → fail' : 'fail → pass',
            cut(firstInput(r), 36),
            out(r.baseline),
            out(r.candidate),
          ]);
        }
        parts.push(ft.toString());
        const more = c.flips.passToFail + c.flips.failToPass - Math.min(FLIPS_SHOWN, c.flips.rows.length);
        if (more > 0)
          parts.push(
            `… ${more} more in report.json (comparisons[].flips${c.flips.rows.length < c.flips.passToFail + c.flips.failToPass ? `, first ${c.flips.limit}` : ''})`,
          );
      }
    }
    if (c.gates.length) {
      const gt = new Table({ chars, style, head: ['gate', 'limit', 'change', 'p', 'result'] });
      for (const g of c.gates) {
        const m = c.metrics.find((x) => x.metric === g.metric);
        const unit = m?.unit ?? '';
        const change =
          !m || m.diff === null ? '-' : `${formatDiff(m.diff, unit)}${m.relDiff !== null && unit !== 'ratio' ? ` (${formatPercent(m.relDiff)})` : ''}`;
        gt.push([g.gate, g.limit, change, formatP(g.pValue), g.status === 'fired' ? 'FAIL' : g.status]);
      }
      parts.push(gt.toString());
    }
  }
  return parts.join('\n');
}

/** One line per fired gate, for the end of the output (what CI logs show). */
export function firedGateLines(comparisons: readonly Comparison[]): string[] {
  return comparisons.flatMap((c) =>
    c.gates
      .filter((g) => g.fired)
      .map((g) => `gate failed: ${c.variant} vs ${c.baseline}${c.baselineRun ? ` (${c.baselineRun})` : ''}: ${g.gate} ${g.limit}: ${g.reason}`),
  );
}
