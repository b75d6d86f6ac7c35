// The grading pool's watchdog, as a pure function of the tasks' shared watches (src/grading/messages.ts)
// and the clock: which tasks to stop, and whom to blame. A thread blocked in a grader cannot say so; what
// it wrote before it blocked says who is blocking it. Several tasks can share a thread (judge calls wait
// on the network), so the tasks are judged per thread.
import { BEAT_AT, CALL_GRADER, CALL_JOB, CALL_SINCE, OPEN_COUNT, OPEN_DEADLINE, OPEN_GRADER, OPEN_JOB, THREAD } from './messages.js';

/** A thread without a heartbeat for this long (and no call to blame) is stopped. */
export const SILENT_LIMIT_MS = 30_000;
/** A call may overrun its limit by this much before its thread is stopped (timer slack). */
export const OVERRUN_MS = 100;
/** A call that has had less CPU than its limit is stopped anyway after this long (wall time). */
export const backstopMs = (limitMs: number): number => Math.max(SILENT_LIMIT_MS, 3 * limitMs);
/** A heartbeat (every 10 ms) this late means the thread's event loop is held. */
export const BLOCKED_MS = 250;

/** Per grader: what its synchronous parts are held to, and its whole call when it has such a limit (null: none). */
export interface Limits {
  sync: readonly number[];
  wait: readonly (number | null)[];
}

/** Stop task `task`; job / grader name the call to blame, or are -1 when none can be named. */
export interface Stop {
  task: number;
  job: number;
  grader: number;
  reason: string;
}

/**
 * Which synchronous calls the watchdog saw alike in its last round as well (job, grader and start). A
 * round reads a watch while its thread writes it. The thread used to mark "inside a call" before writing
 * the call's start, and a grading thread preempted between the two (nice 19, a busy machine) read as a
 * call begun at 0, the clock's origin: a `contains` "timed out" after 51,900,854 ms in a clean-clone CI
 * run. The thread now writes the mark last (grading-worker.ts); on a CPU that may make plain stores
 * visible out of order that still holds only once they land, within nanoseconds, while a call that hangs
 * reads the same round after round: so a call is stopped only once two rounds agree on it.
 */
export class CallSightings {
  private last = new Map<Float64Array, string>();

  /** Per watch: true when it is inside the same call as in the previous round. */
  steady(watches: readonly Float64Array[]): boolean[] {
    const now = new Map<Float64Array, string>();
    const steady = watches.map((w) => {
      if (w[CALL_JOB]! < 0) return false;
      const key = `${w[CALL_JOB]}:${w[CALL_GRADER]}:${w[CALL_SINCE]}`;
      now.set(w, key);
      return this.last.get(w) === key;
    });
    this.last = now;
    return steady;
  }
}

/**
 * `steady`, per watch: whether its call was read alike in the previous round (CallSightings); a call that
 * was not is left for the next round. Without it every call counts as steady.
 *
 * `cpuMs`, per watch: the CPU its thread has had in its current synchronous call (src/grading/call-cpu.ts),
 * null when unknown. With it, a call past its limit in wall time is stopped only once it has also had its
 * limit in CPU (a thread at the lowest priority can wait seconds for a core on a busy machine), or once it
 * has run past the backstop, whatever its CPU. A grader with a limit on its whole call (a script: it may
 * block on a file or a process of its own) is still held to that limit in wall time.
 */
export function overrunning(
  watches: readonly Float64Array[],
  limits: Limits,
  now: number,
  cpuMs: readonly (number | null)[] = [],
  steady: readonly boolean[] = [],
): Stop[] {
  const byThread = new Map<number, number[]>();
  watches.forEach((w, i) => {
    if (w[BEAT_AT] === 0) return; // not started on a thread yet
    const list = byThread.get(w[THREAD]!) ?? [];
    list.push(i);
    byThread.set(w[THREAD]!, list);
  });
  const stops: Stop[] = [];
  for (const tasks of byThread.values()) {
    // Inside a synchronous part: that call holds the thread, and the other tasks there wait for it.
    const inCall = tasks.filter((i) => watches[i]![CALL_JOB]! >= 0);
    if (inCall.length > 0) {
      for (const i of inCall) {
        const w = watches[i]!;
        const limit = limits.sync[w[CALL_GRADER]!] ?? SILENT_LIMIT_MS;
        const wallMs = now - w[CALL_SINCE]!;
        if (wallMs <= limit + OVERRUN_MS || steady[i] === false) continue;
        const cpu = cpuMs[i] ?? null;
        // A grader whose whole call has a limit of its own (a script) is held to it in wall time.
        const wait = limits.wait[w[CALL_GRADER]!] ?? null;
        const waitOver = wait !== null && wallMs > wait + OVERRUN_MS;
        const waitingForCore = !waitOver && cpu !== null && cpu <= limit; // not looping: it has not had its limit on a core
        if (waitingForCore && wallMs <= backstopMs(limit)) continue;
        const starved = waitingForCore ? ` (${Math.round(wallMs)} ms of wall time, ${Math.round(cpu)} ms of it on a core)` : '';
        stops.push({
          task: i,
          job: w[CALL_JOB]!,
          grader: w[CALL_GRADER]!,
          reason: `timed out after ${limit} ms without returning${starved} (a synchronous loop, or a regular expression that backtracks without end?): its grading thread was stopped`,
        });
      }
      continue;
    }
    const silentMs = now - Math.max(...tasks.map((i) => watches[i]![BEAT_AT]!));
    if (silentMs <= BLOCKED_MS) continue;
    // Held after an await, by a call in flight (whose own race against its limit cannot fire while the
    // thread is held) once every call in flight there is past its limit: when there is one, it is named;
    // when there are several, their tasks are graded again so that it ends up alone (grading-pool.ts).
    const open = tasks.filter((i) => watches[i]![OPEN_COUNT]! > 0);
    const count = open.reduce((n, i) => n + watches[i]![OPEN_COUNT]!, 0);
    const deadline = Math.max(...open.map((i) => watches[i]![OPEN_DEADLINE]!));
    if (count > 0 && deadline !== Infinity) {
      if (now <= deadline + OVERRUN_MS) continue;
      if (count === 1) {
        const w = watches[open[0]!]!;
        const limit = limits.wait[w[OPEN_GRADER]!] ?? 0;
        stops.push({
          task: open[0]!,
          job: w[OPEN_JOB]!,
          grader: w[OPEN_GRADER]!,
          reason: `timed out after ${limit} ms: it held its grading thread after an await (a loop in an async grader?), and the thread was stopped`,
        });
      } else {
        for (const i of open)
          stops.push({
            task: i,
            job: -1,
            grader: -1,
            reason: 'its grading thread was held past the time limit of every grader call in flight (a loop after an await?), and was stopped',
          });
      }
      continue;
    }
    if (silentMs > SILENT_LIMIT_MS) {
      // No call to blame: every task on the thread is stopped, and graded again row by row (grading-pool.ts).
      for (const i of tasks)
        stops.push({ task: i, job: -1, grader: -1, reason: `the grading thread was silent for ${SILENT_LIMIT_MS / 1000} s and was stopped` });
    }
  }
  return stops;
}
