// The sweep's own verdict and how it stands in for the whole-run thresholds: pure, table-tested.
import { describe, expect, it } from 'vitest';
import type { ThresholdResult } from '../../src/metrics/thresholds.js';
import { sweepVerdict, thresholdsPass, type SweepReport } from '../../src/runner/sweep-report.js';

const criterion = "the suite's thresholds";

describe('sweepVerdict', () => {
  it.each([
    [10, null, true, 'sustainable rate 10 req/s'],
    [10, 5, true, 'sustainable rate 10 req/s (sweep.min_rate 5 req/s)'],
    [10, 10, true, 'sustainable rate 10 req/s (sweep.min_rate 10 req/s)'],
    [10, 20, false, 'sustainable rate 10 req/s is below sweep.min_rate 20 req/s'],
    [null, null, false, "no sweep step met the suite's thresholds"],
    [null, 5, false, "no sweep step met the suite's thresholds"],
  ])('sustainable %s, min_rate %s -> ok %s', (found, minRate, ok, reason) => {
    expect(sweepVerdict({ sustainableRate: found, criterion }, minRate)).toEqual({ ok, reason });
  });
});

describe('thresholdsPass', () => {
  const result = (metric: string, ok: boolean): ThresholdResult => ({ variant: 'v', metric, op: '<', limit: 1, actual: ok ? 0 : 2, ok });
  const sweep = (ok: boolean) => ({ verdict: { ok, reason: '' } }) as SweepReport;
  it('without a sweep: every threshold', () => {
    expect(thresholdsPass(null, [result('latency_p95_ms', true)])).toBe(true);
    expect(thresholdsPass(null, [result('latency_p95_ms', false)])).toBe(false);
  });
  it("a sweep: its verdict, with the whole-run thresholds shown but not judged, except the harness's own", () => {
    expect(thresholdsPass(sweep(true), [result('latency_p95_ms', false), result('error_rate', false)])).toBe(true);
    expect(thresholdsPass(sweep(false), [result('latency_p95_ms', true)])).toBe(false);
    expect(thresholdsPass(sweep(true), [result('harness_stall_ms', false)])).toBe(false);
  });
});
