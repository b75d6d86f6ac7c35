// Browser side of report.html: a conversation dataset's section (report.conversations): per variant, the
// conversations completed and failed and the turns skipped, then each turn index's TTFT and latency.
// Inlined by source text like dom.ts; a report without conversations gets no section.
import type { PageData } from '../page-data.js';
import { el, fmtMs, fmtNum, section, table } from './dom.js';

export function conversationsSection(d: PageData): HTMLElement | null {
  const c = d.report.conversations;
  if (!c || !Array.isArray(c.variants)) return null;
  const p50 = (m: { p50: number } | null) => (m ? fmtMs(m.p50) : '–');
  const p95 = (m: { p95: number } | null) => (m ? fmtMs(m.p95) : '–');
  return section(
    'conversations',
    'Conversations',
    el(
      'p',
      { class: 'muted' },
      "Each conversation ran its turns in order on one user_id; a failed turn ended it, and the turns after it were skipped (never sent, counted apart from errors). Timings are over each turn index's successful turns.",
    ),
    table(
      ['variant', 'conversations', 'completed', 'failed', 'turns skipped'],
      c.variants.map((v) => [v.variant, fmtNum(v.conversations), fmtNum(v.completed), fmtNum(v.failed), fmtNum(v.skippedTurns)]),
    ),
    el(
      'div',
      { class: 'scroll' },
      table(
        ['variant', 'turn', 'sent', 'ok', 'failed', 'skipped', 'TTFT p50 / p95', 'latency p50 / p95'],
        c.variants.flatMap((v) =>
          v.turns.map((t) => [
            v.variant,
            String(t.turn),
            fmtNum(t.requests),
            fmtNum(t.ok),
            fmtNum(t.errors),
            fmtNum(t.skipped),
            `${p50(t.ttftMs)} / ${p95(t.ttftMs)}`,
            `${p50(t.latencyMs)} / ${p95(t.latencyMs)}`,
          ]),
        ),
      ),
    ),
  );
}
