// The main thread's side of the result pipeline. Lines completed in a thread arrive as text and are
// appended as they are; statistics arrive as deltas and are merged. A record that comes back whole
// (a graded run, feedback, --threads 0, a harness failure) is graded in the grading pool or completed
// here: then its line is encoded here, once. Nothing here parses or re-encodes a line a thread wrote,
// and nothing here counts tokens: the token thread does, for what completes here and for the grading pool.
import type { GradingPool } from '../grading/grading-pool.js';
import type { GradeJob } from '../grading/messages.js';
import type { ClockAnchor } from '../clock/clock.js';
import { legacyOutputTokens, reportedTokens, type RecordTokens } from '../metrics/output-tokens.js';
import type { TokenClient } from '../metrics/token-thread.js';
import { RunStatsTotal, type RunStatsDelta } from '../metrics/run-stats.js';
import { completeRecord } from '../record/complete-record.js';
import { addResultExtras, type ResultExtrasSpec } from '../metrics/result-extras.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';
import type { ResultsSink } from '../report/results-sink.js';
import type { FeedbackPoster } from './feedback-poster.js';

/** Records waiting to be graded before the load waits for the graders to catch up. */
const GRADING_BACKLOG = 4096;

export class RunCollector {
  readonly total: RunStatsTotal;
  inFlight = 0;
  /** inFlight per variant index (the live endpoint's gauge). */
  readonly inFlightOf: number[];
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
    private readonly grading: GradingPool | null,
    /** Counts the output tokens of what completes here without reported usage (null with a grading pool). */
    private readonly tokens: TokenClient | null,
    private readonly onResult?: (r: ResultRecord) => void,
  ) {
    this.total = new RunStatsTotal(anchor, variantNames);
    this.inFlightOf = variantNames.map(() => 0);
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

  /** Prices, server latency path, goodput objectives (set by the runner): the figures set on records completed here. */
  extras: ResultExtrasSpec | null = null;

  /** A thread died with statistics it had not sent: the run is counted again from results.jsonl at the end. */
  needsRecount = false;

  threadLost(): void {
    this.needsRecount = true;
  }

  /** A record back whole from its executor, with the row's values (graders are templates over them). */
  record(record: ResultRecord, env: RecordEnvelope, values: Record<string, unknown>, conversationEnd = false): void {
    if (this.grading === null) return this.completeHere(record, env);
    this.queue.push({ record: JSON.stringify(record), env, values, ...(conversationEnd && { conversationEnd }) });
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
    const batch = this.grading!.grade(jobs)
      .then(
        ({ text, records, tokens }) => {
          if (text !== '') this.lines(text, jobs.length - records.length);
          records.forEach((r, i) => this.complete(JSON.parse(r) as ResultRecord, jobs[i]!.env, tokens[i]!));
        },
        (err: unknown) => {
          this.failure ??= err;
        },
      )
      .finally(() => {
        this.batches.delete(batch);
        this.backlog -= jobs.length;
        if (this.backlog < GRADING_BACKLOG) for (const wake of this.roomWaiters.splice(0)) wake();
      });
    this.batches.add(batch);
  }

  /**
   * A record without a grading pool: completed at once when its server reported its tokens, else once the
   * token thread counted them (this thread schedules the load and, with --threads 0, times it).
   */
  private completeHere(record: ResultRecord, env: RecordEnvelope): void {
    // Without a token thread (never in a run: runSuite starts one) the old estimate stands in, marked so.
    if (this.tokens === null) return this.complete(record, env, reportedTokens(record, {}) ?? { outputTokens: legacyOutputTokens(record) });
    let counted!: (t: RecordTokens) => void;
    const later = new Promise<RecordTokens>((resolve) => (counted = resolve));
    const tokens = this.tokens.tokensOf(record, (t) => counted(t));
    if (tokens !== undefined) return this.complete(record, env, tokens);
    this.backlog++;
    const counting = later
      .then((t) => this.complete(record, env, t))
      .catch((err: unknown) => void (this.failure ??= err))
      .finally(() => {
        this.batches.delete(counting);
        this.backlog--;
        if (this.backlog < GRADING_BACKLOG) for (const wake of this.roomWaiters.splice(0)) wake();
      });
    this.batches.add(counting);
  }

  /** Completes a record on this thread: envelope, tokens, feedback (measured results only), line, statistics. */
  private complete(record: ResultRecord, env: RecordEnvelope, tokens: RecordTokens): void {
    addResultExtras(completeRecord(record, env, tokens), this.extras);
    const deliver = (r: ResultRecord) => {
      if (this.closed) return;
      this.sink.write(r);
      this.total.add(r, env);
      this.onResult?.(r);
    };
    if (env.warmup)
      deliver(record); // warm-up results get no feedback
    else this.feedback.handle(record, deliver);
  }
}
