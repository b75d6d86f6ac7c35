// How much CPU a grading thread has had in the synchronous grader call it is inside, for the watchdog
// (src/grading/watchdog.ts). A grading thread runs at the lowest priority: on a busy machine (or beside a
// run's own request threads at a high rate) it can wait seconds for a core in the middle of a `contains`
// that takes microseconds, and a wall-time limit alone would stop it and record a grader error for a
// correct grader. A call that never returns burns CPU; one that waits for a core does not. Linux gives
// each thread's CPU time in /proc; elsewhere this answers null, and the limit stays wall time.
import { readFileSync } from 'node:fs';
import { CALL_JOB, CALL_SINCE, OS_TID } from './messages.js';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux flowbench runs on). */
const TICKS_PER_S = 100;

/** utime + stime of one of this process's threads, ms; null when it cannot be read (gone, not Linux). */
export function threadCpuMs(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_S : null;
  } catch {
    return null;
  }
}

/**
 * Samples every grading thread's CPU once per watchdog round, and answers for each task inside a call the
 * CPU its thread has had since the last sample taken before the call began. That errs towards stopping:
 * whatever the thread ran between that sample and the call's start (one round, 25 ms, unless the main
 * thread was held) is counted as the call's.
 */
export class CallCpu {
  private readonly last = new Map<number, number>();
  private readonly calls = new Map<number, { since: number; startCpuMs: number }>();

  constructor(private readonly read: (tid: number) => number | null = threadCpuMs) {}

  /** One round: per watch, the CPU ms its thread has had in its current call; null when unknown (no call, no tid, no /proc). */
  sample(watches: readonly Float64Array[]): (number | null)[] {
    const now = new Map<number, number | null>();
    for (const w of watches) {
      const tid = w[OS_TID]!;
      if (tid > 0 && !now.has(tid)) now.set(tid, this.read(tid));
    }
    const inCall = new Set<number>();
    const used = watches.map((w) => {
      const tid = w[OS_TID]!;
      const cpu = now.get(tid) ?? null;
      if (cpu === null || w[CALL_JOB]! < 0) return null;
      inCall.add(tid);
      const since = w[CALL_SINCE]!;
      let call = this.calls.get(tid);
      if (call === undefined || call.since !== since) {
        call = { since, startCpuMs: this.last.get(tid) ?? cpu };
        this.calls.set(tid, call);
      }
      return cpu - call.startCpuMs;
    });
    this.last.clear();
    for (const [tid, cpu] of now) if (cpu !== null) this.last.set(tid, cpu);
    for (const tid of this.calls.keys()) if (!inCall.has(tid)) this.calls.delete(tid);
    return used;
  }
}
