// Threads' timeline shards merged into the main Timeline give the buckets and .hlog of direct adds,
// with flushes between deltas and results for seconds the main side has already closed.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/random/seeded.js';
import { Timeline } from '../../src/metrics/timeline.js';
import { TimelineShard } from '../../src/metrics/timeline-shard.js';
import { randomSamples, rounds, shuffled } from './random-records.js';

const anchor = { monoMs: 0, epochMs: 1_700_000_000_000 };

describe('timeline merge', () => {
  it('merged deltas equal direct adds, flush by flush', { timeout: 60_000 }, () => {
    for (const seed of ['t1', 't2']) {
      const rand = seeded(seed);
      // Mostly in end order, as results arrive; about one in ten arrives after its second has closed.
      const samples = randomSamples(1200, seed, { variants: 2, runSeconds: 30 })
        .filter((s) => !s.env.warmup)
        .map((s) => ({ ...s, at: s.record.timestamps.end + (rand() < 0.1 ? 4000 + rand() * 8000 : 0) }))
        .sort((a, b) => a.at - b.at);
      const direct = new Timeline(anchor, ['a', 'b']);
      const merged = new Timeline(anchor, ['a', 'b']);
      const shards = [new TimelineShard(), new TimelineShard(), new TimelineShard()];
      let closedLate = 0;
      for (const chunk of rounds(samples, 25, rand)) {
        for (const { record, env } of chunk) {
          direct.add(record, env.variant);
          shards[Math.floor(rand() * shards.length)]!.add(record, env.variant);
        }
        for (const i of shuffled(shards.length, rand)) if (shards[i]!.pending()) merged.merge(structuredClone(shards[i]!.take()));
        const now = chunk.length ? chunk[chunk.length - 1]!.at / 1000 : 0;
        direct.flush(now);
        merged.flush(now);
        closedLate += chunk.filter((s) => s.at - s.record.timestamps.end > 3000).length;
        expect(merged.buckets()).toEqual(direct.buckets());
      }
      direct.flush(0, true);
      merged.flush(0, true);
      expect(closedLate).toBeGreaterThan(0);
      expect(merged.buckets()).toEqual(direct.buckets());
      expect(merged.buckets().some((b) => b.latencyP99Ms !== null && b.ttftP50Ms !== null)).toBe(true);
      expect(merged.hlogTexts()).toEqual(direct.hlogTexts());
      expect(direct.hlogTexts()[1]!.text).toMatch(/^Tag=ttft,/m);
    }
  });

  it('a delta for a second already closed reopens it: its percentiles and .hlog count the late result', () => {
    const [s] = randomSamples(40, 'closed', { variants: 1 }).filter((x) => x.record.ok && !x.env.warmup);
    const r = s!.record;
    const late = { ...r, latencyMs: r.latencyMs * 50 };
    const t = new Timeline(anchor, ['a']);
    t.add(r, 0);
    t.flush(1e6);
    t.flush(1e6); // closed now: its histograms are .hlog lines
    expect(t.hlogTexts()[0]!.text.match(/^Tag=latency/gm)).toHaveLength(1);
    const shard = new TimelineShard();
    shard.add(late, 0);
    t.merge(shard.take());
    t.flush(0, true);
    const both = new Timeline(anchor, ['a']);
    both.add(r, 0);
    both.add(late, 0);
    both.flush(0, true);
    expect(t.buckets()).toEqual(both.buckets());
    const e = Math.floor(r.timestamps.end / 1000);
    expect(t.buckets().find((b) => b.t === e)).toMatchObject({ completed: 2 });
    expect(t.hlogTexts()[0]!.text.match(/^Tag=latency/gm)).toHaveLength(1);
  });

  it('take() empties the shard', () => {
    const shard = new TimelineShard();
    expect(shard.pending()).toBe(false);
    shard.add(randomSamples(1, 'one')[0]!.record, 0);
    expect(shard.pending()).toBe(true);
    expect(shard.take().counts.reduce((n, c) => n + c.sent, 0)).toBe(1);
    expect(shard.take()).toEqual({ counts: [], seconds: [] });
  });
});
