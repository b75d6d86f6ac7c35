// The grading pool's watchdog, without threads: from what each task wrote to its watch and the clock,
// which task is stopped and whom it blames.
import { describe, expect, it } from 'vitest';
import {
  BEAT_AT,
  CALL_GRADER,
  CALL_JOB,
  CALL_SINCE,
  OPEN_COUNT,
  OPEN_DEADLINE,
  OPEN_GRADER,
  OPEN_JOB,
  THREAD,
  WATCH_SLOTS,
} from '../../src/grading/messages.js';
import { BLOCKED_MS, backstopMs, CallSightings, OVERRUN_MS, overrunning, SILENT_LIMIT_MS, type Limits } from '../../src/grading/watchdog.js';

const NOW = 1_000_000;
/** Grader 0: a regex (1 s, no wait limit); grader 1: a script (10 s); grader 2: a judge (1 s for its own work, its wait unbounded here). */
const LIMITS: Limits = { sync: [1000, 10_000, 1000], wait: [null, 10_000, null] };

interface W {
  thread?: number;
  beatAgo?: number;
  call?: [job: number, grader: number, ago: number];
  open?: [count: number, job: number, grader: number, deadlineIn: number];
}
function watch(w: W): Float64Array {
  const a = new Float64Array(WATCH_SLOTS);
  a[THREAD] = w.thread ?? 1;
  a[BEAT_AT] = w.beatAgo === undefined ? 0 : NOW - w.beatAgo;
  a[CALL_JOB] = w.call?.[0] ?? -1;
  a[CALL_GRADER] = w.call?.[1] ?? -1;
  a[CALL_SINCE] = w.call ? NOW - w.call[2] : 0;
  if (w.open) [a[OPEN_COUNT], a[OPEN_JOB], a[OPEN_GRADER], a[OPEN_DEADLINE]] = [w.open[0], w.open[1], w.open[2], NOW + w.open[3]];
  return a;
}
const stops = (...ws: W[]) => overrunning(ws.map(watch), LIMITS, NOW).map((s) => ({ task: s.task, job: s.job, grader: s.grader }));

