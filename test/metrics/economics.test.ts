// Tokens per model, cost, goodput and the server's view (metrics/cost.ts, result-extras.ts,
// economics-stats.ts), their thresholds and the cost gate: in-process, on hand-built records.
import { describe, expect, it } from 'vitest';
import { compareVariants } from '../../src/compare/compare-variants.js';
import { parseGate } from '../../src/compare/gates.js';
import { outcomeOf, rowKey } from '../../src/compare/outcomes.js';
import { costOf, modelUsage } from '../../src/metrics/cost.js';
import { isGood, type GoodputSpec } from '../../src/metrics/goodput.js';
import { addResultExtras, type ResultExtrasSpec } from '../../src/metrics/result-extras.js';
import { evaluateThresholds, parseThreshold } from '../../src/metrics/thresholds.js';
import { VariantStats } from '../../src/metrics/variant-stats.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { peakGoodputRate } from '../../src/load/models/sweep.js';
import { sweepReport } from '../../src/runner/sweep-report.js';

const PRICES = { small: { inputPerMtok: 0.15, outputPerMtok: 0.6 }, big: { inputPerMtok: 2, outputPerMtok: 8 } };

function record(o: {
  row?: number;
  ok?: boolean;
  pass?: boolean | null;
  usage?: [string, number, number][];
  state?: string;
  latencyS?: number;
  ttft?: number;
  frames?: number[];
}): ResultRecord {
  const ok = o.ok ?? true;
  const frames = o.frames ?? [100, 120, 140];
  return {
    variant: 'v',
    row: o.row ?? 0,
    iteration: 0,
    attempts: 1,
    runId: 'r',
    ok,
    error: ok ? null : { kind: 'timeout', message: 'timed out', status: null },
    scheduledAt: '',
    startedAt: '',
    ttfbMs: 10,
    ttftMs: o.ttft ?? 100,
    latencyMs: 200,
    queueMs: 0,
    inputs: { q: o.row ?? 0 },
    expected: null,
    output: 'x',
    grades: [],
    pass: o.pass ?? null,
    score: o.pass === undefined || o.pass === null ? null : o.pass ? 1 : 0,
    metadata: {
      state: o.state ?? 'COMPLETED',
      error: null,
      latency: o.latencyS ?? 0.15,
      llm_usage: (o.usage ?? [['small', 1000, 100]]).map(([m, i, out]) => ({ model_id: m, input_tokens: i, output_tokens: out })),
    },
    feedback: null,
    attemptLog: [],
    timestamps: { scheduled: 0, sent: 20, firstByte: 30, contentFrames: frames, end: 200 },
  };
}

const spec = (goodput: GoodputSpec | null = null): ResultExtrasSpec => ({ prices: PRICES, serverLatency: { path: 'latency', unit: 's' }, goodput });

describe('tokens per model and cost', () => {
  it('sums llm_usage per model and prices it per million tokens', () => {
    const usage = modelUsage({
      llm_usage: [
        { model_id: 'small', input_tokens: 1000, output_tokens: 10 },
        { model_id: 'big', input_tokens: 500, output_tokens: 50 },
        { model_id: 'small', input_tokens: 1000, output_tokens: 90 },
      ],
    });
    expect(usage).toEqual([
      { model: 'small', inputTokens: 2000, outputTokens: 100 },
      { model: 'big', inputTokens: 500, outputTokens: 50 },
    ]);
    // small: (2000 × 0.15 + 100 × 0.6) / 1e6 = 0.00036; big: (500 × 2 + 50 × 8) / 1e6 = 0.0014
    expect(costOf(usage!, PRICES).costUsd).toBeCloseTo(0.00176, 12);
    expect(modelUsage({ latency: 1 })).toBeNull();
  });

  it('a model with tokens and no price makes the cost unknown, naming the model', () => {
    const r = addResultExtras(
      record({
        usage: [
          ['small', 10, 1],
          ['mystery', 5, 5],
        ],
      }),
      spec(),
    );
    expect(r.costUsd).toBeNull();
    expect(r.unpricedModels).toEqual(['mystery']);
    const s = new VariantStats();
    s.add(r);
    s.add(addResultExtras(record({}), spec()));
    const sum = s.summary();
    expect(sum.cost).toMatchObject({ results: 1, unknown: 1, unpricedModels: ['mystery'] });
    // Unknown cost for some result: the cost thresholds are not measured, so they fail.
    const t = evaluateThresholds([parseThreshold('cost_total_usd', '< 1') as never], [{ name: 'v', summary: sum }]);
    expect(t[0]).toMatchObject({ actual: null, ok: false });
  });
});

