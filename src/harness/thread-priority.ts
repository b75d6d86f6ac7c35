// Lowers the calling thread's CPU priority (Linux: a thread has its own nice value, set through its
// thread id). A grading thread runs at the lowest priority so that a CPU-heavy grader takes only the
// cores the timing threads leave: on a small machine its busy loop would otherwise slow the threads
// that timestamp frames. Elsewhere, or if it fails, the thread keeps its priority.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export const GRADING_NICE = 19;

/** Returns the nice value now in force for this thread, or null when it could not be set. */
export function lowerThreadPriority(nice = GRADING_NICE): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    setPriority(tid, nice);
    return nice;
  } catch {
    return null;
  }
}
