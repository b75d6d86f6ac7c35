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

/**
 * An anchor whose zero is the wall-clock instant `epochMs` (in the past): a resumed run's sessions all
 * count their timestamps from the run's first start, so they share one clock and never overlap.
 */
export function anchorAt(epochMs: number): ClockAnchor {
  const mono = nowMs();
  return { monoMs: mono - (Date.now() - epochMs), epochMs };
}

// Two ISO timestamps per result: formatting a Date each time cost ~1 µs per result (CPU profile of
// bench/overhead.mjs); the text up to the second is reused while the second stays the same.
let isoSecond = Number.NaN;
let isoPrefix = '';

export function toIso(anchor: ClockAnchor, monoMs: number): string {
  const epoch = Math.floor(anchor.epochMs + (monoMs - anchor.monoMs));
  const second = Math.floor(epoch / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(epoch).toISOString(); // an extended year: no shortcut
    isoSecond = second;
    isoPrefix = iso.slice(0, 20); // "YYYY-MM-DDTHH:MM:SS."
  }
  const ms = epoch - second * 1000;
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/** Shared-clock ms as ms since the run's anchor, to the microsecond (how results.jsonl stores timestamps). */
export function sinceAnchor(anchor: ClockAnchor, monoMs: number): number {
  return Math.round((monoMs - anchor.monoMs) * 1000) / 1000;
}
