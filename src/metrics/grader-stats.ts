// Per-variant grading breakdown: each grader's passes / failures / errors and mean score, and the judge
// flow's calls (count, failures, latency) — measured here, apart from the run's own latency statistics.
import type { ResultRecord } from '../worker/messages.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';

export interface GraderTally {
  passed: number;
  failed: number;
  /** Could not run (script threw, judge unreachable): counted apart from failures. */
  errors: number;
  meanScore: number;
}

export interface JudgeSummary {
  calls: number;
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

export class GraderStats {
  private readonly tallies = new Map<string, { passed: number; failed: number; errors: number; scoreSum: number }>();
  private judgeCalls = 0;
  private judgeFailed = 0;
  private judgeRetries = 0;
  private judgeLatency: Histogram | null = null;

  add(r: ResultRecord): void {
    for (const g of r.grades) {
      let t = this.tallies.get(g.grader);
      if (!t) this.tallies.set(g.grader, (t = { passed: 0, failed: 0, errors: 0, scoreSum: 0 }));
      if (g.error) t.errors++;
      else if (g.pass) t.passed++;
      else t.failed++;
      t.scoreSum += g.score;
      if (g.judge) {
        this.judgeCalls++;
        this.judgeRetries += g.judge.attempts - 1;
        if (!g.judge.ok) this.judgeFailed++;
        else recordMs((this.judgeLatency ??= newHistogram()), g.judge.latencyMs);
      }
    }
  }

  summary(): GraderBreakdown {
    const graders: Record<string, GraderTally> = {};
    for (const [name, t] of this.tallies) {
      const n = t.passed + t.failed + t.errors;
      graders[name] = { passed: t.passed, failed: t.failed, errors: t.errors, meanScore: n ? t.scoreSum / n : 0 };
    }
    const judge = this.judgeCalls === 0 ? null : {
      calls: this.judgeCalls, failed: this.judgeFailed, retries: this.judgeRetries,
      latencyMs: this.judgeLatency ? summarize(this.judgeLatency) : null,
    };
    return { graders, judge };
  }
}
