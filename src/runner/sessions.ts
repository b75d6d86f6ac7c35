// A run's sessions: its first `flowbench run` and each `--resume` of it. Every session counts time on
// the run's one clock (ms since the manifest's startedAt), so none overlaps another: a session's
// requests are the ones scheduled after its clock started and before the next session's did, and its
// active span runs from its clock start to the end of its load. Marks live in run-manifest.json.
import type { ResultRecord } from '../record/result-record.js';
import type { RunSession, StartAtRecord } from '../report/run-parts.js';

/** What run-manifest.json keeps of a session; finishedAt and activeMs stay null when it was killed. */
export interface SessionMark {
  startedAt: string;
  /** When its load clock started, ms on the run's clock. */
  clockStartMs: number;
  finishedAt: string | null;
  activeMs: number | null;
  /** Request threads it ran on, and (at its end) whether it was cut short. */
  threads?: number;
  partial?: boolean;
  /** `--shard I/N`: the part of the fleet this run folder holds. */
  shard?: { index: number; count: number } | null;
  /** `--start-at`: the moment asked for and the one its load's clock started. */
  startAt?: StartAtRecord;
}

export type { RunSession } from '../report/run-parts.js';

export class SessionTally {
  private readonly requests: number[];
  private readonly lastEnd: number[];
  private firstScheduled = Infinity;

  /** `originMs`: the run's startedAt (epoch ms), zero of the clock its records' timestamps count on. */
  constructor(
    private readonly marks: readonly SessionMark[],
    private readonly originMs: number,
  ) {
    const n = Math.max(1, marks.length);
    this.requests = new Array<number>(n).fill(0);
    this.lastEnd = new Array<number>(n).fill(-Infinity);
  }

  /** A measured record of the run. */
  add(r: ResultRecord): void {
    const t = r.timestamps.scheduled;
    let k = 0;
    for (let i = this.marks.length - 1; i > 0; i--) {
      if (t >= this.marks[i]!.clockStartMs) {
        k = i;
        break;
      }
    }
    this.requests[k]!++;
    this.lastEnd[k] = Math.max(this.lastEnd[k]!, r.timestamps.end);
    this.firstScheduled = Math.min(this.firstScheduled, t);
  }

  /**
   * The sessions the records and marks show. A run folder from before sessions were kept has no
   * marks: it is one session, from its first scheduled request to its last result.
   */
  sessions(): RunSession[] {
    if (this.marks.length === 0 && !Number.isFinite(this.firstScheduled)) return []; // nothing before this session
    const marks: SessionMark[] =
      this.marks.length > 0
        ? [...this.marks]
        : [
            {
              startedAt: new Date(this.originMs).toISOString(),
              clockStartMs: Number.isFinite(this.firstScheduled) ? this.firstScheduled : 0,
              finishedAt: null,
              activeMs: null,
            },
          ];
    return marks.map((m, i) => {
      const end = this.lastEnd[i]!;
      const activeMs = m.activeMs ?? (Number.isFinite(end) ? Math.max(0, end - m.clockStartMs) : 0);
      return {
        startedAt: m.startedAt,
        finishedAt: m.finishedAt ?? new Date(this.originMs + m.clockStartMs + activeMs).toISOString(),
        requests: this.requests[i]!,
        activeMs: Math.round(activeMs),
      };
    });
  }
}
