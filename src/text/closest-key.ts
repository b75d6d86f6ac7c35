// Suggests the known key nearest to a mistyped one (Levenshtein distance), for "did you mean" hints:
// the one suggester for suite keys, metric and variant names, columns and the simulator's flows file.
import { levenshtein } from './edit-distance.js';

/** The known key closest to `key` (case-insensitive), or null when none is close enough to be a plausible typo. */
export function closestKey(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  let bestPrefix = -1;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const d = levenshtein(lower, c);
    // On a tie the longer shared prefix wins: `retry` means `retries`, not `rate`.
    const prefix = sharedPrefix(lower, c);
    if (d < bestDistance || (d === bestDistance && prefix > bestPrefix)) {
      best = candidate;
      bestDistance = d;
      bestPrefix = prefix;
    }
  }
  // Beyond this the "suggestion" would be noise (e.g. `zzz` -> `name`).
  const limit = Math.max(2, Math.ceil(key.length / 2));
  return bestDistance <= limit ? best : null;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The "fix" line for an unknown key: a suggestion when one is close, and always the full list. */
export function unknownKeyHint(key: string, known: readonly string[]): string {
  const list = known.length > 0 ? `known keys here: ${known.join(', ')}` : 'no keys are allowed here';
  const near = closestKey(key, known);
  return near ? `did you mean '${near}'? (${list})` : list;
}
