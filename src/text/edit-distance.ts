// Levenshtein edit distance (insertions, deletions, substitutions) over Unicode code points, not
// UTF-16 units: 'Zürich' written with a combining mark or an astral character counts per character.
// O(a·b) time, two rows of memory. Used by the similarity grader and by "did you mean" hints.

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length]!;
}
