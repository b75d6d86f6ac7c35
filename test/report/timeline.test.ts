// The page's timeline: derived per variant from results, or read from report.json's own buckets.
import { describe, expect, it } from 'vitest';
import { timelineFromReport } from '../../src/report/html/report-timeline.js';
import { TimelineBuilder } from '../../src/report/html/timeline.js';
import type { Report } from '../../src/report/report-model.js';
import { result } from './fixtures.js';

describe('timeline derived from results', () => {
  it('buckets completions by end second, averages in-flight time, and takes p50/p99 of the bucket', () => {
    const b = new TimelineBuilder(['a', 'b']);
    // a: four requests ending in second 0 (100..400 ms long), one error ending in second 1.
    for (const l of [100, 200, 300, 400]) b.add(result({ latencyMs: l, timestamps: { scheduled: 0, end: l } }));
    b.add(result({ ok: false, error: { kind: 'timeout', message: 't', status: null }, latencyMs: 1500, timestamps: { scheduled: 0, end: 1500 } }));
    // b: one request in flight from 0.5 s to 2.5 s.
    b.add(result({ variant: 'b', latencyMs: 2000, timestamps: { scheduled: 500, end: 2500 } }));
    const tl = b.build()!;
    expect(tl.source).toBe('results');
    expect(tl.bucketMs).toBe(1000);
    expect(tl.t).toEqual([0, 1, 2]);
    const [a, bb] = tl.series;
    expect(a!.variant).toBe('a');
    expect(a!.throughput).toEqual([4, 0, 0]);
    expect(a!.errors).toEqual([0, 1, 0]);
    // (100+200+300+400+1000) ms in second 0, 500 ms in second 1.
    expect(a!.inFlight).toEqual([2, 0.5, 0]);
    expect(a!.latencyP50).toEqual([200, null, null]);
    expect(a!.latencyP99).toEqual([400, null, null]);
    expect(bb!.inFlight).toEqual([0.5, 1, 0.5]);
    expect(bb!.throughput).toEqual([0, 0, 1]);
  });

  it('widens buckets for long runs so the page stays small', () => {
    const b = new TimelineBuilder(['a']);
    b.add(result({ timestamps: { scheduled: 0, end: 100 } }));
    b.add(result({ timestamps: { scheduled: 3_999_000, end: 3_999_500 } }));
    const tl = b.build()!;
    expect(tl.bucketMs).toBe(3000);
    expect(tl.t.length).toBeLessThanOrEqual(1800);
    expect(tl.series[0]!.throughput.reduce((x, y) => x + y, 0) * 3).toBeCloseTo(2, 2);
  });

  it('is null without results', () => {
    expect(new TimelineBuilder(['a']).build()).toBeNull();
  });
});

describe('timeline recorded in report.json', () => {
  it('reads the run\'s per-second buckets (all variants together)', () => {
    const report = {
      timeline: [
        { t: 0, sent: 8, completed: 0, failed: 0, inFlight: 8, latencyP50Ms: null, latencyP99Ms: null },
        { t: 1, sent: 4, completed: 10, failed: 2, inFlight: 6, latencyP50Ms: 900, latencyP99Ms: 1300 },
      ],
    } as unknown as Report;
    const tl = timelineFromReport(report)!;
    expect(tl.source).toBe('report');
    expect(tl.t).toEqual([0, 1]);
    expect(tl.series).toHaveLength(1);
    expect(tl.series[0]).toEqual({ variant: 'all variants', throughput: [0, 10], errors: [0, 2], inFlight: [8, 6], latencyP50: [null, 900], latencyP99: [null, 1300] });
  });

  it('reads per-variant series and ignores what it does not recognise', () => {
    const perVariant = { timeline: { bucketMs: 2000, variants: [{ name: 'x', buckets: [{ t: 0, completed: 4 }] }, { name: 'y', buckets: [{ t: 2, completed: 2 }] }] } } as unknown as Report;
    const tl = timelineFromReport(perVariant)!;
    expect(tl.t).toEqual([0, 2]);
    expect(tl.series.map((s) => s.throughput)).toEqual([[2, 0], [0, 1]]);
    expect(timelineFromReport({ timeline: 'soon' } as unknown as Report)).toBeNull();
    expect(timelineFromReport({} as Report)).toBeNull();
    expect(timelineFromReport({ timeline: [] } as unknown as Report)).toBeNull();
  });
});
