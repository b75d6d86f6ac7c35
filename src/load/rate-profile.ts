// Arrival schedules as pure functions (vegeta's Pacer idea): a piecewise-linear rate profile and the
// send offsets it implies, constant or Poisson. No timers here: open-loop.ts turns offsets into sends.
import { seeded } from '../random/seeded.js';

/** One stage of a rate profile: the rate goes linearly from `rate` to `to` over `durationMs`. */
export interface RateStage {
  /** Requests per second at the start of the stage (>= 0). */
  rate: number;
  /** Requests per second at the end of the stage (default: `rate`, a constant stage). */
  to: number;
  /** Stage length in ms; Infinity for an open-ended constant stage. */
  durationMs: number;
}

export type Arrival = 'constant' | 'poisson';

export interface ArrivalSpec {
  stages: RateStage[];
  arrival: Arrival;
  /** Stop after this many sends (null: when the stages end). */
  maxRequests: number | null;
  /** Seed for Poisson gaps, so a schedule repeats exactly. */
  seed: number;
}

/** Expected arrivals in a whole stage: the area under its rate line. */
export function stageArea(s: RateStage): number {
  return ((s.rate + s.to) / 2) * (s.durationMs / 1000);
}

/**
 * The offset (ms from the profile's start) at which the cumulative expected arrivals Λ(t) reach `n`,
 * or null when the profile ends first (the end itself is excluded). Λ is the integral of the rate: within a linear stage
 * Λ(τ) = r0·τ + (r1 − r0)·τ² / (2D), solved for τ in its numerically stable form.
 */
export function offsetForArrivals(stages: readonly RateStage[], n: number): number | null {
  let startMs = 0;
  let remaining = n;
  for (const s of stages) {
    const area = s.durationMs === Infinity ? (s.rate > 0 ? Infinity : 0) : stageArea(s);
    // Strictly inside: an arrival exactly at a stage's end belongs to the next stage (same time), and
    // one at the last stage's end is outside the profile, so `rate: 10, duration: 1s` sends 10, not 11.
    if (remaining < area) {
      const D = s.durationMs / 1000;
      const a = s.durationMs === Infinity ? 0 : (s.to - s.rate) / (2 * D);
      const b = s.rate;
      // τ = 2n / (b + sqrt(b² + 4an)): no cancellation when a ≈ 0, and valid for falling ramps (a < 0).
      const disc = Math.max(0, b * b + 4 * a * remaining);
      const denom = b + Math.sqrt(disc);
      const tau = denom > 0 ? (2 * remaining) / denom : 0;
      return startMs + Math.min(tau * 1000, s.durationMs);
    }
    remaining -= area;
    startMs += s.durationMs;
  }
  return null;
}

/**
 * Send offsets in ms, in order. Constant arrivals sit where Λ(t) = 0, 1, 2, …; Poisson arrivals where Λ(t)
 * reaches a running sum of unit-exponential draws (time-rescaling), which gives a Poisson process whose
 * rate follows the stages, ramps included.
 */
export function* arrivalOffsets(spec: ArrivalSpec): Generator<number> {
  const random = seeded(spec.seed);
  let level = 0;
  for (let k = 0; spec.maxRequests === null || k < spec.maxRequests; k++) {
    if (spec.arrival === 'poisson') level += -Math.log(1 - random());
    else level = k;
    const t = offsetForArrivals(spec.stages, level);
    if (t === null) return;
    yield t;
  }
}

/** Total planned length of the stages in ms (Infinity when one is open-ended). */
export function profileLengthMs(stages: readonly RateStage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}
