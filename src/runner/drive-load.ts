// Runs the suite's load model over the plan: warm-up phase first (if any), then the model itself,
// each sweep step in turn. Knows WHEN and in which phase; what a send does is the caller's.
import { runClosedLoop } from '../load/closed-loop.js';
import { loadModel, rateStagesOf, sweepRates, warmupLevel, type LoadModel } from '../load/model.js';
import { runOpenLoop, type LoadResult, type SendInfo } from '../load/open-loop.js';
import { runRampingConcurrency } from '../load/ramping-concurrency.js';
import { arrivalOffsets, type RateStage } from '../load/rate-profile.js';
import { nowMs } from '../metrics/clock.js';
import type { Suite } from '../suite/types.js';
import { planRequests, take, type PlannedRequest } from './plan.js';
import { skipDone } from './resume.js';
import { onlyShard, shardLoad, type ShardSpec } from '../shard/partition.js';

/** Which part of the run a request belongs to. */
export interface Phase {
  warmup: boolean;
  /** Sweep step index, or null outside a sweep. */
  step: number | null;
}

/**
 * Requests a closed loop hands over ahead of its free slots (held in the executors until a slot frees).
 * A worker thread answers held requests in batches (every 2 ms or 128 results) while it still has a
 * slot-set of them queued; one concurrency's worth ahead ran dry within a batch at ~20k req/s, so every
 * result went back in its own message (3-4 results a message, ~7 µs each in structured clone). Eight
 * times ahead: ~30 a message, 54 -> 46 µs of client CPU per request on the overhead benchmark.
 */
export function queuedAhead(concurrency: number): number {
  return Math.max(concurrency, Math.min(concurrency * 8, 4096));
}

export type PhaseSend = (p: PlannedRequest, info: SendInfo, phase: Phase) => Promise<boolean | void>;

export interface StepRun {
  rate: number;
  /** Shared-clock ms of the step's first scheduled send and of its last request's end. */
  startAt: number;
  endAt: number;
  started: number;
  /** Requests that left within the step's duration: below the rate's share when the in-flight cap held sends back. */
  sent: number;
}

export interface LoadOutcome {
  model: LoadModel;
  /** Measured requests started (warm-up excluded). */
  started: number;
  warmupStarted: number;
  delayedSends: number;
  maxSendLagMs: number;
  steps: StepRun[];
}

/** Open-loop offsets after `cutMs` are dropped: a duration caps a ramp too. */
function* until(offsets: Iterable<number>, cutMs: number | null): Generator<number> {
  for (const o of offsets) {
    if (cutMs !== null && o >= cutMs) return;
    yield o;
  }
}

export async function driveLoad(suite: Suite, send: PhaseSend, stopped: () => boolean, done?: Set<string>, shard: ShardSpec | null = null): Promise<LoadOutcome> {
  const load = shardLoad(suite.load, shard);
  const model = loadModel(load);
  // --resume: requests already in results.jsonl (`done`) are left out of the plan.
  const names = suite.variants.map((v) => v.name);
  // --shard I/N: only this shard's rows (all their variants), at this shard's share of the load.
  const plan = (iterations: number | null) => skipDone(onlyShard(planRequests(suite.dataset, suite.variants.length, iterations), shard), done, names);
  const phaseSend = (phase: Phase) => (p: PlannedRequest, info: SendInfo) => send(p, info, phase);
  const out: LoadOutcome = { model, started: 0, warmupStarted: 0, delayedSends: 0, maxSendLagMs: 0, steps: [] };
  const absorb = (r: LoadResult, warmup = false) => {
    if (warmup) out.warmupStarted += r.started;
    else out.started += r.started;
    out.delayedSends += r.delayed;
    out.maxSendLagMs = Math.max(out.maxSendLagMs, r.maxLagMs);
  };
  const openLoop = (items: AsyncIterator<PlannedRequest>, stages: RateStage[], maxRequests: number | null, cutMs: number | null, phase: Phase, windowMs?: number) =>
    runOpenLoop(items, phaseSend(phase), {
      offsets: until(arrivalOffsets({ stages, arrival: load.arrival, maxRequests, seed: load.seed }), cutMs),
      maxInFlight: load.concurrency,
      stopped,
      ...(windowMs !== undefined && { windowMs }),
    });

  // Closed loop: requests wait queued in the executors (see queuedAhead), so each starts as a slot frees;
  // it is never late and never delayed by a cap.
  const closedLoop = (items: AsyncIterator<PlannedRequest>, concurrency: number, durationMs: number | null, phase: Phase) =>
    runClosedLoop(items, (p, at, hold) => send(p, { scheduledAt: at, lagMs: 0, delayed: false, hold }, phase), {
      concurrency, durationMs, stopped, queued: queuedAhead(concurrency),
    }).then((r): LoadResult => ({ ...r, delayed: 0, maxLagMs: 0 }));

  if (load.warmup && !stopped()) {
    const level = warmupLevel(load);
    const count = 'requests' in load.warmup ? load.warmup.requests : null;
    const dur = 'durationMs' in load.warmup ? load.warmup.durationMs : null;
    const items = take(plan(null), count)[Symbol.asyncIterator]();
    const phase = { warmup: true, step: null };
    if ('rate' in level) absorb(await openLoop(items, [{ rate: level.rate, to: level.rate, durationMs: dur ?? Infinity }], count, null, phase), true);
    else absorb(await closedLoop(items, level.concurrency, dur, phase), true);
  }
  if (stopped()) return out;

  const measured = { warmup: false, step: null };
  const items = () => take(plan(load.iterations), load.requests)[Symbol.asyncIterator]();
  switch (model) {
    case 'closed-loop':
      absorb(await closedLoop(items(), load.concurrency, load.durationMs, measured));
      break;
    case 'open-loop':
    case 'ramping-rate':
      absorb(await openLoop(items(), rateStagesOf(load), load.requests, load.durationMs, measured));
      break;
    case 'ramping-concurrency':
      absorb(await runRampingConcurrency(items(), phaseSend(measured), {
        stages: load.stages!.map((s) => ({ from: s.from, to: s.to, durationMs: s.durationMs })),
        startAt: nowMs(), durationMs: load.durationMs, stopped,
      }));
      break;
    case 'sweep': {
      // One plan across steps, so rows keep cycling rather than restarting at row 0 every step.
      const shared = plan(load.iterations)[Symbol.asyncIterator]();
      const sweep = load.sweep!;
      for (const [i, rate] of sweepRates(sweep).entries()) {
        if (stopped()) break;
        const startAt = nowMs() + 1;
        const r = await openLoop(shared, [{ rate, to: rate, durationMs: sweep.durationMs }], null, null, { warmup: false, step: i }, sweep.durationMs);
        absorb(r);
        out.steps.push({ rate, startAt: r.startAt ?? startAt, endAt: nowMs(), started: r.started, sent: r.inWindow });
      }
      break;
    }
  }
  return out;
}
