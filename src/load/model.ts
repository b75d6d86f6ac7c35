// Which load model a suite's `load:` section describes (one module each, like k6's executors).
import type { LoadSpec } from '../suite/types.js';
import type { RateStage } from './rate-profile.js';

export type LoadModel = 'closed-loop' | 'open-loop' | 'ramping-rate' | 'ramping-concurrency' | 'sweep';

export function loadModel(load: LoadSpec): LoadModel {
  if (load.sweep) return 'sweep';
  if (load.stages) return load.stages[0]!.kind === 'rate' ? 'ramping-rate' : 'ramping-concurrency';
  return load.rate !== null ? 'open-loop' : 'closed-loop';
}

/** The rate stages an open-loop model follows (a constant rate is one stage, open-ended unless a duration is set). */
export function rateStagesOf(load: LoadSpec): RateStage[] {
  if (load.stages) return load.stages.map((s) => ({ rate: s.from, to: s.to, durationMs: s.durationMs }));
  return [{ rate: load.rate ?? 0, to: load.rate ?? 0, durationMs: load.durationMs ?? Infinity }];
}

/** The rates of a sweep's steps, evenly spaced from `from` to `to`. */
export function sweepRates(sweep: { from: number; to: number; steps: number }): number[] {
  return Array.from({ length: sweep.steps }, (_, i) => {
    const r = sweep.from + ((sweep.to - sweep.from) * i) / (sweep.steps - 1);
    return Math.round(r * 1000) / 1000;
  });
}

/**
 * The sustainable rate ("goodput"): the highest step rate whose step met every threshold, or null when
 * none did. Steps are judged each on their own: a passing rate above a failing one still counts.
 */
export function sustainableRate(steps: readonly { rate: number; thresholdsOk: boolean }[]): number | null {
  let best: number | null = null;
  for (const s of steps) if (s.thresholdsOk && (best === null || s.rate > best)) best = s.rate;
  return best;
}

/** Warm-up load: the model's first rate (open loop) or first concurrency (closed loop), never zero. */
export function warmupLevel(load: LoadSpec): { rate: number } | { concurrency: number } {
  const m = loadModel(load);
  if (m === 'sweep') return { rate: load.sweep!.from };
  if (m === 'ramping-rate') return { rate: Math.max(1, load.stages![0]!.from || load.stages![0]!.to) };
  if (m === 'open-loop') return { rate: load.rate! };
  if (m === 'ramping-concurrency') return { concurrency: Math.max(1, load.stages![0]!.from || load.stages![0]!.to) };
  return { concurrency: load.concurrency };
}
