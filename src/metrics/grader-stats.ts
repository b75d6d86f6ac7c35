// Per-variant grading breakdown: each grader's passes / failures / errors and mean score, and the judge
// flow's calls (count, failures, latency) — measured here, apart from the run's own latency statistics.
// take() / merge() carry what a thread added to the main thread's total.
import type { ResultRecord } from '../record/result-record.js';
import { ExactSum } from './exact-sum.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { mergeHistogram, takeHistogram, type HistogramDelta } from './histogram-delta.js';

export interface GraderTally {
  passed: number;
  failed: number;
  /** Could not run (script threw, judge unreachable): counted apart from failures. */
  errors: number;
  meanScore: number;
}

export interface JudgeSummary {
  /** Calls made (answers taken from the judge cache are not calls). */
  calls: number;
  /** Answers taken from the judge cache: no call made, in neither failed, retries nor latency. */
  cached: number;
  failed: number;
  /** Attempts beyond the first. */
  retries: number;
  latencyMs: MetricSummary | null;
}

export interface GraderBreakdown {
  /** Grader name -> tally over graded results (suite order). */
  graders: Record<string, GraderTally>;
  /** Judge grader calls; null when the suite has no judge. */
  judge: JudgeSummary | null;
}

/** One grader's counts so far (the live endpoint's view). */
export interface GraderTallyView {
  grader: string;
  passed: number;
  failed: number;
  errors: number;
}

/** Everything added since the last take(). */
export interface GraderStatsDelta {
  /** In first-seen order (suite order), as [name, tally]: object keys would reorder numeric names. */
  tallies: [string, { passed: number; failed: number; errors: number; scoreSum: number[] }][];
  judge: { calls: number; failed: number; retries: number; cached: number; latency?: HistogramDelta };
}

interface Tally {
  passed: number;
  failed: number;
  errors: number;
  scoreSum: ExactSum;
}

export class GraderStats {
  private readonly tallies = new Map<string, Tally>();
  private judgeCalls = 0;
  private judgeFailed = 0;
  private judgeRetries = 0;
  private judgeCached = 0;
  private judgeLatency: Histogram | null = null;

  add(r: ResultRecord): void {
    for (const g of r.grades) {
      const t = this.tally(g.grader);
      if (g.error) t.errors++;
      else if (g.pass) t.passed++;
      else t.failed++;
      t.scoreSum.add(g.score);
      if (g.judge?.cached === true) this.judgeCached++;
      else if (g.judge) {
        this.judgeCalls++;
        this.judgeRetries += g.judge.attempts - 1;
        if (!g.judge.ok) this.judgeFailed++;
        else recordMs((this.judgeLatency ??= newHistogram()), g.judge.latencyMs);
      }
    }
  }

  /** What was added since the last take; this instance starts again from empty. */
  take(): GraderStatsDelta {
    const tallies: GraderStatsDelta['tallies'] = [];
    for (const [name, t] of this.tallies) {
      tallies.push([name, { passed: t.passed, failed: t.failed, errors: t.errors, scoreSum: t.scoreSum.take() }]);
    }
    this.tallies.clear();
    const judge: GraderStatsDelta['judge'] = { calls: this.judgeCalls, failed: this.judgeFailed, retries: this.judgeRetries, cached: this.judgeCached };
    const latency = this.judgeLatency ? takeHistogram(this.judgeLatency) : undefined;
    if (latency) judge.latency = latency;
    this.judgeCalls = this.judgeFailed = this.judgeRetries = this.judgeCached = 0;
    return { tallies, judge };
  }

  merge(d: GraderStatsDelta): void {
    for (const [name, x] of d.tallies) {
      const t = this.tally(name);
      t.passed += x.passed;
      t.failed += x.failed;
      t.errors += x.errors;
      t.scoreSum.merge(x.scoreSum);
    }
    this.judgeCalls += d.judge.calls;
    this.judgeFailed += d.judge.failed;
    this.judgeRetries += d.judge.retries;
    this.judgeCached += d.judge.cached;
    if (d.judge.latency) mergeHistogram(d.judge.latency, (this.judgeLatency ??= newHistogram()));
  }

  summary(): GraderBreakdown {
    const graders: Record<string, GraderTally> = {};
    for (const [name, t] of this.tallies) {
      const n = t.passed + t.failed + t.errors;
      graders[name] = { passed: t.passed, failed: t.failed, errors: t.errors, meanScore: n ? t.scoreSum.value() / n : 0 };
    }
    const judge =
      this.judgeCalls === 0 && this.judgeCached === 0
        ? null
        : {
            calls: this.judgeCalls,
            cached: this.judgeCached,
            failed: this.judgeFailed,
            retries: this.judgeRetries,
            latencyMs: this.judgeLatency ? summarize(this.judgeLatency) : null,
          };
    return { graders, judge };
  }

  /** Each grader's counts so far, in first-seen order. */
  tallyView(): GraderTallyView[] {
    return [...this.tallies].map(([grader, t]) => ({ grader, passed: t.passed, failed: t.failed, errors: t.errors }));
  }

  private tally(name: string): Tally {
    let t = this.tallies.get(name);
    if (!t) this.tallies.set(name, (t = { passed: 0, failed: 0, errors: 0, scoreSum: new ExactSum() }));
    return t;
  }
}
