// The o200k_base tokenizer (OpenAI's GPT-4o family, via gpt-tokenizer): token counts of answers, for the
// `length` grader and for output tokens a server does not report. Loaded on first use (its tables are
// large and slow to load): only a thread that counts pays for it, never a thread that times requests.

export type TokenCounter = (text: string) => number;

/**
 * gpt-tokenizer caches each word piece's merges in a Map of up to 100,000 entries; once it is full, every
 * new piece evicts the oldest, which makes V8's Map many times slower (bench/tokenizer-cost.mjs). A word
 * piece (a word with its leading space) is rarely under 5 characters, so emptying the cache every 400,000
 * characters counted keeps it from filling; relearning a run's common words after that is cheap.
 */
const CLEAR_EVERY_CHARS = 400_000;

/** Text that looks like a special token (`<|endoftext|>`) is counted as the ordinary text it is, never refused. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Byte-pair merging is quadratic in the length of one word: a 40,000-character answer without a space took
 * 1.9 s. A run of non-space characters this long is counted in pieces of this size instead, so a hostile
 * answer costs linear time (its count may differ by a token per piece); ordinary text is counted whole.
 */
const MAX_RUN = 1000;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN}}`, 'g');

/** `text` cut after every MAX_RUN characters of a longer non-space run (one piece when there is none). */
export function countingPieces(text: string): string[] {
  LONG_RUN.lastIndex = 0;
  if (!LONG_RUN.test(text)) return [text];
  const out: string[] = [];
  let start = 0;
  LONG_RUN.lastIndex = 0;
  for (let m = LONG_RUN.exec(text); m !== null; m = LONG_RUN.exec(text)) {
    out.push(text.slice(start, m.index + MAX_RUN));
    start = m.index + MAX_RUN;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

let loading: Promise<TokenCounter> | null = null;

export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then((m) => {
    let chars = 0;
    return (text: string) => {
      chars += text.length;
      if (chars > CLEAR_EVERY_CHARS) {
        m.clearMergeCache();
        chars = text.length;
      }
      const pieces = countingPieces(text);
      return pieces.length === 1 ? m.countTokens(text, AS_TEXT) : pieces.reduce((n, p) => n + m.countTokens(p, AS_TEXT), 0);
    };
  });
  return loading;
}
