// `flowbench run --start-at TIME`: every shard of a fleet warms up on its own schedule, then starts its
// load's clock at one agreed wall-clock moment (like k6-operator's starter). Parsing is pure (the
// current time is an argument); the wait is an interruptible sleep on the run's shared clock.
import { waitUntil } from '../load/precise-wait.js';
import { nowMs, type ClockAnchor } from '../clock/clock.js';
import { DURATION_FORMS, parseDuration } from '../text/duration.js';

/** Further ahead than this is refused: a typo (a wrong day, ms for s) would hold a pod for days. */
export const MAX_START_AHEAD_MS = 24 * 3_600_000;

export const START_AT_FIX =
  'give an ISO 8601 time with its zone, e.g. --start-at 2026-05-01T12:00:00Z, or a delay from now, e.g. --start-at +30s (at most 24 h ahead)';

export interface StartAt {
  /** The option's text, as given. */
  requested: string;
  /** The moment, wall-clock epoch ms (whole ms, so an ISO time shows it exactly). */
  atMs: number;
  /** Set when the moment had already passed when given: the load starts at once. */
  pastByMs?: number;
}

export type { StartAtRecord } from '../report/run-parts.js';

// A date, a time to the second (fraction allowed) and a zone: without a zone, two pods in different
// time zones would read the same text as different moments.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The moment TIME names, or the reason it names none (for a message ending in START_AT_FIX). */
export function parseStartAt(text: string, nowEpochMs: number): StartAt | string {
  const t = text.trim();
  let atMs: number;
  if (t.startsWith('+')) {
    const ms = parseDuration(t.slice(1));
    if (ms === null) return `--start-at ${JSON.stringify(text)}: after "+" comes ${DURATION_FORMS}`;
    atMs = nowEpochMs + ms;
  } else if (ISO.test(t)) {
    atMs = Date.parse(t);
    // V8 reads February 30 as March 2: a day past its month's end is refused here.
    const [y, mo, d] = t.slice(0, 10).split('-').map(Number) as [number, number, number];
    if (Number.isNaN(atMs) || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return `--start-at ${JSON.stringify(text)} is not a real date and time`;
    // Date.parse drops what is below a ms: round up instead, so the clock never starts before the moment.
    if (/[1-9]/.test(ISO.exec(t)![2]?.slice(4) ?? '')) atMs += 1;
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t)) {
    return `--start-at ${JSON.stringify(text)} has no time zone`;
  } else {
    return `--start-at ${JSON.stringify(text)} is neither an ISO 8601 time nor +DURATION`;
  }
  if (atMs - nowEpochMs > MAX_START_AHEAD_MS) {
    return `--start-at ${JSON.stringify(text)} is more than 24 h away (${((atMs - nowEpochMs) / 3_600_000).toFixed(1)} h)`;
  }
  return atMs < nowEpochMs ? { requested: text, atMs, pastByMs: nowEpochMs - atMs } : { requested: text, atMs };
}

/** Waits on the run's clock until the wall-clock moment `atMs`; returns at once when `stopped()` says so. */
export async function waitForStart(start: StartAt, anchor: ClockAnchor, stopped: () => boolean): Promise<void> {
  // The anchor maps the shared monotonic clock to wall time: waiting on that mapping makes the recorded
  // clock start (derived through the same anchor) never earlier than the moment asked for.
  await waitUntil(anchor.monoMs + (start.atMs - anchor.epochMs), stopped);
  // The same sum as toIso's, in its order: float rounding of the target above must not leave it 1 µs short.
  while (!stopped() && anchor.epochMs + (nowMs() - anchor.monoMs) < start.atMs) await new Promise((r) => setImmediate(r));
}
