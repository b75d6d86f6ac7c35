// Threads a run ended cleanly, kept for the next run in the same process (a library user's loop of runs,
// the test suite's hundreds of runs): starting a thread and loading its modules costs more CPU than a
// small suite's requests (the tokenizer's tables alone take about 0.2 s; BENCHMARKS.md). A kept thread
// starts every run afresh (its watch, ports and clients are the run's own). Kept threads are unref'd, so
// they never keep the process alive; the shelf holds only a few of each kind, and ends one left unused
// for IDLE_MS, so a long-lived process does not hold their memory for nothing.

/** A kept thread not taken again within this long is ended. */
export const IDLE_MS = 30_000;

interface Kept<T> {
  thread: T;
  timer: NodeJS.Timeout;
}

export class ThreadShelf<T> {
  private readonly kept = new Map<string, Kept<T>[]>();

  /** `end` ends a thread the shelf has no room for, or one left unused too long. */
  constructor(
    private readonly perKey: number,
    private readonly end: (t: T) => unknown,
    private readonly idleMs = IDLE_MS,
  ) {}

  /** A kept thread for `key`, taken off the shelf; undefined when there is none. */
  take(key = ''): T | undefined {
    const k = this.kept.get(key)?.pop();
    if (k === undefined) return undefined;
    clearTimeout(k.timer);
    return k.thread;
  }

  /** Keeps `t` for the next run asking for `key`, or ends it when there are enough kept already. */
  keep(t: T, key = ''): void {
    const list = this.kept.get(key) ?? [];
    this.kept.set(key, list);
    if (list.length >= this.perKey) return void this.end(t);
    const timer = setTimeout(() => {
      this.forget(t);
      void this.end(t);
    }, this.idleMs);
    timer.unref();
    list.push({ thread: t, timer });
  }

  /** Takes `t` off the shelf (it ended on its own while kept). */
  forget(t: T): void {
    for (const list of this.kept.values()) {
      const i = list.findIndex((k) => k.thread === t);
      if (i === -1) continue;
      clearTimeout(list[i]!.timer);
      list.splice(i, 1);
    }
  }
}
