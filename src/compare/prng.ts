// A small seeded PRNG for the bootstrap: the same key always gives the same resamples, on any machine.

export type Random = () => number;

/** FNV-1a over the key's UTF-16 code units: a 32-bit seed. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: 32-bit state, period 2^32; ample for a few thousand resamples. Uniform in [0, 1). */
export function seeded(key: string | number): Random {
  let s = typeof key === 'number' ? key >>> 0 : hash(key);
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
