// Accumulators split across threads and merged give the very summary of one that added everything.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/random/seeded.js';
import { ExactSum } from '../../src/metrics/exact-sum.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs, summarize } from '../../src/metrics/histogram.js';
import { mergeHistogram, takeHistogram } from '../../src/metrics/histogram-delta.js';
import { VariantStats } from '../../src/metrics/variant-stats.js';
import { randomSamples, rounds, shuffled } from './random-records.js';

describe('exact sum', () => {
  it('gives the same, correctly rounded total in any order and split', () => {
    const rand = seeded('sum');
    const xs = Array.from({ length: 2000 }, () => (rand() - 0.3) * 10 ** Math.floor(rand() * 12 - 6));
    const one = new ExactSum();
    for (const x of xs) one.add(x);
    const parts = [new ExactSum(), new ExactSum(), new ExactSum()];
    for (const i of shuffled(xs.length, rand)) parts[i % 3]!.add(xs[i]!);
    const total = new ExactSum();
    for (const p of parts.reverse()) total.merge(structuredClone(p.take()));
    expect(total.value()).toBe(one.value());
    // Naive left-to-right sums differ by order, which is what the exact sum is for.
    expect([0.1, 0.2, 0.3].reduce((a, b) => a + b)).not.toBe([0.3, 0.2, 0.1].reduce((a, b) => a + b));
    const a = new ExactSum();
    [0.1, 0.2, 0.3].forEach((x) => a.add(x));
    const b = new ExactSum();
    [0.3, 0.2, 0.1].forEach((x) => b.add(x));
    expect(a.value()).toBe(b.value());
    expect(a.value()).toBe(0.6);
  });
  it('0 when empty; infinities and NaN win', () => {
    expect(new ExactSum().value()).toBe(0);
    const s = new ExactSum();
    s.add(1);
    s.add(Infinity);
    const t = new ExactSum();
    t.merge(s.take());
    expect(t.value()).toBe(Infinity);
    t.add(-Infinity);
    expect(t.value()).toBeNaN();
  });
});

describe('histogram delta', () => {
  it('keeps the raw min and max that bucket indexes round to edges; empty is left out; encodes alike', () => {
    const thread = newHistogram();
    recordMs(thread, 123.4567);
    recordMs(thread, 98_765.4321);
    recordMs(thread, 0);
    const direct = newHistogram();
    [123.4567, 98_765.4321, 0].forEach((v) => recordMs(direct, v));
    const d = takeHistogram(thread)!;
    expect(thread.totalCount).toBe(0);
    expect(takeHistogram(thread)).toBeUndefined();
    expect(d.total).toBe(3);
    expect(d.buckets.length).toBe(6); // three non-empty buckets, as [index, count] pairs
    const main = newHistogram();
    mergeHistogram(structuredClone(d), main);
    // The same bytes as one histogram that recorded every value (what report.json stores).
    expect(encodeHistogram(main)).toBe(encodeHistogram(direct));
    expect(decodeHistogram(encodeHistogram(main)).totalCount).toBe(3);
    expect(summarize(main)).toEqual(summarize(direct));
    expect(main.maxValue).toBe(98_765_432);
    expect(main.minNonZeroValue).toBe(123_457); // the raw smallest non-zero value, not its bucket's edge
    expect(summarize(main)!.min).toBe(0); // a 0 was recorded: it is the minimum
  });
});

describe('variant stats take / merge', () => {
  it('random splits over several threads and rounds: summary equals one instance adding all', { timeout: 60_000 }, () => {
    for (const seed of ['a', 'b', 'c']) {
      const rand = seeded(`split-${seed}`);
      const samples = randomSamples(1500, seed, { variants: 1 }).map((s) => s.record);
      const direct = new VariantStats();
      for (const r of samples) direct.add(r);
      const threads = [new VariantStats(), new VariantStats(), new VariantStats()];
      const total = new VariantStats();
      for (const chunk of rounds(samples, 5, rand)) {
        for (const r of chunk) threads[Math.floor(rand() * threads.length)]!.add(r);
        for (const i of shuffled(threads.length, rand)) total.merge(structuredClone(threads[i]!.take()));
      }
      const want = direct.summary();
      const got = total.summary();
      expect(got).toEqual(want);
      // The fields the invariant is about, spelled out so that a vacuous pass shows.
      expect(want.requests).toBe(1500);
      expect(want.errorKinds).not.toEqual({});
      expect(want.judge!.latencyMs!.count).toBeGreaterThan(0);
      expect(Object.keys(want.graders)).toEqual(['similarity', 'contains', 'judge']);
      expect(Object.keys(got.graders)).toEqual(['similarity', 'contains', 'judge']);
      expect(want.metadataMetrics.rare!.count).toBeGreaterThan(0);
      expect(want.harnessStalls.results).toBeGreaterThan(0);
      expect(want.rps).not.toBeNull();
      expect(decodeHistogram(got.histograms.itl).totalCount).toBe(want.itlMs!.count);
      for (const k of ['latency', 'ttft', 'ttfb', 'itl'] as const) expect(got.histograms[k]).toBe(want.histograms[k]);
    }
  });

  it('take() resets: a second take holds nothing, and merging it changes nothing', () => {
    const s = new VariantStats();
    for (const { record } of randomSamples(50, 'reset')) s.add(record);
    const first = s.take();
    expect(s.pending()).toBe(false);
    const empty = s.take();
    expect(empty.counts.requests).toBe(0);
    expect(empty.histograms).toEqual({});
    expect(empty.stream.histograms).toEqual({});
    expect(empty.graders.tallies).toEqual([]);
    const a = new VariantStats();
    a.merge(first);
    const before = a.summary();
    a.merge(empty);
    expect(a.summary()).toEqual(before);
    expect(s.summary()).toEqual(new VariantStats().summary());
  });

  it('counts harness stalls and the longest', () => {
    const s = new VariantStats();
    const [a, b, c] = randomSamples(3, 'stall').map((x) => x.record);
    s.add({ ...a!, harnessStallMs: 12.5 });
    s.add({ ...b!, harnessStallMs: 40 });
    const { harnessStallMs: _, ...rest } = c!;
    s.add(rest);
    expect(s.summary().harnessStalls).toEqual({ results: 2, maxMs: 40 });
    expect(new VariantStats().summary().harnessStalls).toEqual({ results: 0, maxMs: null });
  });
});
