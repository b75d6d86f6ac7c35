// Repeats' statistics, direct: pass@1, pass^N, consistency and flaky rows from known verdicts; a row's
// repeats clustered into one paired unit (shares, mean score, median timings), so a comparison's n is
// rows; and the threshold names reading them.
import { describe, expect, it } from 'vitest';
import type { RowOutcome } from '../../src/compare/outcomes.js';
import { pairedMetrics } from '../../src/compare/paired-metrics.js';
import { pairedMeanDiff } from '../../src/compare/paired-mean.js';
import { clusterOutcomes } from '../../src/compare/repeat-clusters.js';
import { RepeatTally } from '../../src/metrics/repeat-stats.js';
import { metricValue, parseThreshold } from '../../src/metrics/thresholds.js';
import type { VariantSummary } from '../../src/metrics/variant-stats.js';

/** Verdicts per row ('P' pass, 'F' fail, '-' ungraded) into a tally of N = 3. */
function tally(rows: string[], n = 3): RepeatTally {
  const t = new RepeatTally(n);
  rows.forEach((verdicts, row) => {
    for (const v of verdicts) t.add({ row, iteration: 0, pass: v === '-' ? null : v === 'P' });
  });
  return t;
}

describe('repeat statistics', () => {
  it('pass@1 is the mean of per-row pass shares, pass^N the rows passing all N, consistency the rows never changing', () => {
    const s = tally(['PPP', 'PPF', 'FFF', 'PFP', 'PPP']).summary();
    expect(s).toMatchObject({ n: 3, rows: 5, completeRows: 5, passCounts: [1, 0, 2, 2], flakyCount: 2, flakyRows: [] });
    expect(s.passAt1).toBeCloseTo((1 + 2 / 3 + 0 + 2 / 3 + 1) / 5, 12);
    expect(s.passAllN).toBe(2 / 5);
    expect(s.consistency).toBe(3 / 5);
  });

  it('an incomplete row (fewer graded repeats than N) counts in pass@1 and as flaky, not in pass^N or consistency', () => {
    const t = tally(['PPP', 'PF', 'P-P', '---']);
    const s = t.summary();
    // Row 3 has nothing graded: no row at all. Row 2 has 2 of 3 graded: incomplete.
    expect(s).toMatchObject({ rows: 3, completeRows: 1, passCounts: [0, 0, 0, 1], flakyCount: 1, passAllN: 1, consistency: 1 });
    expect(s.passAt1).toBeCloseTo((1 + 0.5 + 1) / 3, 12);
    expect(t.flakyKeys()).toEqual(['1:0']);
  });

  it('with nothing graded every share is null, not 0', () => {
    expect(tally(['---']).summary()).toMatchObject({ rows: 0, passAt1: null, passAllN: null, consistency: null, flakyCount: 0 });
  });

  it('flaky rows are listed by row then pass, at most the limit', () => {
    const t = new RepeatTally(2);
    for (const [row, iteration] of [
      [5, 1],
      [5, 0],
      [2, 0],
      [9, 0],
    ] as const) {
      t.add({ row, iteration, pass: true });
      t.add({ row, iteration, pass: false });
    }
    expect(t.flakyKeys()).toEqual(['2:0', '5:0', '5:1', '9:0']);
    expect(t.flakyKeys(2)).toEqual(['2:0', '5:0']);
  });

  it('the threshold names read the summary; without repeats they are not measured', () => {
    const s = tally(['PPP', 'PPF']).summary();
    const v = { repeats: s } as unknown as VariantSummary;
    expect(metricValue(v, 'pass_at_1')).toBeCloseTo(5 / 6, 12);
    expect(metricValue(v, 'pass_all')).toBe(0.5);
    expect(metricValue(v, 'consistency')).toBe(0.5);
    expect(metricValue({} as VariantSummary, 'consistency')).toBeNull();
    expect(parseThreshold('pass_at_1', '>= 0.8')).toEqual({ metric: 'pass_at_1', op: '>=', limit: 0.8 });
  });
});

