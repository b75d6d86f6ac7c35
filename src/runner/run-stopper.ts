// Why a run stops sending before its load is over, other than Ctrl-C: a failure that means every further
// request would fail alike (a wrong key: stackai/early-stop.ts), the live error rate over stop_on's limit,
// or the budget. The first reason is the one reported; stopping also drops the requests the threads hold
// for a closed loop's next free slot.
import type { ResultRecord } from '../record/result-record.js';
import { stopsTheRun } from '../stackai/early-stop.js';
import type { ClassifiedError } from '../stackai/types.js';
import type { Suite } from '../suite/types.js';

export class RunStopper {
  /** The first reason, once there is one (the budget sets it without dropping held requests). */
  stoppedBy: ClassifiedError | null = null;
  /** Called at the first stop(): drops the held requests once the request threads are up. */
  onStop: () => void = () => {};
  private okSeen = false;
  private done = 0;
  private failed = 0;

  constructor(private readonly limit: Suite['stopOn']) {}

  stop(e: ClassifiedError): void {
    if (this.stoppedBy !== null) return;
    this.stoppedBy = e;
    this.onStop();
  }

  /** Measured results just finished, and how many failed: stop_on judges the rate once `after` are in. */
  counted(measured: number, failed: number): void {
    this.done += measured;
    this.failed += failed;
    const limit = this.limit;
    if (limit === null || this.stoppedBy !== null || this.done < limit.after || this.failed / this.done <= limit.errorRate) return;
    const rate = Math.round((this.failed / this.done) * 1000) / 1000;
    this.stop({
      kind: 'stop_on' as ClassifiedError['kind'],
      status: null,
      message: `${this.failed} of the first ${this.done} measured requests failed (error rate ${rate}, over stop_on.error_rate ${limit.errorRate})`,
    });
  }

  /** A record that came back whole to this thread: counted when measured, and its error may stop the run. */
  sawRecord(record: ResultRecord, measured: boolean): void {
    this.okSeen ||= record.ok;
    if (measured) this.counted(1, record.ok ? 0 : 1);
    if (stopsTheRun(record.error, this.okSeen)) this.stop(record.error!);
  }
}
