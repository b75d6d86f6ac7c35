// Output tokens, TPOT, per-variant streaming summaries and the per-second timeline, from hand-made records.
import { describe, expect, it } from 'vitest';
import { estimateTokens, legacyOutputTokens, llmUsageSum, timePerOutputToken } from '../../src/metrics/output-tokens.js';
import { StreamStats } from '../../src/metrics/stream-stats.js';
import { Timeline } from '../../src/metrics/timeline.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { baseRecord } from '../helpers/records.js';

function record(p: Partial<ResultRecord> & { scheduled: number; sent?: number; end: number; frames?: number[] }): ResultRecord {
  const { scheduled, sent = scheduled, end, frames = [], ...rest } = p;
  return baseRecord({
    ttfbMs: null,
    ttftMs: frames.length ? frames[0]! - scheduled : null,
    latencyMs: end - scheduled,
    queueMs: sent - scheduled,
    output: 'x'.repeat(40),
    timestamps: { scheduled, sent, firstByte: null, contentFrames: frames, end },
    ...rest,
  });
}

describe('output tokens', () => {
  it.each([
    [{ llm_usage: [{ output_tokens: 12 }, { output_tokens: 30 }], total_tokens: 99 }, 42],
    [{ llm_usage: [{ model_id: 'm' }] }, null],
    [{ total_tokens: 99 }, null],
    [null, null],
    ['text', null],
  ])('metadata %j -> %s', (meta, want) => {
    expect(llmUsageSum(meta, 'output_tokens')).toBe(want);
  });
  it('a record written before records carried tokens: its llm_usage, else the old estimate of 4 characters a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hi')).toBe(1);
    expect(estimateTokens('x'.repeat(400))).toBe(100);
    expect(legacyOutputTokens({ ok: true, metadata: null, output: 'x'.repeat(40) })).toEqual({ count: 10, source: 'estimate' });
    expect(legacyOutputTokens({ ok: true, metadata: { llm_usage: [{ output_tokens: 7 }] }, output: 'x'.repeat(40) })).toEqual({ count: 7, source: 'metadata' });
  });
  it.each([
    [1000, 200, 11, 80],
    [1000, 200, 1, null],
    [1000, null, 11, null],
    [500, 500, 3, 0],
  ])('TPOT of latency %d, TTFT %s, %d tokens = %s ms', (lat, ttft, n, want) => {
    expect(timePerOutputToken(lat, ttft, n)).toBe(want);
  });
});

describe('stream stats', () => {
  it('service time from the actual send, send lag and delayed sends, tokens and TPOT, overall tokens/s', () => {
    const s = new StreamStats();
    s.add({
      ...record({ scheduled: 0, sent: 300, end: 1300, frames: [500, 600] }),
      sendLagMs: 290,
      delayed: true,
      outputTokens: { count: 11, source: 'metadata' },
    });
    s.add({ ...record({ scheduled: 100, sent: 100, end: 1100, frames: [300] }), sendLagMs: 0 });
    s.add({ ...record({ scheduled: 200, end: 400 }), ok: false, sendLagMs: 1 });
    const sum = s.summary(2);
    expect(sum.serviceMs).toMatchObject({ count: 2, min: 1000, max: 1000 });
    expect(sum.sendLagMs).toMatchObject({ count: 3, max: 290 });
    expect(sum.delayedSends).toBe(1);
    expect(sum.outputTokensSource).toEqual({ metadata: 1, tokenizer: 0, estimate: 1 }); // the second record has none: an old one
    expect(sum.outputTokens).toMatchObject({ min: 10, max: 11 });
    // (1300 − 500) / 10 = 80 ms and (1000 − 200) / 9 ≈ 88.9 ms
    expect(sum.tpotMs!.min).toBeCloseTo(80, 1);
    expect(sum.tpotMs!.max).toBeCloseTo(88.9, 1);
    expect(sum.outputTokensPerSecond).toBe(10.5);
  });
});

describe('timeline', () => {
  it('buckets sends by scheduled second and ends by end second, with in-flight and percentiles', () => {
    const t = new Timeline({ monoMs: 0, epochMs: 0 }, ['a', 'b']);
    t.add(record({ scheduled: 1100, end: 1500, frames: [1200] }), 0);
    t.add(record({ scheduled: 1200, end: 3100, frames: [1300] }), 1);
    t.add({ ...record({ scheduled: 1900, end: 2050 }), ok: false }, 0);
    t.add(record({ scheduled: 2100, end: 2600 }), 0);
    t.flush(10, true);
    const b = t.buckets();
    expect(b.map((x) => [x.variant, x.t, x.sent, x.completed, x.failed, x.inFlight])).toEqual([
      ['a', 1, 2, 1, 0, 1],
      ['b', 1, 1, 0, 0, 1],
      ['a', 2, 1, 1, 1, 0],
      ['b', 2, 0, 0, 0, 1],
      ['a', 3, 0, 0, 0, 0],
      ['b', 3, 0, 1, 0, 0],
    ]);
    expect(b[0]!.latencyP50Ms).toBeCloseTo(400, 0);
    expect(b[0]!.ttftP99Ms).toBeCloseTo(100, 0);
    expect(b[1]!.latencyP50Ms).toBeNull(); // b's request ends in second 3
    expect(b[5]!.latencyP99Ms).toBeCloseTo(1900, -1);
    const logs = t.hlogTexts();
    expect(logs.map((l) => l.variant)).toEqual(['a', 'b']);
    expect(logs[0]!.text).toMatch(/Histogram log format version/);
    expect(logs[0]!.text).toMatch(/^Tag=latency,1\.000,1\.000,400\.\d+,HISTF/m);
    expect(logs[1]!.text).toMatch(/^Tag=latency,3\.000,1\.000,1900\.\d+,HISTF/m);
  });
  it('closes old seconds into the .hlog on flush, and reads the percentiles of open ones live', () => {
    const t = new Timeline({ monoMs: 0, epochMs: 0 }, ['a']);
    t.add(record({ scheduled: 0, end: 500 }), 0);
    t.flush(2);
    expect(t.buckets()[0]!.latencyP50Ms).toBeCloseTo(500, 0); // still open
    expect(t.hlogTexts()[0]!.text).not.toMatch(/^Tag=latency/m);
    t.flush(4);
    expect(t.hlogTexts()[0]!.text).toMatch(/^Tag=latency,0\.000,1\.000,500\.\d+,HISTF/m);
    expect(t.buckets()[0]!.latencyP50Ms).toBeCloseTo(500, 0);
  });
});

describe('thresholds on the load metrics', () => {
  it('service_*_ms and output_tokens_per_s are threshold metrics read from the summary', async () => {
    const { parseThreshold, metricValue } = await import('../../src/metrics/thresholds.js');
    expect(parseThreshold('service_p99_ms', '< 500')).toEqual({ metric: 'service_p99_ms', op: '<', limit: 500 });
    expect(parseThreshold('output_tokens_per_s', '>= 50')).toEqual({ metric: 'output_tokens_per_s', op: '>=', limit: 50 });
    const s = new StreamStats();
    s.add({ ...record({ scheduled: 0, sent: 100, end: 600 }), outputTokens: { count: 20, source: 'metadata' } });
    const summary = s.summary(2) as any;
    expect(metricValue(summary, 'service_p99_ms')).toBeCloseTo(500, 0);
    expect(metricValue(summary, 'output_tokens_per_s')).toBe(10);
  });
});
