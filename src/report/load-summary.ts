// Text lines about the load itself, printed under the summary table: the harness's own lateness on its
// own line (so it is never read as the flow's), service time beside latency, warm-up, and sweep steps.
import { modelNamed } from '../load/registry.js';
import type { Report } from './report-model.js';

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${Math.round(v * 10) / 10}`);

export function loadSummaryLines(report: Report): string[] {
  const l = report.load;
  const lines: string[] = [];
  // Each model words its own settings; a model this flowbench does not know is named only.
  const shape = modelNamed(l.model)?.describe(l) ?? 'settings not known to this version';
  const extra = [l.warmupRequests ? `${l.warmupRequests} warm-up requests excluded` : '', l.abandoned ? `${l.abandoned} abandoned after the grace period` : '']
    .filter(Boolean)
    .join(', ');
  lines.push(`load: ${l.model}, ${shape}; ${l.started} requests started${extra ? `; ${extra}` : ''}`);
  if (report.resumed && report.sessions) {
    const parts = report.sessions.map(
      (x, i) => `${i === 0 ? 'run' : 'resume'} ${x.startedAt.slice(0, 19).replace('T', ' ')} ${x.requests} requests in ${ms(x.activeMs / 1000)} s`,
    );
    lines.push(
      `resumed: ${report.sessions.length} sessions (${parts.join('; ')}); duration ${ms(report.durationMs / 1000)} s and req/s over their active time, pauses left out`,
    );
  }
  for (const v of report.variants) {
    lines.push(
      `  ${v.name}: service time (from the actual send) p50/p99 ${ms(v.serviceMs?.p50)} / ${ms(v.serviceMs?.p99)} ms; ` +
        `harness: send lag p99 ${ms(v.sendLagMs?.p99)} ms, queue to send p99 ${ms(v.queueMs?.p99)} ms, ${v.delayedSends} delayed sends` +
        (v.tpotMs ? `; TPOT p50 ${ms(v.tpotMs.p50)} ms` : '') +
        (v.outputTokensPerSecond !== null ? `; ${ms(v.outputTokensPerSecond)} output tokens/s` : ''),
    );
  }
  if (report.sweep) {
    // Sent and completed beside the target: the in-flight cap can hold sends below the target rate.
    for (const s of report.sweep.steps) {
      const vs = s.variants.map(
        (v) =>
          `${v.name} ${ms(v.rps)} ok/s, TTFT p99 ${ms(v.ttftMs?.p99)}, latency p99 ${ms(v.latencyMs?.p99)} ms, errors ${v.errorRate === null ? '-' : `${ms(v.errorRate * 100)}%`}`,
      );
      lines.push(
        `  step ${s.rate} req/s: sent ${s.sentRps}/s, completed ${ms(s.completedRps)} ok/s; ${vs.join('; ')} -> ${s.thresholdsOk ? 'meets' : 'breaks'} thresholds`,
      );
    }
    const { verdict, minRate } = report.sweep; // absent in reports written before sweeps had a verdict of their own
    const judged = !verdict ? '' : verdict.ok ? `; sweep passes${minRate ? ` (min_rate ${minRate} req/s)` : ''}` : `; sweep fails: ${verdict.reason}`;
    lines.push(
      `sustainable rate: ${report.sweep.sustainableRate === null ? 'none of the steps' : `${report.sweep.sustainableRate} req/s`} (${report.sweep.criterion})${judged}`,
    );
  }
  return lines;
}
