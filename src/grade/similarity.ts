// Text similarity in [0, 1]: normalised Levenshtein (over Unicode code points), token F1 and ROUGE-L (LCS F1).
// Token methods compare lower-cased words of letters and digits in any script.
import { levenshtein } from '../text/edit-distance.js';

/** Lower-cased words: runs of letters, digits and marks (any script). */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

/** 1 - distance / longer length, on trimmed, lower-cased text with runs of whitespace collapsed. */
export function levenshteinSimilarity(a: string, b: string): number {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const x = norm(a);
  const y = norm(b);
  const longer = Math.max([...x].length, [...y].length);
  return longer === 0 ? 1 : 1 - levenshtein(x, y) / longer;
}

function f1(overlap: number, candidate: number, reference: number): number {
  if (candidate === 0 && reference === 0) return 1;
  if (overlap === 0) return 0;
  const p = overlap / candidate;
  const r = overlap / reference;
  return (2 * p * r) / (p + r);
}

/** SQuAD-style token F1: overlap of the two bags of words. */
export function tokenF1(candidate: string, reference: string): number {
  const c = tokens(candidate);
  const r = tokens(reference);
  const counts = new Map<string, number>();
  for (const w of r) counts.set(w, (counts.get(w) ?? 0) + 1);
  let overlap = 0;
  for (const w of c) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      overlap++;
      counts.set(w, n - 1);
    }
  }
  return f1(overlap, c.length, r.length);
}

/** ROUGE-L F1: the longest common subsequence of words. */
export function rougeL(candidate: string, reference: string): number {
  const c = tokens(candidate);
  const r = tokens(reference);
  let prev = new Array<number>(r.length + 1).fill(0);
  let cur = new Array<number>(r.length + 1).fill(0);
  for (let i = 1; i <= c.length; i++) {
    for (let j = 1; j <= r.length; j++) {
      cur[j] = c[i - 1] === r[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return f1(prev[r.length]!, c.length, r.length);
}

export const SIMILARITY_METHODS = { levenshtein: levenshteinSimilarity, 'token-f1': tokenF1, 'rouge-l': rougeL } as const;
export type SimilarityMethod = keyof typeof SIMILARITY_METHODS;