describe("the judge runs' cost, apart", () => {
  const judged = (calls: Array<{ usage?: [string, number, number][]; cached?: boolean }>): ResultRecord => ({
    ...record({}),
    grades: calls.map((c, i) => ({
      grader: `judge${i}`,
      pass: true,
      score: 1,
      reason: '',
      judge: {
        flowId: 'judge',
        runId: `j${i}`,
        ok: true,
        attempts: 1,
        latencyMs: 5,
        output: '{}',
        ...(c.cached && { cached: true }),
        ...(c.usage && { usage: c.usage.map(([model, inputTokens, outputTokens]) => ({ model, inputTokens, outputTokens })) }),
      },
    })),
  });

  it('prices the judge runs made (a cache hit costs nothing again), never in the flow cost; unknown usage or price: null', () => {
    const two = addResultExtras(judged([{ usage: [['small', 1000, 100]] }, { usage: [['big', 100, 10]], cached: true }]), spec());
    expect(two.judgeCostUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    expect(two.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12); // the flow's own run: record()'s usage
    expect(addResultExtras(judged([{ usage: [['small', 1, 1]] }, {}]), spec()).judgeCostUsd).toBeNull(); // a GET that failed
    expect(addResultExtras(judged([{ usage: [['mystery', 1, 1]] }]), spec()).judgeCostUsd).toBeNull();
    expect(addResultExtras(judged([{ cached: true, usage: [['small', 1, 1]] }]), spec()).judgeCostUsd).toBeUndefined();
    expect(addResultExtras(record({}), spec()).judgeCostUsd).toBeUndefined();

    // Per variant, summed exactly across thread deltas, and kept out of totalUsd.
    const all = new VariantStats();
    const total = new VariantStats();
    const part = new VariantStats();
    const rs = [two, addResultExtras(judged([{ usage: [['big', 2000, 300]] }]), spec()), addResultExtras(judged([{}]), spec())];
    for (const r of rs) {
      all.add(r);
      part.add(r);
      total.merge(part.take());
    }
    const sum = all.summary();
    expect(sum.cost!.judge).toEqual({ results: 2, unknown: 1, totalUsd: Math.round((two.judgeCostUsd! + (2000 * 2 + 300 * 8) / 1e6) * 1e9) / 1e9 });
    expect(sum.cost!.totalUsd).toBeCloseTo(3 * two.costUsd!, 12);
    expect(total.summary().cost).toEqual(sum.cost);
  });
});

describe('server vs client', () => {
  it("gap = the final attempt's client time minus the server latency; disagreements flagged both ways", () => {
    const r = addResultExtras(record({ latencyS: 0.15 }), spec());
    expect(r.serverLatencyMs).toBe(150);
    expect(r.latencyGapMs).toBe(30); // end 200 − sent 20 − 150
    expect(addResultExtras(record({ ok: false }), spec()).serverMismatch).toBe('server_ok_client_failed');
    expect(addResultExtras(record({ state: 'FAILED' }), spec()).serverMismatch).toBe('server_failed_client_ok');
    expect(addResultExtras(record({}), spec()).serverMismatch).toBeUndefined();
    const s = new VariantStats();
    for (const x of [record({}), record({ ok: false }), record({ state: 'FAILED', latencyS: 0.1 })]) s.add(addResultExtras(x, spec()));
    expect(s.summary().serverVsClient).toMatchObject({ results: 3, serverOkClientFailed: 1, serverFailedClientOk: 1, gapMs: { count: 3, min: 30, max: 80 } });
  });
});

describe('goodput', () => {
  const g: GoodputSpec = { ttftMs: 150, latencyMs: null, itlP95Ms: 25, requirePass: true };
  it('counts a request that succeeded, met every objective and passed', () => {
    expect(isGood(record({ pass: true }), g)).toBe(true);
    expect(isGood(record({ pass: false }), g)).toBe(false);
    expect(isGood(record({ ok: false, pass: null }), g)).toBe(false);
    expect(isGood(record({ pass: true, ttft: 151 }), g)).toBe(false);
    expect(isGood(record({ pass: true, frames: [100, 120, 150] }), g)).toBe(false); // a 30 ms gap
    expect(isGood(record({ pass: false }), { ...g, requirePass: false })).toBe(true);
  });

  it('goodput_share, goodput_rps, cost_mean_usd, cost_total_usd and cost_per_pass_usd thresholds read the summary', () => {
    const s = new VariantStats();
    // Cost per record: (1000 × 0.15 + 100 × 0.6) / 1e6 = 0.00021; 4 records, 2 pass.
    for (const pass of [true, true, false, false]) s.add(addResultExtras(record({ pass }), spec(g)));
    const summary = s.summary(2); // 2 s of load
    expect(summary.goodput).toEqual({ good: 2, share: 0.5, rps: 1 });
    expect(summary.cost).toMatchObject({ results: 4, unknown: 0, totalUsd: 0.00084, meanUsd: 0.00021, perPassUsd: 0.00042 });
    const checks = { goodput_share: '>= 0.5', goodput_rps: '> 1', cost_mean_usd: '<= 0.00021', cost_total_usd: '< 0.0008', cost_per_pass_usd: '< 0.0005' };
    const results = evaluateThresholds(
      Object.entries(checks).map(([m, e]) => parseThreshold(m, e) as never),
      [{ name: 'v', summary }],
    );
    expect(results.map((r) => [r.metric, r.actual, r.ok])).toEqual([
      ['goodput_share', 0.5, true],
      ['goodput_rps', 1, false],
      ['cost_mean_usd', 0.00021, true],
      ['cost_total_usd', 0.00084, false],
      ['cost_per_pass_usd', 0.00042, true],
    ]);
  });

  it('take() and merge() give the same summary as adding every record', () => {
    const all = new VariantStats();
    const total = new VariantStats();
    const part = new VariantStats();
    for (let i = 0; i < 10; i++) {
      const r = addResultExtras(
        record({
          row: i,
          pass: i % 3 !== 0,
          usage: [
            ['small', 100 * i, i],
            ['big', i, 2 * i],
          ],
          latencyS: i / 100,
        }),
        spec(g),
      );
      all.add(r);
      part.add(r);
      if (i % 4 === 3) total.merge(part.take());
    }
    total.merge(part.take());
    const a = all.summary(5);
    const b = total.summary(5);
    expect(b.cost).toEqual(a.cost);
    expect(b.goodput).toEqual(a.goodput);
    expect(b.tokensByModel).toEqual(a.tokensByModel);
    expect(b.serverVsClient).toEqual(a.serverVsClient);
  });
});

describe('the cost gate', () => {
  it('cost_mean_increase fires on a paired rise in cost per answer, and stays quiet within the limit', async () => {
    const gate = parseGate('cost_mean_increase', '10%');
    expect('at' in gate).toBe(false);
    const side = (name: string, big: number) => {
      const stats = new VariantStats();
      const rows = new Map();
      for (let i = 0; i < 30; i++) {
        const r = addResultExtras(
          record({
            row: i,
            pass: true,
            usage: [
              ['small', 1000 + 10 * i, 100],
              ['big', big, 0],
            ],
          }),
          spec(),
        );
        stats.add(r);
        rows.set(rowKey(i, 0), outcomeOf(r));
      }
      return { name, source: null, summary: stats.summary(1), rows, resultsPath: null };
    };
    const fired = await compareVariants(side('published', 0), side('draft', 100), { gates: [gate as never], resamples: 200 });
    const m = fired.metrics.find((x) => x.metric === 'cost_mean')!;
    expect(m.unit).toBe('USD');
    expect(m.candidate! - m.baseline!).toBeCloseTo(0.0002, 9); // 100 big input tokens × $2 / 1e6
    expect(fired.gates[0]).toMatchObject({ gate: 'cost_mean_increase', status: 'fired' });
    expect(fired.verdict).toBe('fail');
    const quiet = await compareVariants(side('published', 0), side('draft', 0), { gates: [gate as never], resamples: 200 });
    expect(quiet.gates[0]!.fired).toBe(false);
  });
});

describe('a sweep chosen by goodput', () => {
  it('picks the step rate of the highest goodput, not the highest rate that met the thresholds', () => {
    const g: GoodputSpec = { ttftMs: 150, latencyMs: null, itlP95Ms: null, requirePass: true };
    // Steps at 2, 4 and 6 req/s over 1 s each: 2, 3 and 1 good requests (the top step is slow: TTFT 300 ms).
    const good = [2, 3, 1];
    const stepStats = good.map((n, i) => {
      const s = new VariantStats();
      for (let k = 0; k < 2 * (i + 1); k++) s.add(addResultExtras(record({ row: k, pass: true, ttft: k < n ? 100 : 300 }), spec(g)));
      return [s];
    });
    const runs = [2, 4, 6].map((rate) => ({ rate, startAt: 0, endAt: 1000, started: rate, sent: rate }));
    const byGoodput = sweepReport(runs, stepStats, ['v'], [], 1000, null, 'goodput');
    expect(byGoodput.steps.map((s) => s.goodputRps)).toEqual([2, 3, 1]);
    expect(byGoodput.steps[1]!.variants[0]!.goodput).toEqual({ good: 3, share: 0.75, rps: 3 });
    expect(byGoodput.sustainableRate).toBe(4);
    expect(byGoodput.criterion).toMatch(/goodput/);
    // By thresholds (no thresholds: error rate under 1 %), every step passes: the top rate.
    expect(sweepReport(runs, stepStats, ['v'], [], 1000).sustainableRate).toBe(6);
    expect(peakGoodputRate([{ rate: 1, goodputRps: 0 }])).toBeNull();
  });
});
