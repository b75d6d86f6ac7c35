// Browser side of report.html: the harness watching itself (report.harness): its warnings, a row per
// thread (event-loop delay, utilisation, CPU, stalls), and the results in flight during a stall.
// Inlined by source text like dom.ts; older reports have no harness section and get none.
import type { PageData } from '../page-data.js';
import { el, fmtMs, fmtNum, fmtPct, section, table } from './dom.js';

export function harnessSection(d: PageData): HTMLElement | null {
  const h = d.report.harness;
  if (!h || !Array.isArray(h.threads)) return null;
  const warnings = h.warnings ?? [];
  const rows = h.threads.map((t) => [
    `${t.role}${t.role === 'main' ? '' : ` #${t.threadId}`}`,
    fmtMs(t.measuredMs),
    `${fmtMs(t.eventLoopDelayMs.p50)} / ${fmtMs(t.eventLoopDelayMs.p99)} / ${fmtMs(t.eventLoopDelayMs.max)}`,
    fmtPct(t.utilization),
    t.cpuMs === null ? 'not measured' : fmtMs(t.cpuMs),
    t.stalls.count ? `${fmtNum(t.stalls.count)} (longest ${fmtMs(t.stalls.maxMs)}, total ${fmtMs(t.stalls.totalMs)})` : '0',
  ]);
  const stalled = h.variants.filter((v) => v.stalledResults > 0);
  return section(
    'harness',
    'Harness',
    el(
      'p',
      { class: 'muted' },
      "How flowbench's own threads fared while the run's clock ran. Event-loop delay is how late a thread's timers fired; " +
        `a stall is a gap of over ${fmtMs(h.stallMs)} in which a thread ran nothing, and a result in flight during one may be inflated by it.`,
    ),
    warnings.length
      ? el('ul', { class: 'warnings' }, ...warnings.map((w) => el('li', null, w)))
      : el('p', null, 'No warnings: the harness kept up with the run.'),
    el('div', { class: 'scroll' }, table(['thread', 'measured', 'event-loop delay p50 / p99 / max', 'utilisation', 'CPU', 'stalls'], rows)),
    stalled.length ? el('h3', null, 'Results in flight during a stall') : null,
    stalled.length
      ? table(
          ['variant', 'results', 'in flight during a stall', 'longest stall overlapped'],
          h.variants.map((v) => [v.name, fmtNum(v.results), fmtNum(v.stalledResults), fmtMs(v.maxStallMs)]),
        )
      : null,
  );
}
