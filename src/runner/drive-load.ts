// Runs the suite's load model over the plan: warm-up phase first (if any), then the model's own driver
// (src/load/models/, through the registry). Knows WHEN and in which phase; what a send does is the caller's.
import { runClosedLoop } from '../load/closed-loop.js';
import type { OpenLoopRun } from '../load/models/model-def.js';
import { runOpenLoop, type LoadResult, type SendInfo } from '../load/open-loop.js';
import { arrivalOffsets } from '../load/rate-profile.js';
import { modelOf } from '../load/registry.js';
import type { ReplayRun, StepRun } from '../load/request-plan.js';
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

export type { StepRun } from '../load/request-plan.js';

export interface LoadOutcome {
  /** The model's kind (a registered model's own name too). */
  model: string;
  /** Measured requests started (warm-up excluded). */
  started: number;
  warmupStarted: number;
  delayedSends: number;
  maxSendLagMs: number;
  steps: StepRun[];
  /** A replay: what it sent of its trace. */
  replay?: ReplayRun;
}

/** Open-loop offsets after `cutMs` are dropped: a duration caps a ramp too. */
function* until(offsets: Iterable<number>, cutMs: number | null): Generator<number> {
  for (const o of offsets) {
    if (cutMs !== null && o >= cutMs) return;
    yield o;
  }
}

export async function driveLoad(
  suite: Suite,
  send: PhaseSend,
  stopped: () => boolean,
  done?: Set<string>,
  shard: ShardSpec | null = null,
): Promise<LoadOutcome> {
  const load = shardLoad(suite.load, shard);
  const model = modelOf(load);
  // --resume: requests already in results.jsonl (`done`) are left out of the plan.
  const names = suite.variants.map((v) => v.name);
  // --shard I/N: only this shard's rows (all their variants), at this shard's share of the load.
  const plan = (iterations: number | null) =>
    skipDone(onlyShard(planRequests(suite.dataset, suite.variants.length, iterations, suite.repeat), shard), done, names);
  const phaseSend = (phase: Phase) => (p: PlannedRequest, info: SendInfo) => send(p, info, phase);
  const out: LoadOutcome = { model: load.kind, started: 0, warmupStarted: 0, delayedSends: 0, maxSendLagMs: 0, steps: [] };
  const absorb = (r: LoadResult, warmup = false) => {
    if (warmup) out.warmupStarted += r.started;
    else out.started += r.started;
    out.delayedSends += r.delayed;
    out.maxSendLagMs = Math.max(out.maxSendLagMs, r.maxLagMs);
  };
  const openLoop = (items: AsyncIterator<PlannedRequest>, run: OpenLoopRun, warmup = false) =>
    runOpenLoop(items, phaseSend({ warmup, step: run.step }), {
      offsets: until(arrivalOffsets({ stages: run.stages, arrival: load.arrival, maxRequests: run.maxRequests, seed: load.seed }), run.cutMs),
      maxInFlight: load.concurrency,
      stopped,
      ...(run.windowMs !== undefined && { windowMs: run.windowMs }),
    });

  // Closed loop: requests wait queued in the executors (see queuedAhead), so each starts as a slot frees;
  // it is never late and never delayed by a cap.
  const closedLoop = (items: AsyncIterator<PlannedRequest>, concurrency: number, durationMs: number | null, phase: Phase) =>
    runClosedLoop(items, (p, at, hold) => send(p, { scheduledAt: at, lagMs: 0, delayed: false, hold }, phase), {
      concurrency,
      durationMs,
      stopped,
      // A conversation holds its slot from its first turn to its last: nothing is queued ahead of it.
      queued: suite.dataset.conversation ? 0 : queuedAhead(concurrency),
    }).then((r): LoadResult => ({ ...r, delayed: 0, maxLagMs: 0 }));

  if (load.warmup && !stopped()) {
    const level = model.warmupLevel(load);
    const count = 'requests' in load.warmup ? load.warmup.requests : null;
    const dur = 'durationMs' in load.warmup ? load.warmup.durationMs : null;
    const items = take(plan(null), count)[Symbol.asyncIterator]();
    if ('rate' in level)
      absorb(
        await openLoop(
          items,
          { stages: [{ rate: level.rate, to: level.rate, durationMs: dur ?? Infinity }], maxRequests: count, cutMs: null, step: null },
          true,
        ),
        true,
      );
    else absorb(await closedLoop(items, level.concurrency, dur, { warmup: true, step: null }), true);
  }
  if (stopped()) return out;

  const measured = { warmup: false, step: null };
  await model.drive(load, {
    items: () => take(plan(load.iterations), load.requests)[Symbol.asyncIterator](),
    rows: () => plan(load.iterations)[Symbol.asyncIterator](),
    openLoop: (items, run) => openLoop(items, run),
    closedLoop: (items, concurrency, durationMs) => closedLoop(items, concurrency, durationMs, measured),
    send: phaseSend(measured),
    stopped,
    absorb: (r) => absorb(r),
    step: (run) => out.steps.push(run),
    replay: (run) => {
      out.replay = run;
    },
  });
  return out;
}
