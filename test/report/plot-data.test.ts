// The per-request plots' series (plot-data.ts) from hand-made results, value by value: scatter points,
// inter-token gaps by token position, and the sampling of large runs (tokens per second is the
// run's timeline: test/metrics/timeline.test.ts).
import { describe, expect, it } from 'vitest';
import { ITL_POSITIONS, PLOT_SAMPLE, PlotBuilder, StrideSample, inputChars } from '../../src/report/html/plot-data.js';
import { result } from './fixtures.js';

const tokens = (count: number) => ({ count, source: 'metadata' as const });

describe('StrideSample', () => {
  it('keeps every k-th item, doubling k whenever more than the cap are held', () => {
    const s = new StrideSample<number>(4);
    for (let i = 0; i < 10; i++) s.add(() => i);
    // 0..4 is five items > 4: every 2nd (0 2 4); then 6, 8 makes five again: every 4th (0 4 8).
    expect(s.values()).toEqual([0, 4, 8]);
    expect(s.every).toBe(4);
    expect(s.count).toBe(10);
  });

  it('builds only the items it keeps', () => {
    const s = new StrideSample<number>(2);
    let built = 0;
    for (let i = 0; i < 100; i++) s.add(() => ++built);
    expect(built).toBeLessThan(20);
    expect(s.values().length).toBeLessThanOrEqual(2);
  });
});

describe('PlotBuilder', () => {
  const records = [
    result({
      variant: 'a',
      row: 0,
      ttftMs: 50,
      latencyMs: 100,
      inputs: { q: 'abcd', n: 12 },
      inputTokens: tokens(7),
      outputTokens: tokens(3),
      timestamps: { contentFrames: [50, 60, 80], end: 100 },
    }),
    result({
      variant: 'a',
      row: 1,
      ttftMs: 40.04,
      latencyMs: 1500,
      inputs: { q: 'ab' },
      inputTokens: tokens(5),
      outputTokens: tokens(4),
      timestamps: { contentFrames: [900, 1000, 1030, 1130], end: 1500 },
    }),
    result({
      variant: 'b',
      row: 0,
      ttftMs: 30,
      latencyMs: 90,
      inputTokens: tokens(7),
      outputTokens: tokens(2),
      timestamps: { contentFrames: [30, 31], end: 90 },
    }),
    // Failed and warm-up results are in no plot.
    result({ variant: 'b', row: 1, ok: false, outputTokens: tokens(99) }),
    result({ variant: 'b', row: 2, warmup: true, outputTokens: tokens(99) }),
  ];
  const build = () => {
    const b = new PlotBuilder(['a', 'b']);
    for (const r of records) b.add(r);
    return b.build();
  };

  it('plots TTFT against input tokens and latency against output tokens, sorted by x', () => {
    const p = build();
    expect(p.inputUnit).toBe('tokens');
    expect(p.ttftByInput).toEqual([
      { variant: 'a', x: [5, 7], y: [40, 50] },
      { variant: 'b', x: [7], y: [30] },
    ]);
    expect(p.latencyByOutputTokens).toEqual([
      { variant: 'a', x: [3, 4], y: [100, 1500] },
      { variant: 'b', x: [2], y: [90] },
    ]);
    expect(p.sample).toEqual([
      { variant: 'a', results: 2, kept: 2, every: 1 },
      { variant: 'b', results: 1, kept: 1, every: 1 },
    ]);
  });

  it('falls back to characters of the inputs when a result has no input tokens', () => {
    expect(inputChars({ q: 'abcd', n: 12, o: { k: 1 } })).toBe(4 + 2 + 7);
    const b = new PlotBuilder(['a']);
    b.add(records[0]!);
    b.add((({ inputTokens: _none, ...rest }) => rest)(records[1]!));
    expect(b.build()).toMatchObject({ inputUnit: 'characters', ttftByInput: [{ variant: 'a', x: [2, 6], y: [40, 50] }] });
  });

  it('takes median and p95 inter-token gaps per token position', () => {
    // a: gaps [10, 20] and [100, 30, 100]; b: [1]. Position 2 holds a's 10 and 100, position 3 20 and 30.
    expect(build().itl).toEqual({
      width: 1,
      x: [2, 3, 4],
      series: [
        { variant: 'a', p50: [10, 20, 100], p95: [100, 30, 100], n: [2, 2, 1] },
        { variant: 'b', p50: [1, null, null], p95: [1, null, null], n: [1, 0, 0] },
      ],
    });
  });

  it('widens the token-position buckets for long answers', () => {
    const b = new PlotBuilder(['a']);
    const frames = [0];
    for (let i = 1; i <= 300; i++) frames.push(frames[i - 1]! + (i <= 150 ? 2 : 4));
    b.add(result({ timestamps: { contentFrames: frames, end: 2000 } }));
    const itl = b.build().itl!;
    // 300 gaps into at most 60 buckets: width 5, so positions 2-6, 7-11, …; gaps of 2 ms, then of 4 ms.
    expect(itl.width).toBe(5);
    expect(itl.x).toHaveLength(60);
    expect(itl.series[0]!.p50.slice(0, 2)).toEqual([2, 2]);
    expect(itl.series[0]!.p50.at(-1)).toBe(4);
    expect(itl.series[0]!.n.reduce((s, n) => s + n, 0)).toBe(300);
  });

  it('caps the positions kept per result', () => {
    const b = new PlotBuilder(['a']);
    b.add(result({ outputTokens: tokens(6), timestamps: { contentFrames: [], end: 2500 } }));
    b.add(result({ outputTokens: tokens(1), timestamps: { contentFrames: Array.from({ length: ITL_POSITIONS + 50 }, (_, i) => i / 100), end: 101 } }));
    const p = b.build();
    expect(p.itl!.series[0]!.n.reduce((s, n) => s + n, 0)).toBe(ITL_POSITIONS - 1);
  });

  it('samples every k-th result of a large variant and says how many it kept', () => {
    const b = new PlotBuilder(['a']);
    const n = PLOT_SAMPLE * 3 + 1;
    for (let i = 0; i < n; i++) b.add(result({ row: i, latencyMs: i, outputTokens: tokens(i), timestamps: { contentFrames: [], end: 100 } }));
    const p = b.build();
    expect(p.sample).toEqual([{ variant: 'a', results: n, kept: Math.ceil(n / 4), every: 4 }]);
    expect(p.latencyByOutputTokens[0]!.x.slice(0, 3)).toEqual([0, 4, 8]);
  });
});
