// Seeded pseudo-random numbers: the same seed or key always gives the same sequence, on any machine.
// Two generators, for two needs: mulberry32 (one 32-bit word of state) where a single stream is drawn
// from a seed (bootstrap resamples, Poisson arrivals); sfc32 seeded by cyrb128 (128 bits) where the
// simulator draws many independent streams keyed by (seed, flow, input, purpose), which a 32-bit seed
// would make collide.
import { fnv1a32 } from './fnv1a.js';

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: period 2^32, ample for a few thousand resamples. A string key is hashed with FNV-1a. */
export function seeded(key: string | number): Random {
  let s = typeof key === 'number' ? key >>> 0 : fnv1a32(key);
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 128-bit string hash (cyrb128) folded into four 32-bit words, used to seed sfc32. */
function cyrb128(key: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A generator keyed by parts. Parts are joined with a separator that cannot be confused with their
 * content, so ("a|b", "c") and ("a", "b|c") differ.
 */
export function keyedRandom(...parts: Array<string | number>): Random {
  let [a, b, c, d] = cyrb128(parts.map((p) => `${String(p).length}:${String(p)}`).join('\u0000'));
  const next = (): number => {
    // sfc32: small, fast, and good enough statistically for simulation draws.
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first draws: sfc32 mixes its state over a few rounds.
  for (let i = 0; i < 12; i++) next();
  return next;
}