describe('watchdog', () => {
  it.each<[string, W[], { task: number; job: number; grader: number }[]]>([
    ['a task not started on a thread yet is never judged', [{ call: [0, 0, 99_999] }], []],
    ['a regex inside its limit', [{ beatAgo: 900, call: [3, 0, 900] }], []],
    ['a regex past its limit (the default 1 s) is named', [{ beatAgo: 1200, call: [3, 0, 1000 + OVERRUN_MS + 1] }], [{ task: 0, job: 3, grader: 0 }]],
    ['a script is held to its own limit', [{ beatAgo: 5000, call: [1, 1, 5000] }], []],
    [
      'the other tasks on a thread held by a call wait for it, however long',
      [
        { beatAgo: 40_000, thread: 1 },
        { beatAgo: 40_000, thread: 1, call: [2, 1, 9000] },
      ],
      [],
    ],
    [
      'tasks on another thread are judged on their own',
      [
        { beatAgo: 40_000, thread: 2 },
        { beatAgo: 1, thread: 1, call: [2, 1, 9000] },
      ],
      [{ task: 0, job: -1, grader: -1 }],
    ],
    [
      'a thread held after an await, one call in flight past its limit: named',
      [{ beatAgo: BLOCKED_MS + 1, open: [1, 4, 1, -OVERRUN_MS - 1] }],
      [{ task: 0, job: 4, grader: 1 }],
    ],
    ['...but not while its event loop turns (its own race answers)', [{ beatAgo: 5, open: [1, 4, 1, -5000] }], []],
    ['...nor before its limit', [{ beatAgo: 5000, open: [1, 4, 1, 3000] }], []],
    [
      'several in flight, all past their limits: their tasks, no call named',
      [
        { beatAgo: 2000, open: [2, 0, 0, -500] },
        { beatAgo: 2000, open: [1, 1, 1, -500] },
      ],
      [
        { task: 0, job: -1, grader: -1 },
        { task: 1, job: -1, grader: -1 },
      ],
    ],
    ['a judge waiting on its flow has no limit of its own: only silence stops the thread', [{ beatAgo: 20_000, open: [1, 0, 2, Infinity] }], []],
    [
      'silent past the silent limit, nothing to blame: every task on the thread',
      [{ beatAgo: SILENT_LIMIT_MS + 1 }, { beatAgo: SILENT_LIMIT_MS + 1, open: [1, 0, 2, Infinity] }],
      [
        { task: 0, job: -1, grader: -1 },
        { task: 1, job: -1, grader: -1 },
      ],
    ],
  ])('%s', (_name, ws, expected) => {
    expect(stops(...ws)).toEqual(expected);
  });

  describe("with the thread's CPU time in the call (Linux)", () => {
    const past = 1000 + OVERRUN_MS + 1;
    const at = (w: W, cpu: number | null) => overrunning([watch(w)], LIMITS, NOW, [cpu]).map((s) => s.job);
    it('a regex past its limit in wall time that had less than its limit on a core waits for one: not stopped', () => {
      expect(at({ beatAgo: past, call: [3, 0, past] }, 40)).toEqual([]);
      expect(at({ beatAgo: 20_000, call: [3, 0, 20_000] }, 999)).toEqual([]);
    });
    it('...stopped once it has had its limit on a core, or past the backstop whatever its CPU', () => {
      expect(at({ beatAgo: past, call: [3, 0, past] }, 1001)).toEqual([3]);
      const late = backstopMs(1000) + 1;
      expect(backstopMs(1000)).toBe(SILENT_LIMIT_MS);
      const [stop] = overrunning([watch({ beatAgo: late, call: [3, 0, late] })], LIMITS, NOW, [12]);
      expect(stop!.reason).toMatch(/^timed out after 1000 ms without returning \(30001 ms of wall time, 12 ms of it on a core\)/);
    });
    it('unknown CPU (not Linux, the thread gone) keeps the wall-time limit', () => {
      expect(at({ beatAgo: past, call: [3, 0, past] }, null)).toEqual([3]);
    });
    it('a script, whose whole call has its limit, is held to it in wall time whatever its CPU', () => {
      expect(at({ beatAgo: 10_200, call: [5, 1, 10_000 + OVERRUN_MS + 1] }, 3)).toEqual([5]);
      expect(at({ beatAgo: 9000, call: [5, 1, 9000] }, 3)).toEqual([]);
    });
  });

  it('a call is stopped only once two rounds read it alike: a watch read while its thread writes it waits a round', () => {
    const sightings = new CallSightings();
    // A fresh watch read between the "inside a call" mark and the start: the start is still 0.
    const torn = watch({ beatAgo: 5, call: [2, 0, NOW] });
    const round = (w: Float64Array) => overrunning([w], LIMITS, NOW, [], sightings.steady([w])).map((s) => s.job);
    expect(round(torn)).toEqual([]);
    torn[CALL_SINCE] = NOW - 3; // the write lands: a call begun 3 ms ago
    expect(round(torn)).toEqual([]);
    // A call that hangs reads the same round after round: stopped on the second.
    const hung = watch({ beatAgo: 2000, call: [4, 0, 2000] });
    expect(round(hung)).toEqual([]);
    expect(round(hung)).toEqual([4]);
    expect(sightings.steady([watch({ beatAgo: 5 })])).toEqual([false]); // no call
  });

  it('says why: a synchronous overrun, a hold after an await', () => {
    const [sync] = overrunning([watch({ beatAgo: 2000, call: [0, 0, 2000] })], LIMITS, NOW);
    expect(sync!.reason).toMatch(/timed out after 1000 ms without returning \(a synchronous loop, or a regular expression that backtracks without end\?\)/);
    const [held] = overrunning([watch({ beatAgo: 11_000, open: [1, 0, 1, -200] })], LIMITS, NOW);
    expect(held!.reason).toMatch(/timed out after 10000 ms: it held its grading thread after an await/);
  });
});
