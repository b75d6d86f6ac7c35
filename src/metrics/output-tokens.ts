// Output tokens of one request: the flow's own count from run metadata when it has usage, else an
// estimate from the answer's text (about 4 characters a token, OpenAI's rule of thumb for English).

export interface OutputTokens {
  count: number;
  source: 'metadata' | 'estimate';
}

/** Characters per token of the estimate. */
export const CHARS_PER_TOKEN = 4;

/** Sum of `llm_usage[].output_tokens` when the metadata has any, else null. */
export function metadataOutputTokens(metadata: unknown): number | null {
  if (metadata === null || typeof metadata !== 'object') return null;
  const usage = (metadata as { llm_usage?: unknown }).llm_usage;
  if (!Array.isArray(usage)) return null;
  let sum = 0;
  let seen = false;
  for (const u of usage) {
    const v = (u as { output_tokens?: unknown } | null)?.output_tokens;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
      sum += v;
      seen = true;
    }
  }
  return seen ? sum : null;
}

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.round(text.length / CHARS_PER_TOKEN));
}

export function outputTokens(metadata: unknown, output: string): OutputTokens {
  const m = metadataOutputTokens(metadata);
  return m !== null ? { count: m, source: 'metadata' } : { count: estimateTokens(output), source: 'estimate' };
}

/**
 * Time per output token after the first (GenAI-Perf's TPOT): (latency − TTFT) / (tokens − 1), ms;
 * null without a TTFT (run mode) or with fewer than two tokens.
 */
export function timePerOutputToken(latencyMs: number, ttftMs: number | null, tokens: number): number | null {
  if (ttftMs === null || tokens < 2) return null;
  return Math.max(0, latencyMs - ttftMs) / (tokens - 1);
}
