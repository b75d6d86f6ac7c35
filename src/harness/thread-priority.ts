// Lowers the calling thread's CPU priority (Linux: a thread has its own nice value, set through its
// thread id). A grading thread runs at the lowest priority so that a CPU-heavy grader takes only the
// cores the timing threads leave: on a small machine its busy loop would otherwise slow the threads
// that timestamp frames. Elsewhere, or if it fails, the thread keeps its priority.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export const GRADING_NICE = 19;

/** The calling thread's id in the OS (Linux), or null elsewhere. */
export function osThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Returns the nice value now in force for this thread, or null when it could not be set. */
export function lowerThreadPriority(nice = GRADING_NICE): number | null {
  const tid = osThreadId();
  if (tid === null) return null;
  try {
    setPriority(tid, nice);
    return nice;
  } catch {
    return null;
  }
}
