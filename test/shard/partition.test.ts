import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf, shareOf } from '../../src/shard/partition.js';
import { fnv1a32 as stableHash } from '../../src/random/fnv1a.js';

describe('shard partition', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/4', { index: 2, count: 4 }],
    [' 4 / 4 ', { index: 4, count: 4 }],
  ])('parses %s', (text, want) => expect(parseShard(text)).toEqual(want));
  it.each(['0/4', '5/4', '1/0', 'a/b', '1-4', ''])('refuses %s', (text) => expect(typeof parseShard(text)).toBe('string'));

  it('puts every (row, iteration) in exactly one shard for every N', () => {
    for (const n of [1, 2, 3, 4, 7, 16]) {
      const counts = new Array(n).fill(0);
      for (let it = 0; it < 3; it++) {
        for (let row = 0; row < 2000; row++) {
          const owners = Array.from({ length: n }, (_, i) => i + 1).filter((i) => inShard(row, it, { index: i, count: n }));
          expect(owners).toHaveLength(1);
          counts[owners[0]! - 1]++;
        }
      }
      // A fair share each: within 15 % of 6000 / n (a hash, not a round robin).
      for (const c of counts) expect(Math.abs(c - 6000 / n)).toBeLessThan((6000 / n) * 0.15);
    }
  });

  it('is stable: fixed values never change between releases', () => {
    expect(stableHash('0:0')).toBe(stableHash('0:0'));
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c); // FNV-1a reference value
    expect([0, 1, 2, 3, 4].map((r) => shardOf(r, 0, 4))).toEqual([0, 1, 2, 3, 4].map((r) => (stableHash(`${r}:0`) % 4) + 1));
  });

  it('divides the fleet-wide load', () => {
    expect(shareOf({ index: 1, count: 4 }, { concurrency: 16, rate: 20 })).toEqual({ concurrency: 4, rate: 5 });
    expect(shareOf({ index: 1, count: 4 }, { concurrency: 2, rate: null })).toEqual({ concurrency: 1, rate: null });
    expect(shareOf(null, { concurrency: 3, rate: 1 })).toEqual({ concurrency: 3, rate: 1 });
    // Whole shares add up to the fleet's number exactly: the remainder goes to the first shards.
    expect([1, 2, 3].map((index) => shareOf({ index, count: 3 }, { concurrency: 4, rate: null }).concurrency)).toEqual([2, 1, 1]);
    expect([1, 2, 3, 4].map((index) => shareOf({ index, count: 4 }, { concurrency: 10, rate: 10 }).concurrency)).toEqual([3, 3, 2, 2]);
  });
});
