// Shards: a deterministic 1/N of a run. A (row, iteration) lands in exactly one shard, whatever N is,
// and all variants of a row stay together so paired comparisons can be made inside a shard.

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

/** FNV-1a, 32 bit: stable across machines, Node versions and runs (no seed, no Math.random). */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function shardOf(row: number, iteration: number, count: number): number {
  return (stableHash(`${row}:${iteration}`) % count) + 1;
}

export function inShard(row: number, iteration: number, shard: ShardSpec | null): boolean {
  return shard === null || shard.count === 1 || shardOf(row, iteration, shard.count) === shard.index;
}

/** The suite's numbers are the whole fleet's: each shard takes its share (at least 1 in flight). */
export function shareOf(shard: ShardSpec | null, load: { concurrency: number; rate: number | null }): { concurrency: number; rate: number | null } {
  if (shard === null || shard.count === 1) return load;
  return {
    concurrency: Math.max(1, Math.round(load.concurrency / shard.count)),
    rate: load.rate === null ? null : load.rate / shard.count,
  };
}
