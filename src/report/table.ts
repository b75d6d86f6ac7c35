// The terminal summary: one row per variant, then thresholds, then the harness's own warnings (if any).
// Drawn with cli-table3, which stays in report/ (one-library-one-folder, .dependency-cruiser.cjs).
import Table from 'cli-table3';
import type { MetricSummary } from '../metrics/histogram.js';
import { renderEconomics } from './economics-table.js';
import type { Report } from './report-model.js';
import { renderRepeatsTable } from './repeats-summary.js';
import { conversationLines } from './conversation-lines.js';
import { ttftBreakdownLines } from './node-lines.js';

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 3).replace(/\.?0+$/, ''));
const trio = (m: MetricSummary | null) => (m ? `${ms(m.p50)} / ${ms(m.p95)} / ${ms(m.p99)}` : '-');

export function renderTable(report: Report, opts: { color?: boolean } = {}): string {
  const style = opts.color ? {} : { head: [], border: [] };
  // No rule between body rows: a variant per line reads faster.
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  const t = new Table({
    chars,
    head: ['variant', 'requests', 'ok', 'errors', 'TTFT p50/p95/p99 ms', 'latency p50/p95/p99 ms', 'req/s', 'pass rate'],
    style,
  });
  for (const v of report.variants) {
    const kinds = Object.entries(v.errorKinds)
      .map(([k, n]) => `${k}×${n}`)
      .join(' ');
    t.push([
      v.name,
      String(v.requests),
      String(v.ok),
      v.errors ? `${v.errors}${kinds ? ` (${kinds})` : ''}` : '0',
      trio(v.ttftMs),
      trio(v.latencyMs),
      v.rps === null ? '-' : v.rps.toFixed(2),
      pct(v.grades.passRate),
    ]);
  }
  let out = t.toString();
  for (const line of conversationLines(report)) out += `\n${line}`;
  const nodes = ttftBreakdownLines(report.variants);
  if (nodes) out += `\n${nodes.join('\n')}`;
  const metaNames = [...new Set(report.variants.flatMap((v) => Object.keys(v.metadataMetrics)))];
  if (metaNames.length) {
    const mt = new Table({ chars, head: ['variant', ...metaNames.map((n) => `${n} mean / p95 / sum`)], style });
    for (const v of report.variants) {
      mt.push([
        v.name,
        ...metaNames.map((n) => {
          const m = v.metadataMetrics[n];
          return m ? `${num(m.mean)} / ${num(m.p95)} / ${num(m.sum)}` : '-';
        }),
      ]);
    }
    out += `\n${mt.toString()}`;
  }
  const economics = renderEconomics(report.variants, style, chars);
  if (economics !== null) out += `\n${economics}`;
  // Per-grader tallies: with several graders (or any grader error) the pass rate alone hides which one failed.
  const graderNames = [...new Set(report.variants.flatMap((v) => Object.keys(v.graders ?? {})))];
  if (graderNames.length > 1 || report.variants.some((v) => v.grades.graderErrors > 0)) {
    const gt = new Table({ chars, head: ['grader: pass / fail / error', ...report.variants.map((v) => v.name)], style });
    for (const g of graderNames) {
      gt.push([
        g,
        ...report.variants.map((v) => {
          const c = v.graders?.[g];
          return c ? `${c.passed} / ${c.failed} / ${c.errors}` : '-';
        }),
      ]);
    }
    out += `\n${gt.toString()}`;
  }
  const repeats = renderRepeatsTable(report, opts);
  if (repeats) out += `\n${repeats}`;
  if (report.thresholds.length) {
    const th = new Table({ chars, head: ['threshold', 'variant', 'limit', 'actual', 'result'], style });
    for (const r of report.thresholds) {
      th.push([r.metric, r.variant, `${r.op} ${r.limit}`, r.actual === null ? 'not measured' : num(r.actual), r.ok ? 'ok' : 'FAIL']);
    }
    out += `\n${th.toString()}`;
    for (const r of report.thresholds) if (r.note) out += `\n  ${r.metric} (${r.variant}): ${r.note}`;
  }
  const harness = harnessBlock(report);
  if (harness) out += `\n${harness}`;
  return out;
}

/** Only when the harness has a worry: a quiet run prints nothing about the harness. */
function harnessBlock(report: Report): string | null {
  const h = report.harness;
  if (!h?.warnings.length) return null;
  const where = h.threads.some((t) => t.role === 'request') ? 'request threads' : 'main thread (it timed the requests)';
  const rt = h.requestThreads;
  return [
    'harness:',
    `  ${where}: event-loop delay p99 ${ms(rt.delayP99Ms)} ms, longest stall ${ms(rt.maxStallMs)} ms`,
    ...h.warnings.map((w) => `  ! ${w}`),
  ].join('\n');
}
