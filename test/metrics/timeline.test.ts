// The one timeline: per variant and bucket, exactly the counts and HDR percentiles of the results in it
// (test/helpers/timeline-oracle.ts works them out the slow way), whatever the order results arrive in,
// however often seconds are closed and reopened, and with wider buckets for long runs.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/random/seeded.js';
import { MAX_BUCKETS, Timeline } from '../../src/metrics/timeline.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { expectedTimeline } from '../helpers/timeline-oracle.js';
import { randomSamples, shuffled } from './random-records.js';
import { baseRecord } from '../helpers/records.js';

const anchor = { monoMs: 0, epochMs: 1_700_000_000_000 };
const names = ['v0', 'v1'];

function record(p: Partial<ResultRecord> & { scheduled: number; end: number; frames?: number[]; tokens?: number }): ResultRecord {
  const { scheduled, end, frames = [], tokens = 0, ...rest } = p;
  const { attemptLog: _, ...noLog } = baseRecord({
    variant: 'v0',
    ttfbMs: null,
    ttftMs: frames.length ? frames[0]! - scheduled : null,
    latencyMs: end - scheduled,
    outputTokens: { count: tokens, source: 'metadata' },
    timestamps: { scheduled, sent: scheduled, firstByte: null, contentFrames: frames, end },
  });
  return { ...noLog, ...rest } as ResultRecord; // records of old runs have no attemptLog; rest's optional keys are absent, not undefined
}

describe('timeline', () => {
  const samples = randomSamples(1500, 'tl', { variants: 2, runSeconds: 40 }).filter((s) => !s.env.warmup);
  const want = expectedTimeline(
    samples.map((s) => s.record),
    names,
  );

  it('holds per variant and second exactly the counts and percentiles of the results in it', () => {
    const t = new Timeline(anchor, names);
    for (const s of samples) t.add(s.record, s.env.variant);
    t.flush(0, true);
    expect(want.filter((b) => b.latencyP99Ms !== null && b.ttftP50Ms !== null && b.failed > 0 && b.outputTokens > 0).length).toBeGreaterThan(10);
    expect(t.buckets()).toEqual(want);
  });

  it('comes out the same in any order, with seconds closed early and reopened by late results', () => {
    const rand = seeded('order');
    const order = shuffled(samples.length, rand);
    const t = new Timeline(anchor, names);
    // Every flush closes every second not touched since the previous one: most are closed and reopened.
    order.forEach((i, k) => {
      t.add(samples[i]!.record, samples[i]!.env.variant);
      if (k % 37 === 0) t.flush(1e6);
    });
    const open = t.buckets(); // before the final flush: open seconds read from their live histograms
    t.flush(0, true);
    expect(open).toEqual(want);
    expect(t.buckets()).toEqual(want);
    // The .hlog has each second's histogram once per tag, in time order.
    const direct = new Timeline(anchor, names);
    for (const s of samples) direct.add(s.record, s.env.variant);
    direct.flush(0, true);
    const tags = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('Tag='))
        .map((l) => l.split(',').slice(0, 3).join(','));
    expect(t.hlogTexts().map((h) => tags(h.text))).toEqual(direct.hlogTexts().map((h) => tags(h.text)));
    const latencyLines = tags(direct.hlogTexts()[0]!.text).filter((l) => l.startsWith('Tag=latency,'));
    expect(latencyLines.length).toBe(want.filter((b) => b.variant === 'v0' && b.completed > 0).length);
  });

  it("widens buckets past MAX_BUCKETS seconds, percentiles from the seconds' histograms added up", { timeout: 30_000 }, () => {
    // Spread the samples over 2 hours: 7,200 seconds → 4-second buckets.
    const long = samples.map((s) => {
      const k = 180;
      const ts = s.record.timestamps;
      const shift = (ms: number) => ms + ts.scheduled * (k - 1); // the same request, started later
      return {
        ...s,
        record: {
          ...s.record,
          timestamps: { ...ts, scheduled: shift(ts.scheduled), sent: shift(ts.sent), contentFrames: ts.contentFrames.map(shift), end: shift(ts.end) },
        },
      };
    });
    const t = new Timeline(anchor, names);
    for (const s of long) t.add(s.record, s.env.variant);
    t.flush(0, true);
    const b = t.buckets();
    const width = b[0]!.widthS;
    expect(width).toBeGreaterThan(1);
    expect(b.length / names.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(b).toEqual(
      expectedTimeline(
        long.map((s) => s.record),
        names,
        { width },
      ),
    );
  });

  it('leaves out the seconds `keep` refuses before widening', () => {
    const t = new Timeline(anchor, names);
    for (const s of samples) t.add(s.record, s.env.variant);
    t.flush(0, true);
    const keep = (s: number) => s < 10 || s > 25;
    expect(t.buckets(keep)).toEqual(
      expectedTimeline(
        samples.map((s) => s.record),
        names,
        { keep },
      ),
    );
    expect(t.buckets(keep).some((b) => b.t >= 10 && b.t <= 25)).toBe(false);
  });

  it('spreads output tokens over content frames in whole tokens, at the end without frames, none for failures', () => {
    const t = new Timeline(anchor, ['v0']);
    t.add(record({ scheduled: 0, end: 1900, frames: [500, 900, 1100, 1500], tokens: 3 }), 0); // 0, 1 | 1, 1
    t.add(record({ scheduled: 0, end: 2500, tokens: 6 }), 0);
    t.add(record({ scheduled: 100, end: 1200, frames: [300], tokens: 9, ok: false }), 0);
    t.flush(0, true);
    expect(t.buckets().map((b) => [b.t, b.sent, b.completed, b.failed, b.inFlight, b.outputTokens])).toEqual([
      [0, 3, 0, 0, 3, 1],
      [1, 0, 1, 1, 1, 2],
      [2, 0, 1, 0, 0, 6],
    ]);
    const one = t.buckets()[1]!; // HDR buckets at 3 significant digits: within 0.1%
    expect(one.latencyP50Ms! / 1900).toBeCloseTo(1, 3);
    expect(one.latencyP99Ms).toBe(one.latencyP50Ms);
    expect(one.ttftP50Ms! / 500).toBeCloseTo(1, 3);
  });

  it('is empty without results', () => {
    expect(new Timeline(anchor, names).buckets()).toEqual([]);
  });
});
