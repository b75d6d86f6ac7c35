// The page's timeline is report.json's, laid out per variant: nothing recomputed, rates are counts over
// the bucket's width; a report of an older flowbench (one bucket per second for all variants) still shows.
import { describe, expect, it } from 'vitest';
import type { TimelineBucket } from '../../src/metrics/timeline.js';
import { pageTimeline } from '../../src/report/html/report-timeline.js';

const bucket = (p: Partial<TimelineBucket> & Pick<TimelineBucket, 'variant' | 't'>): TimelineBucket => ({
  widthS: 1,
  sent: 0,
  completed: 0,
  failed: 0,
  inFlight: 0,
  outputTokens: 0,
  latencyP50Ms: null,
  latencyP99Ms: null,
  ttftP50Ms: null,
  ttftP99Ms: null,
  ...p,
});

describe('pageTimeline', () => {
  it("lays report.json's buckets out as columns per variant, in report order", () => {
    const timeline = [
      bucket({ variant: 'a', t: 0, sent: 4, completed: 3, failed: 1, inFlight: 2, outputTokens: 30, latencyP50Ms: 200.1, latencyP99Ms: 400.3 }),
      bucket({ variant: 'b', t: 0, sent: 1, inFlight: 1 }),
      bucket({ variant: 'a', t: 1, inFlight: 2 }),
      bucket({ variant: 'b', t: 1, completed: 1, outputTokens: 7, latencyP50Ms: 1500, latencyP99Ms: 1500 }),
    ];
    expect(pageTimeline({ timeline })).toEqual({
      bucketMs: 1000,
      t: [0, 1],
      series: [
        { variant: 'a', throughput: [3, 0], errors: [1, 0], inFlight: [2, 2], latencyP50: [200.1, null], latencyP99: [400.3, null], outputTokensPerS: [30, 0] },
        { variant: 'b', throughput: [0, 1], errors: [0, 0], inFlight: [1, 0], latencyP50: [null, 1500], latencyP99: [null, 1500], outputTokensPerS: [0, 7] },
      ],
    });
  });

  it('turns counts of wide buckets into per-second rates', () => {
    const tl = pageTimeline({
      timeline: [
        bucket({ variant: 'a', t: 0, widthS: 3, completed: 10, failed: 2, outputTokens: 100 }),
        bucket({ variant: 'a', t: 3, widthS: 3, completed: 3 }),
      ],
    })!;
    expect(tl.bucketMs).toBe(3000);
    expect(tl.t).toEqual([0, 3]);
    expect(tl.series[0]).toMatchObject({ throughput: [3.333, 1], errors: [2, 0], outputTokensPerS: [33.333, 0] });
  });

  it("shows an older report's all-variants buckets as one series, and is null without buckets", () => {
    const old = [{ t: 5, sent: 8, completed: 6, failed: 2, inFlight: 3, latencyP50Ms: 900, latencyP99Ms: 1300, ttftP50Ms: null, ttftP99Ms: null }];
    const tl = pageTimeline({ timeline: old as TimelineBucket[] })!;
    expect(tl.series).toEqual([
      { variant: 'all variants', throughput: [6], errors: [2], inFlight: [3], latencyP50: [900], latencyP99: [1300], outputTokensPerS: [0] },
    ]);
    expect(pageTimeline({ timeline: [] })).toBeNull();
  });
});
