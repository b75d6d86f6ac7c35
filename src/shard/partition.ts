// Shards: a deterministic 1/N of a run. A (row, iteration) lands in exactly one shard, whatever N is,
// and all variants of a row stay together so paired comparisons can be made inside a shard.
import { fnv1a32 } from '../random/fnv1a.js';
import type { AnyLoadSpec, Divide } from '../load/models/model-def.js';
import { modelOf } from '../load/registry.js';

export interface ShardSpec {
  /** 1-based, as in `--shard 2/4`. */
  index: number;
  count: number;
}

/** Parses "I/N" (1 <= I <= N); returns an error message instead of throwing. */
export function parseShard(text: string): ShardSpec | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `--shard must look like I/N (e.g. 2/4), got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: I must be between 1 and N (shards are 1-based)`;
  return { index, count };
}

export function shardOf(row: number, iteration: number, count: number): number {
  return (fnv1a32(`${row}:${iteration}`) % count) + 1;
}

export function inShard(row: number, iteration: number, shard: ShardSpec | null): boolean {
  return shard === null || shard.count === 1 || shardOf(row, iteration, shard.count) === shard.index;
}

/** The suite's numbers are the whole fleet's: each shard takes its share (at least 1 in flight). */
export function shareOf(shard: ShardSpec | null, load: { concurrency: number; rate: number | null }): { concurrency: number; rate: number | null } {
  if (shard === null || shard.count === 1) return load;
  return {
    concurrency: Math.max(1, wholeShare(load.concurrency, shard)),
    rate: load.rate === null ? null : load.rate / shard.count,
  };
}

/**
 * Shard `index`'s whole part of `total`: the remainder goes one each to the first shards, so the parts
 * add up to exactly `total` (4 over 3 shards: 2, 1, 1). A shard never gets less than what the caller
 * allows (at least one request in flight), so a total smaller than the shard count is exceeded.
 */
export function wholeShare(total: number, shard: ShardSpec): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index <= total % shard.count ? 1 : 0);
}

/**
 * A shard's part of the load: the in-flight count, request counts and a warm-up count here; the model's
 * own rates, stages and steps by its module (`share`), with the rules of `Divide` below.
 */
export function shardLoad<S extends AnyLoadSpec>(load: S, shard: ShardSpec | null): S {
  if (shard === null || shard.count === 1) return load;
  const count = (v: number) => Math.max(1, wholeShare(v, shard));
  const divide: Divide = {
    rate: (v) => v / shard.count,
    // A stage at 0 in flight stays 0 (a ramp down to nothing); any other count keeps at least one.
    slots: (v) => (v <= 0 ? 0 : Math.max(1, wholeShare(v, shard))),
    count,
  };
  const shared: S = {
    ...load,
    concurrency: shareOf(shard, { concurrency: load.concurrency, rate: null }).concurrency,
    requests: load.requests === null ? null : count(load.requests),
    warmup: load.warmup && 'requests' in load.warmup ? { requests: count(load.warmup.requests) } : load.warmup,
  };
  return modelOf(shared).share(shared, divide);
}

/** Keeps only this shard's (row, iteration) pairs of a plan. */
export function onlyShard<T extends { row: number; iteration: number }>(plan: AsyncIterable<T>, shard: ShardSpec | null): AsyncIterable<T> {
  if (shard === null || shard.count === 1) return plan; // no pass-through layer (each costs a promise per request)
  return (async function* () {
    for await (const item of plan) if (inShard(item.row, item.iteration, shard)) yield item;
  })();
}
