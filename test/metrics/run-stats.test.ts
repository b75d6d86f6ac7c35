// End to end: shards in several "threads" with take / merge rounds give the run total that direct adds
// give (totals, per-variant and per-step summaries, timeline buckets, .hlog text, live TTFT).
import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/random/seeded.js';
import { nowMs } from '../../src/clock/clock.js';
import { RunStatsShard, RunStatsTotal } from '../../src/metrics/run-stats.js';
import { randomSamples, rounds, shuffled } from './random-records.js';

// Anchored in the future, so that the totals' own 1-s flush closes nothing while the test runs.
const anchor = () => ({ monoMs: nowMs() + 1e9, epochMs: 1_700_000_000_000 });
const names = ['published', 'draft'];

function view(t: RunStatsTotal) {
  return {
    done: t.done,
    errors: t.errors,
    warmupDone: t.warmupDone,
    ttftP50: t.ttftP50(),
    stats: t.stats.map((s) => s.summary()),
    steps: t.stepStats.map((step) => step.map((s) => s.summary())),
    buckets: t.timeline.buckets(),
    hlog: t.timeline.hlogTexts(),
  };
}

describe('run stats: shards merged vs direct', () => {
  it('gives identical totals, summaries, step summaries, timeline and hlog', { timeout: 60_000 }, () => {
    for (const seed of ['r1', 'r2']) {
      const rand = seeded(seed);
      const samples = randomSamples(2000, seed, { variants: 2, steps: true, runSeconds: 40 }).sort((a, b) => a.record.timestamps.end - b.record.timestamps.end);
      const a = anchor();
      const direct = new RunStatsTotal(a, names);
      const merged = new RunStatsTotal(a, names);
      const shards = [new RunStatsShard(2), new RunStatsShard(2), new RunStatsShard(2)];
      for (const chunk of rounds(samples, 12, rand)) {
        for (const { record, env } of chunk) {
          direct.add(record, env);
          shards[Math.floor(rand() * shards.length)]!.add(record, env);
        }
        for (const i of shuffled(shards.length, rand)) {
          const d = shards[i]!.take();
          if (d) merged.merge(structuredClone(d));
        }
        const now = chunk.length ? chunk[chunk.length - 1]!.record.timestamps.end / 1000 - 2 * rand() : 0;
        direct.timeline.flush(now);
        merged.timeline.flush(now);
        expect(merged.ttftP50()).toBe(direct.ttftP50());
      }
      direct.finish();
      merged.finish();
      const want = view(direct);
      expect(view(merged)).toEqual(want);
      expect(want.warmupDone).toBeGreaterThan(0);
      expect(want.done + want.warmupDone).toBe(2000);
      expect(want.steps).toHaveLength(3);
      expect(want.stats[1]!.requests).toBeGreaterThan(0);
    }
  });

  it('take() is null when nothing was added, and a warm-up-only delta carries its count', () => {
    const shard = new RunStatsShard(1);
    expect(shard.take()).toBeNull();
    const [s] = randomSamples(1, 'w');
    shard.add(s!.record, { ...s!.env, variant: 0, warmup: true, step: null });
    const d = shard.take()!;
    expect(d).toMatchObject({ done: 0, errors: 0, warmupDone: 1, stats: [null], steps: [], timeline: null });
    expect(shard.take()).toBeNull();
  });

  it('after finish(), adds and merges are ignored', () => {
    const total = new RunStatsTotal(anchor(), ['a']);
    const shard = new RunStatsShard(1);
    const [s, t] = randomSamples(2, 'late', { variants: 1 }).map((x) => ({ ...x, env: { ...x.env, warmup: false } }));
    shard.add(s!.record, s!.env);
    total.finish();
    total.add(t!.record, t!.env);
    total.merge(shard.take()!);
    expect(total.done).toBe(0);
    expect(total.timeline.buckets()).toEqual([]);
  });
});
