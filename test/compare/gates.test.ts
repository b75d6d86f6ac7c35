// The gate grammar (fail_on keys and limits) and when a gate fires: table-driven, no servers.
import { describe, expect, it } from 'vitest';
import { compareVariants } from '../../src/compare/compare-variants.js';
import { evaluateGate, parseGate, type Gate } from '../../src/compare/gates.js';
import type { RowOutcome } from '../../src/compare/outcomes.js';
import type { MetricComparison } from '../../src/compare/types.js';
import type { VariantSummary } from '../../src/metrics/variant-stats.js';

describe('parseGate', () => {
  const ok: [string, string | number, Partial<Gate>][] = [
    ['pass_rate_drop', 0.02, { metric: 'pass_rate', direction: 'decrease', limitValue: 0.02, relative: false }],
    ['pass_rate_drop', '2%', { metric: 'pass_rate', limitValue: 0.02, relative: false }],
    ['pass_rate_decrease', '2pp', { metric: 'pass_rate', limitValue: 0.02, relative: false }],
    ['error_rate_increase', '1%', { metric: 'error_rate', direction: 'increase', limitValue: 0.01, relative: false }],
    ['ttft_p95_increase', '10%', { metric: 'ttft_p95_ms', direction: 'increase', limitValue: 0.1, relative: true }],
    ['latency_p50_increase', '50ms', { metric: 'latency_p50_ms', limitValue: 50, relative: false }],
    ['latency_p50_ms_rise', '1.5s', { metric: 'latency_p50_ms', limitValue: 1500, relative: false }],
    ['ttft_mean_increase', 20, { metric: 'ttft_mean_ms', limitValue: 20 }],
    ['tokens_mean_increase', '15%', { metric: 'tokens_mean', limitValue: 0.15, relative: true }],
    ['mean_score_drop', 0, { metric: 'mean_score', limitValue: 0 }],
  ];
  it.each(ok)('%s: %s', (key, value, want) => {
    expect(parseGate(key, value, ['tokens'])).toMatchObject({ key, ...want });
  });

  const bad: [string, string | number, 'key' | 'value', RegExp][] = [
    ['pass_rate', 0.02, 'key', /followed by _increase or _decrease/],
    ['pass_rate_fall', 0.02, 'key', /unknown gate/],
    ['speed_increase', 1, 'key', /unknown metric "speed"/],
    ['rps_decrease', 1, 'key', /rps has no significance test/],
    ['latency_max_increase', '10%', 'key', /no significance test/],
    ['tokens_sum_increase', 5, 'key', /unknown metric/],
    ['ttft_p95_increase', '10 percent', 'value', /non-negative number/],
    ['ttft_p95_increase', -5, 'value', /non-negative number/],
    ['pass_rate_drop', '50ms', 'value', /ms applies to timing metrics only/],
    ['ttft_p95_increase', '2pp', 'value', /rates only/],
  ];
  it.each(bad)('refuses %s: %s', (key, value, at, message) => {
    const p = parseGate(key, value, ['tokens']);
    expect(p).toMatchObject({ at });
    expect((p as { message: string }).message).toMatch(message);
    expect((p as { hint: string }).hint.length).toBeGreaterThan(10);
  });
});

describe('evaluateGate', () => {
  const mc = (diff: number, pValue: number, baseline = 1000): MetricComparison => ({
    metric: 'ttft_p95_ms',
    unit: 'ms',
    baseline,
    candidate: baseline + diff,
    diff,
    relDiff: diff / baseline,
    ci: { low: diff - 20, high: diff + 20 },
    test: 'bootstrap-paired',
    pValue,
    n: { baseline: 100, candidate: 100, pairs: 100 },
  });
  const gate = parseGate('ttft_p95_increase', '10%') as Gate;
  it.each([
    ['worse than the limit and significant', 150, 0.001, 'fired'],
    ['worse than the limit, not significant', 150, 0.2, 'not-significant'],
    ['significant but within the limit', 50, 0.001, 'within-limit'],
    ['exactly the limit is not more than the limit', 100, 0.001, 'within-limit'],
    ['better, significantly', -150, 0.001, 'within-limit'],
  ] as const)('%s', (_, diff, p, status) => {
    const r = evaluateGate(gate, mc(diff, p), 0.05);
    expect(r.status).toBe(status);
    expect(r.fired).toBe(status === 'fired');
    expect(r.reason).toContain('ttft_p95_ms');
  });
  it('a decrease gate reads the change the other way; no data never fires', () => {
    const drop = parseGate('pass_rate_drop', 0.02) as Gate;
    const pass: MetricComparison = {
      metric: 'pass_rate',
      unit: 'ratio',
      baseline: 0.9,
      candidate: 0.8,
      diff: -0.1,
      relDiff: -0.111,
      ci: { low: -0.15, high: -0.05 },
      test: 'mcnemar-exact',
      pValue: 0.0001,
      n: { baseline: 200, candidate: 200, pairs: 200 },
    };
    const r = evaluateGate(drop, pass, 0.05);
    expect(r).toMatchObject({ status: 'fired', change: 0.1 });
    expect(r.reason).toMatch(
      /pass_rate fell by 10\.0 pp \(90\.0% → 80\.0%; McNemar exact p = 0\.0001, CI −15\.0 pp … −5\.0 pp\): worse than the 2\.0 pp allowed, and significant at alpha 0\.05/,
    );
    expect(evaluateGate(drop, undefined, 0.05)).toMatchObject({ status: 'no-data', fired: false });
  });
});

describe('pairing across runs', () => {
  const summary = {
    requests: 3,
    ok: 3,
    errors: 0,
    rps: 1,
    metadataMetrics: {},
    grades: { graded: 3, passed: 3, failed: 0, graderErrors: 0, passRate: 1, meanScore: 1 },
    ttftMs: null,
    latencyMs: null,
    ttfbMs: null,
    itlMs: null,
  } as unknown as VariantSummary;
  const rows = (inputs: number[]) =>
    new Map<string, RowOutcome>(
      inputs.map((h, i) => [`${i}:0`, { ok: true, pass: true, score: 1, ttft: null, latency: 10, ttfb: null, meta: null, inputs: h }]),
    );
  it('warns when paired rows were sent different inputs', async () => {
    const side = (name: string, r: Map<string, RowOutcome>) => ({ name, source: null, summary, rows: r, resultsPath: null });
    const same = await compareVariants(side('a', rows([1, 2, 3])), side('b', rows([1, 2, 3])));
    expect(same.warnings).toEqual([]);
    const shuffled = await compareVariants(side('a', rows([1, 2, 3])), side('b', rows([2, 1, 3])));
    expect(shuffled.warnings[0]).toMatch(/2 of 3 paired rows were sent different inputs/);
  });
});
