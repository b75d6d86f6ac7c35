// Parses suite durations ("60s", "500ms", "2m", "1h", "1m30s", or a plain number of seconds) into milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Text for error messages: what a duration looks like. */
export const DURATION_FORMS = 'a duration like 60s, 500ms, 2m, 1h, 1m30s, or a number of seconds';

/** Milliseconds (rounded to an integer), or null when `value` is not a duration. Negative values are refused. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  }
  const text = value.trim();
  if (text === '') return null;
  // A bare number in a string ("90") is seconds too, like the YAML number form.
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m) return null;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return Math.round(total);
}
