// The main thread's side of the result pipeline. Lines completed in a thread arrive as text and are
// appended as they are; statistics arrive as deltas and are merged. A record that comes back whole
// (a graded run, an answer without reported usage, feedback, --threads 0, a harness failure) goes to the
// grading pool, which grades it and counts its tokens, then completes it there or hands it back to be
// completed here (feedback): then its line is encoded here, once. Nothing here parses or re-encodes a
// line a thread wrote, and nothing here counts tokens.
import type { GradingPool } from '../grading/grading-pool.js';
import type { GradeJob } from '../grading/messages.js';
import type { ClockAnchor } from '../metrics/clock.js';
import type { RecordTokens } from '../metrics/output-tokens.js';
import { RunStatsTotal, type RunStatsDelta } from '../metrics/run-stats.js';
import { completeRecord } from '../record/complete-record.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';
import type { ResultsSink } from '../report/results-sink.js';
import type { FeedbackPoster } from './feedback-poster.js';

/** Records waiting to be graded before the load waits for the graders to catch up. */
const GRADING_BACKLOG = 4096;

export class RunCollector {
  readonly total: RunStatsTotal;
  inFlight = 0;
  /** After finish(): late records (requests abandoned after the grace period) are dropped. */
  private closed = false;
  private queue: GradeJob[] = [];
  private flushQueued = false;
  private backlog = 0;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly batches = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    private readonly sink: ResultsSink,
    anchor: ClockAnchor,
    variantNames: string[],
    private readonly feedback: FeedbackPoster,
    private readonly grading: GradingPool,
    private readonly onResult?: (r: ResultRecord) => void,
  ) {
    this.total = new RunStatsTotal(anchor, variantNames);
  }

  get done(): number {
    return this.total.done;
  }

  get errors(): number {
    return this.total.errors;
  }

  get warmupDone(): number {
    return this.total.warmupDone;
  }

  ttftP50(): number | null {
    return this.total.ttftP50();
  }

  /** Lines a thread completed and encoded. */
  lines(text: string, count: number): void {
    if (!this.closed) this.sink.writeText(text, count);
  }

  /** Statistics a thread recorded since its last delta. */
  stats(delta: RunStatsDelta): void {
    this.total.merge(delta);
  }

  /** A thread died with statistics it had not sent: the run is counted again from results.jsonl at the end. */
  needsRecount = false;

  threadLost(): void {
    this.needsRecount = true;
  }

  /** A record back whole from its executor, with the row's values (graders are templates over them). */
  record(record: ResultRecord, env: RecordEnvelope, values: Record<string, unknown>): void {
    this.queue.push({ record: JSON.stringify(record), env, values });
    this.backlog++;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flushGrading()); // everything back in this turn is one grading task
    }
  }

  /** Resolves at once unless the graders are far behind the load (then when they catch up). */
  room(): Promise<void> | null {
    if (this.backlog < GRADING_BACKLOG) return null;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves once every record handed over has been graded and written; rejects with the first failure. */
  async drain(): Promise<void> {
    if (this.queue.length > 0) this.flushGrading();
    while (this.batches.size > 0) await Promise.all([...this.batches]);
    if (this.failure !== null) throw this.failure;
  }

  /** Closes every timeline bucket; call once the run is over. */
  finish(): void {
    this.closed = true;
    this.total.finish();
  }

  private flushGrading(): void {
    this.flushQueued = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    const batch = this.grading.grade(jobs).then(
      ({ text, records, tokens }) => {
        if (text !== '') this.lines(text, jobs.length - records.length);
        records.forEach((r, i) => this.complete(JSON.parse(r) as ResultRecord, jobs[i]!.env, tokens[i]!));
      },
      (err: unknown) => {
        this.failure ??= err;
      },
    ).finally(() => {
      this.batches.delete(batch);
      this.backlog -= jobs.length;
      if (this.backlog < GRADING_BACKLOG) for (const wake of this.roomWaiters.splice(0)) wake();
    });
    this.batches.add(batch);
  }

  /** Completes a record on this thread: envelope, tokens, feedback (measured results only), line, statistics. */
  private complete(record: ResultRecord, env: RecordEnvelope, tokens: RecordTokens): void {
    completeRecord(record, env, tokens);
    const deliver = (r: ResultRecord) => {
      if (this.closed) return;
      this.sink.write(r);
      this.total.add(r, env);
      this.onResult?.(r);
    };
    if (env.warmup) deliver(record); // warm-up results get no feedback
    else this.feedback.handle(record, deliver);
  }
}
