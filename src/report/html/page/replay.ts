// Browser side of report.html: a trace replay (report.replay): which part of the trace was sent, at what
// speed, how it ended, the scheduler's send lag per variant, and arrivals per second as traced against as
// sent. Inlined by source text like dom.ts.
import type uPlot from 'uplot';
import type { ReplayRun } from '../../../load/request-plan.js';
import type { PageData } from '../page-data.js';
import { plot } from './charts.js';
import { badge, el, fmtMs, fmtNum, section, table } from './dom.js';

export function replaySection(d: PageData): HTMLElement | null {
  const r = (d.report as unknown as { replay?: ReplayRun }).replay;
  if (!r || !Array.isArray(r.perSecond)) return null;
  const ended: Record<string, string> = {
    trace: 'the whole trace was sent',
    stopped: 'stopped early (interrupted)',
    duration: 'cut by load.duration',
    requests: 'cut by load.requests',
  };
  const span = (ms: number) => `${fmtNum(Math.round(ms) / 1000)} s`;
  const variants = (d.report as unknown as { variants: { name: string; sendLagMs?: { p50: number; p99: number; max: number } | null }[] }).variants;
  const host = section(
    'replay',
    'Trace replay',
    el(
      'p',
      null,
      badge(r.replayed.complete ? 'COMPLETE' : 'PARTIAL', r.replayed.complete ? 'pass' : 'info'),
      ` ${fmtNum(r.replayed.requests)} requests sent of ${fmtNum(r.replayed.planned)} planned at speed ${fmtNum(r.speed)}: ${ended[r.replayed.endedBy] ?? r.replayed.endedBy}.`,
      r.conversations ? ' Conversations: a request here is a conversation, counted at its first turn.' : '',
    ),
    table(
      ['', 'rows', 'first timestamp', 'last timestamp', 'span at speed'],
      [
        ['trace', fmtNum(r.trace.rows), r.trace.first ?? '–', r.trace.last ?? '–', span(r.trace.durationAtSpeedMs)],
        [
          'replayed',
          r.conversations ? `${fmtNum(r.replayed.planned)} conversations` : fmtNum(r.replayed.planned),
          r.replayed.first ?? '–',
          r.replayed.last ?? '–',
          span(r.replayed.durationAtSpeedMs),
        ],
      ],
    ),
    table(
      ['variant', 'send lag p50', 'p99', 'max'],
      variants.map((v) => [v.name, fmtMs(v.sendLagMs?.p50), fmtMs(v.sendLagMs?.p99), fmtMs(v.sendLagMs?.max)]),
    ),
  );
  const grid = host.appendChild(el('div', { class: 'chart-grid' }));
  const t = r.perSecond.map((b) => b.t);
  const rate = (n: number, w: number) => n / Math.max(1, w);
  plot(
    grid,
    'Arrivals per second: traced (at speed) and sent',
    {
      scales: { x: { time: false }, y: { range: (_u, _a, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ label: 's into the replay' }, { label: 'req/s', size: 60 }],
      series: [
        { label: 's', value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v} s`) },
        { label: 'traced', stroke: '#999', width: 2, dash: [4, 3] },
        { label: 'sent', stroke: '#1f77b4', width: 2 },
      ],
    },
    [t, r.perSecond.map((b) => rate(b.traced, b.widthS)), r.perSecond.map((b) => rate(b.sent, b.widthS))] as uPlot.AlignedData,
  );
  return host;
}
