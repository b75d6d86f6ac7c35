// ITL keeps 0 ms gaps: frames that arrive in one chunk are 0 ms apart, and the minimum says so.
import { describe, expect, it } from 'vitest';
import { mergeHistogram, takeHistogram } from '../../src/metrics/histogram-delta.js';
import { newHistogram, recordMs, summarize } from '../../src/metrics/histogram.js';

describe('zero values', () => {
  it('a recorded 0 is the minimum, also after a thread-to-main merge', () => {
    const h = newHistogram();
    for (const v of [7.2, 0, 0, 12.5]) recordMs(h, v);
    expect(summarize(h)!.min).toBe(0);
    expect(summarize(h)!.count).toBe(4);
    const main = newHistogram();
    mergeHistogram(takeHistogram(h), main);
    expect(summarize(main)!.min).toBe(0);
    const noZero = newHistogram();
    recordMs(noZero, 7.2);
    expect(summarize(noZero)!.min).toBe(7.2);
  });
});
