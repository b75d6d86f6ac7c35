// FNV-1a, 32 bit, over UTF-16 code units: a stable hash (the same on every machine, Node version and run;
// no seed, no Math.random). Shard assignment depends on it, so its values must never change.

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