const outcome = (o: Partial<RowOutcome>): RowOutcome => ({ ok: true, pass: true, score: 1, ttft: 100, latency: 200, ttfb: 50, meta: null, ...o });

describe('repeats clustered per row', () => {
  it('one outcome per row: pass and error shares, majority verdict, mean score, median timings of the successful repeats', () => {
    const c = clusterOutcomes([
      outcome({ pass: true, score: 1, ttft: 100, latency: 300, meta: { tokens: 10 } }),
      outcome({ pass: false, score: 0.5, ttft: 140, latency: 100, meta: { tokens: 30 } }),
      outcome({ ok: false, pass: false, score: 0, ttft: null, latency: null, ttfb: null }),
    ]);
    expect(c.cluster).toEqual({ repeats: 3, passShare: 1 / 3, errorShare: 1 / 3 });
    expect(c).toMatchObject({ ok: false, pass: false, score: 0.5, ttft: 120, latency: 200, ttfb: 50, meta: { tokens: 20 } });
    // A tie has no majority verdict: it never counts as a flip.
    expect(clusterOutcomes([outcome({ pass: true }), outcome({ pass: false })]).pass).toBeNull();
  });

  it('pass_rate and error_rate become a paired t on per-row shares with n = rows, not McNemar on N× as many pairs', () => {
    // 4 rows, 3 repeats a side: per-row pass shares baseline [1, 1, 2/3, 1], candidate [2/3, 1/3, 1/3, 1].
    const rows = (shares: number[][]) =>
      new Map(shares.map((verdicts, i) => [`${i}:0`, clusterOutcomes(verdicts.map((p) => outcome({ pass: p === 1, ok: p !== -1 })))]));
    const base = rows([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    const cand = rows([
      [1, 0, 1],
      [0, 0, 1],
      [1, 0, 0],
      [1, 1, -1],
    ]);
    const out = pairedMetrics(['pass_rate', 'error_rate', 'ttft_p50_ms'], {
      base,
      cand,
      baseSummary: {} as VariantSummary,
      candSummary: {} as VariantSummary,
      level: 0.95,
      seed: 's',
      resamples: 200,
    });
    expect(out.pairs).toBe(4);
    expect(out.clusteredRepeats).toBe(3);
    const pass = out.metrics.find((m) => m.metric === 'pass_rate')!;
    const want = pairedMeanDiff([1, 1, 2 / 3, 1], [2 / 3, 1 / 3, 1 / 3, 2 / 3], 0.95)!;
    expect(pass).toMatchObject({ test: 'paired-t', n: { baseline: 4, candidate: 4, pairs: 4 } });
    expect(pass.baseline).toBeCloseTo(want.meanBaseline, 12);
    expect(pass.candidate).toBeCloseTo(want.meanCandidate, 12);
    expect(pass.pValue).toBeCloseTo(want.pValue, 12);
    const err = out.metrics.find((m) => m.metric === 'error_rate')!;
    expect(err).toMatchObject({ test: 'paired-t', n: { pairs: 4 }, baseline: 0 });
    expect(err.candidate).toBeCloseTo(1 / 12, 12);
    expect(out.metrics.find((m) => m.metric === 'ttft_p50_ms')!.n.pairs).toBe(4);
    // Majority verdicts flip on rows 1 and 2 only (row 0: 2 of 3 still passes).
    expect(out.flipped.map((f) => f.key)).toEqual(['1:0', '2:0']);
  });

  it('without repeats nothing changes: McNemar, and no clustering', () => {
    const base = new Map([['0:0', outcome({})]]);
    const cand = new Map([['0:0', outcome({ pass: false })]]);
    const out = pairedMetrics(['pass_rate'], { base, cand, baseSummary: {} as VariantSummary, candSummary: {} as VariantSummary, level: 0.95, seed: 's' });
    expect(out.clusteredRepeats).toBe(0);
    expect(out.metrics[0]!.test).toBe('mcnemar-exact');
  });
});
