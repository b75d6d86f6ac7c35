// The o200k_base tokenizer (OpenAI's GPT-4o family, via gpt-tokenizer): token counts of answers, for the
// `length` grader and for output tokens a server does not report. Loaded on first use (its tables take
// ~150 ms and ~30 MB): only a thread that counts pays for it, and that is never a thread that times requests.

export type TokenCounter = (text: string) => number;

/**
 * gpt-tokenizer caches each word piece's merges in a Map of up to 100,000 entries; once it is full, every
 * new piece evicts the oldest, and V8's Map then makes each count about ten times slower (see
 * bench/tokenizer-cost.mjs). Word pieces (a word with its leading space) are rarely under 5 characters, so
 * emptying the cache every 400,000 characters counted keeps it from filling; relearning the common words
 * afterwards costs a few milliseconds.
 */
const CLEAR_EVERY_CHARS = 400_000;

/** Text that looks like a special token (`<|endoftext|>`) is counted as the ordinary text it is, never refused. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

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
      return m.countTokens(text, AS_TEXT);
    };
  });
  return loading;
}
