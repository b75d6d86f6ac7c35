// ttft / latency: a per-row SLO — this request's time to first token / total latency is at most `max`
// (ms, or a duration like "1.5s"). TTFT is not measured in run mode: the loader refuses a ttft grader
// there (suite/checks.ts); in a suite built by hand it is a grader error, not a failure.
import { parseDuration } from '../text/duration.js';
import type { GradeContext, GraderFamily } from './types.js';

/** A bare number (or numeric text) is ms here — a per-request SLO — unlike suite durations, where it means seconds. */
function toMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  return /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : parseDuration(v);
}

function timingFamily(label: string, pick: (ctx: GradeContext) => number | null | undefined): GraderFamily {
  return {
    keys: ['max'],
    required: ['max'],
    check(spec) {
      const ms = toMs(spec.max);
      return ms === null || ms <= 0
        ? { key: 'max', message: `\`max\` must be a time in ms or a duration like "800ms" or "2s", got ${JSON.stringify(spec.max)}` }
        : null;
    },
    prepare(spec) {
      const max = toMs(spec.max)!;
      return (ctx) => {
        const v = pick(ctx);
        if (v === null || v === undefined) return { pass: false, score: 0, reason: `${label} was not measured (stream modes only)`, error: true };
        const pass = v <= max;
        return { pass, score: pass ? 1 : 0, reason: `${label} ${v.toFixed(0)} ms ${pass ? '<=' : '>'} ${max} ms` };
      };
    },
  };
}

export const ttft = timingFamily('TTFT', (ctx) => ctx.ttftMs);
export const latency = timingFamily('latency', (ctx) => ctx.latencyMs);
