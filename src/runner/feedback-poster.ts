// Graded feedback, posted from the runner after each result lands — never on the request's path, so a
// slow or failing feedback endpoint cannot hold a load slot. Posts are retried (429 / 5xx / connect),
// bounded in flight, counted posted / failed per variant, and drained before the report is written.
import { StackAIClient, type FeedbackResult } from '../stackai/client.js';
import { Redactor, targetSecrets } from '../stackai/redaction.js';
import type { ErrorKind } from '../stackai/types.js';
import type { Suite } from '../suite/types.js';
import { feedbackText } from '../grade/feedback-text.js';
import { fixedHeaders } from '../worker/row-headers.js';
import type { FeedbackOutcome, ResultRecord } from '../record/result-record.js';
import { withRetries } from '../worker/retry-policy.js';

export interface FeedbackClient {
  postFeedback(orgId: string, flowId: string, runId: string, feedback: string, timeoutMs: number): Promise<FeedbackResult>;
  close?(): Promise<void>;
}

export interface FeedbackOptions {
  /** Print what would be posted instead of posting. */
  dryRun?: boolean;
  /** Where dry-run lines go (default stdout). */
  print?: (line: string) => void;
  /** Posts in flight at once (default 8). */
  maxInFlight?: number;
}

/** A post that may not have reached the server; `reset` and `timeout` are not retried (a repeat could double-post). */
const RETRYABLE = new Set<ErrorKind>(['http_429', 'http_5xx', 'connect']);

/** The verdict a result earned: a failed request is a FAIL even without graders. */
export const verdictOf = (r: ResultRecord): 'PASS' | 'FAIL' => (r.ok && r.pass !== false ? 'PASS' : 'FAIL');

/** Whether the suite's feedback settings want this result posted. */
export function feedbackDue(spec: Suite['feedback'], r: ResultRecord): boolean {
  if (!spec.post || !r.runId || r.warmup === true) return false;
  return spec.when === 'always' || (spec.when === 'pass') === (verdictOf(r) === 'PASS');
}

export class FeedbackPoster {
  private inFlight = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  /** Records whose post has not settled yet, by job: delivered once, by the post or by abandon(). */
  private readonly waiting = new Map<number, { record: ResultRecord; text: string; deliver: (r: ResultRecord) => void }>();
  private jobs = 0;
  private readonly idle: (() => void)[] = [];
  private failure: unknown = null;
  /** The record was redacted where it was made; the text leaves flowbench (or is printed), so it is cleaned on its way out too. */
  private readonly redactor: Redactor;

  constructor(
    private readonly suite: Pick<Suite, 'name' | 'feedback' | 'target' | 'load'>,
    private readonly client: FeedbackClient | null,
    private readonly opts: FeedbackOptions = {},
  ) {
    const t = suite.target;
    this.redactor = new Redactor(targetSecrets({ baseUrl: t.baseUrl, token: t.token, headers: fixedHeaders(t.headers) }));
  }

  /** Calls deliver(record) now when no feedback is due; else after the post settles, with record.feedback set. */
  handle(record: ResultRecord, deliver: (r: ResultRecord) => void): void {
    if (!feedbackDue(this.suite.feedback, record)) return deliver(record);
    const text = this.redactor.text(
      feedbackText(this.suite.feedback.template, {
        verdict: verdictOf(record),
        score: record.score,
        suite: this.suite.name,
        variant: record.variant,
        row: record.row,
        grades: record.grades,
        runId: record.runId ?? '',
        output: record.output,
        expected: record.expected,
      }),
    );
    if (this.opts.dryRun || !this.client) {
      (this.opts.print ?? ((l) => process.stdout.write(`${l}\n`)))(`feedback (dry run) ${record.variant} row ${record.row} run ${record.runId}: ${text}`);
      return deliver({ ...record, feedback: { posted: false, dryRun: true, text, error: null } });
    }
    const job = ++this.jobs;
    this.waiting.set(job, { record, text, deliver });
    this.queue.push(async () => {
      let outcome: FeedbackOutcome;
      try {
        outcome = await this.post(record.runId!, text);
      } catch (err) {
        // The client never throws; a substitute might: the record must still land.
        outcome = { posted: false, text, error: { kind: 'harness', message: `feedback post failed: ${(err as Error)?.message ?? String(err)}`, status: null } };
      }
      if (this.waiting.delete(job)) this.deliver(deliver, { ...record, feedback: outcome });
    });
    this.pump();
  }

  private deliver(deliver: (r: ResultRecord) => void, r: ResultRecord): void {
    try {
      deliver(r);
    } catch (err) {
      this.failure ??= err;
    }
  }

  /**
   * After an interrupt's grace period: every record still waiting is delivered now, its feedback marked
   * not posted (a post already sent may still land), and nothing more is sent.
   */
  abandon(): void {
    this.queue.length = 0;
    for (const [job, w] of this.waiting) {
      this.waiting.delete(job);
      const error = { kind: 'timeout' as const, message: 'feedback not confirmed: the run was interrupted before the post was answered', status: null };
      this.deliver(w.deliver, { ...w.record, feedback: { posted: false, text: w.text, error } });
    }
    for (const wake of this.idle.splice(0)) wake();
  }

  private async post(runId: string, text: string): Promise<FeedbackOutcome> {
    const { orgId, flowId } = this.suite.target;
    const log = await withRetries(
      {
        retry: (res, attempt) => !res.ok && attempt <= this.suite.load.retries && RETRYABLE.has(res.error.kind),
      },
      () => this.client!.postFeedback(orgId, flowId, runId, text, this.suite.load.timeoutMs),
    );
    const res = log[log.length - 1]!.result;
    return res.ok ? { posted: true, text, error: null, attempts: log.length } : { posted: false, text, error: res.error, attempts: log.length };
  }

  private pump(): void {
    const max = this.opts.maxInFlight ?? 8;
    while (this.inFlight < max && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.inFlight++;
      void job().finally(() => {
        this.inFlight--;
        this.pump();
        if (this.waiting.size === 0) for (const wake of this.idle.splice(0)) wake();
      });
    }
  }

  /** Resolves when every queued post has settled and been delivered (or abandon() ran); rejects with the first delivery error. */
  async drain(): Promise<void> {
    if (this.waiting.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.failure !== null) throw this.failure;
  }

  async close(): Promise<void> {
    await this.client?.close?.();
  }
}

/** The runner's poster: its own small connection pool to the target (the workers' pools stay for flow calls). */
export function startFeedback(suite: Suite, target: { baseUrl: string; token: string }, opts: FeedbackOptions = {}): FeedbackPoster {
  const wanted = suite.feedback.post && !opts.dryRun;
  const client = wanted
    ? new StackAIClient({ baseUrl: target.baseUrl, token: target.token, connections: opts.maxInFlight ?? 8, headers: fixedHeaders(suite.target.headers) })
    : null;
  return new FeedbackPoster(suite, client, opts);
}
