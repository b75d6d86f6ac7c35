// CPU time consumed by the calling thread alone (not the process), in ms, or null where the platform
// cannot tell: process.threadCpuUsage() on Node >= 23.9, else Linux's /proc/thread-self/stat.
import { readFileSync } from 'node:fs';

/** Reads the calling thread's CPU time (user + system) in ms; null when this platform cannot. */
export type ThreadCpuReader = () => number | null;

type ThreadCpuUsage = () => { user: number; system: number };

/**
 * /proc reports utime and stime in clock ticks of USER_HZ, which the kernel fixes at 100 for
 * userspace on the architectures Node runs on (`getconf CLK_TCK`); Node cannot call sysconf.
 */
const TICKS_PER_S = 100;
const PROC_STAT = '/proc/thread-self/stat';

/** utime + stime (fields 14 and 15 of proc(5)) from a stat line, in ticks; null if malformed. */
export function statTicks(stat: string): number | null {
  // The command name (field 2) is in parentheses and may itself hold spaces or ")": count from the last ")".
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

function procReader(): ThreadCpuReader | null {
  // Synchronous on purpose: /proc/thread-self names the thread that opens it, and an async read
  // would open it from a libuv pool thread and report that thread's time instead.
  const read = () => {
    const ticks = statTicks(readFileSync(PROC_STAT, 'utf8'));
    return ticks === null ? null : (ticks * 1000) / TICKS_PER_S;
  };
  try {
    return read() === null ? null : read;
  } catch {
    return null; // not Linux, or /proc not mounted
  }
}

/** The best reader this runtime has, decided once; its reads cost one syscall or one file read. */
export function threadCpuReader(): ThreadCpuReader {
  const usage = (process as unknown as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;
  if (typeof usage === 'function') {
    return () => {
      const u = usage.call(process);
      return (u.user + u.system) / 1000;
    };
  }
  return (process.platform === 'linux' ? procReader() : null) ?? (() => null);
}
