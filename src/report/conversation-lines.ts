// The conversations summary as text lines (terminal table and summary.md): per variant, how many
// conversations completed, failed and how many turns were skipped, then each turn index's TTFT and latency.
import type { MetricSummary } from '../metrics/histogram.js';
import type { Report } from './report-model.js';

const ms = (m: MetricSummary | null) => (m === null ? '-' : m.p50 >= 100 ? m.p50.toFixed(0) : m.p50.toFixed(1));

/** One line per variant; none without a conversation dataset. */
export function conversationLines(report: Report): string[] {
  return (report.conversations?.variants ?? []).map((v) => {
    const turns = v.turns.map(
      (t) => `${t.turn}: ${ms(t.ttftMs)} / ${ms(t.latencyMs)}${t.errors + t.skipped > 0 ? ` (${t.errors} failed, ${t.skipped} skipped)` : ''}`,
    );
    return (
      `conversations ${v.variant}: ${v.completed} of ${v.conversations} completed, ${v.failed} failed, ${v.skippedTurns} turns skipped; ` +
      `TTFT / latency p50 ms by turn: ${turns.join(' · ') || '-'}`
    );
  });
}
