// One clock for every thread: process.hrtime.bigint() reads the same monotonic source in
// the main thread and in workers, unlike performance.now(), whose origin differs per thread.

/** Milliseconds on the shared monotonic clock (sub-microsecond resolution). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Maps shared-clock milliseconds to wall-clock epoch milliseconds, anchored once per run. */
export interface ClockAnchor {
  monoMs: number;
  epochMs: number;
}

export function anchorClock(): ClockAnchor {
  return { monoMs: nowMs(), epochMs: Date.now() };
}

export function toIso(anchor: ClockAnchor, monoMs: number): string {
  return new Date(anchor.epochMs + (monoMs - anchor.monoMs)).toISOString();
}

/** Shared-clock ms as ms since the run's anchor, to the microsecond (how results.jsonl stores timestamps). */
export function sinceAnchor(anchor: ClockAnchor, monoMs: number): number {
  return Math.round((monoMs - anchor.monoMs) * 1000) / 1000;
}
