import { describe, expect, it } from 'vitest';
import { decodeHistogram, newHistogram, recordMs, summarize } from '../../src/metrics/histogram.js';
import { evaluateThresholds, parseThreshold } from '../../src/metrics/thresholds.js';
import { deriveTimings, interTokenLatencies } from '../../src/metrics/timings.js';
import { VariantStats } from '../../src/metrics/variant-stats.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { baseRecord } from '../helpers/records.js';

describe('timings', () => {
  it('counts from the scheduled time and reports harness queueing apart', () => {
    const t = deriveTimings({ scheduled: 1000, sent: 1002, firstByte: 1010, contentFrames: [1300, 1350, 1420], end: 1500 });
    expect(t).toEqual({ ttfbMs: 10, ttftMs: 300, latencyMs: 500, queueMs: 2 });
    expect(interTokenLatencies([1300, 1350, 1420])).toEqual([50, 70]);
  });
  it('run mode: no content frames, no TTFT', () => {
    expect(deriveTimings({ scheduled: 0, sent: 0, firstByte: 90, contentFrames: [], end: 100 }).ttftMs).toBeNull();
  });
});

describe('histogram', () => {
  it('summarises in ms with 3 significant digits', () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i);
    const s = summarize(h)!;
    expect(s.count).toBe(1000);
    expect(Math.abs(s.p50 - 500)).toBeLessThan(1);
    expect(Math.abs(s.p99 - 990)).toBeLessThan(1);
    expect(s.max).toBeCloseTo(1000, 0);
    expect(summarize(newHistogram())).toBeNull();
  });
});

function record(over: Partial<ResultRecord>): ResultRecord {
  return baseRecord({ pass: true, score: 1, timestamps: { scheduled: 0, sent: 0, firstByte: 5, contentFrames: [100, 150], end: 200 }, ...over });
}

describe('variant stats and thresholds', () => {
  const stats = new VariantStats();
  stats.add(record({}));
  stats.add(record({ ok: false, error: { kind: 'http_5xx', message: 'x', status: 502 }, pass: false, score: 0, attempts: 3, ttftMs: null }));
  stats.add(record({ pass: false, score: 0.5, metadataFields: { tokens: 10 } }));
  stats.add(record({ metadataFields: { tokens: 30, model: 'gpt' } }));
  const s = stats.summary();
  it('counts requests, errors, retries and grades', () => {
    expect(s.requests).toBe(4);
    expect(s.errors).toBe(1);
    expect(s.errorKinds).toEqual({ http_5xx: 1 });
    expect(s.retries).toBe(2);
    expect(s.grades).toMatchObject({ graded: 4, passed: 2, failed: 2, passRate: 0.5 });
    expect(s.grades.meanScore).toBeCloseTo(2.5 / 4);
    expect(s.latencyMs!.count).toBe(3);
    expect(s.itlMs!.count).toBe(3);
    expect(decodeHistogram(s.histograms.latency).totalCount).toBe(3);
    expect(s.metadataMetrics.tokens).toMatchObject({ count: 2, sum: 40, mean: 20, max: 30 });
    expect(s.metadataMetrics.model).toBeUndefined();
  });
  it('parses and evaluates thresholds', () => {
    const parsed = [
      parseThreshold('error_rate', '< 1%'),
      parseThreshold('ttft_p95_ms', '< 150'),
      parseThreshold('pass_rate', '>= 0.9'),
      parseThreshold('tokens_sum', '== 40', ['tokens']),
    ];
    expect(parsed.every((p) => typeof p !== 'string')).toBe(true);
    const r = evaluateThresholds(parsed as never, [{ name: 'v', summary: s }]);
    expect(r.map((x) => [x.metric, x.ok])).toEqual([
      ['error_rate', false],
      ['ttft_p95_ms', true],
      ['pass_rate', false],
      ['tokens_sum', true],
    ]);
  });
  it('rejects unknown metrics and bad expressions with the valid names', () => {
    expect(parseThreshold('ttft_p96_ms', '< 1')).toMatch(/unknown threshold metric.*valid: latency_min_ms/);
    expect(parseThreshold('error_rate', 'less than 1')).toMatch(/must look like/);
  });
});
