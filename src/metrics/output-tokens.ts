// Output and input tokens of one request: what the server reported (at the suite's metadata path, else
// StackAI's llm_usage[] sums), else, for the output, the o200k tokenizer's count of the answer. Looking up a
// report is cheap and runs anywhere; counting is CPU work, done only where nothing is timed (docs/engine.md).
import { valueAtPath } from '../record/metadata-fields.js';
import type { RecordTokens, TokenCount } from '../record/tokens.js';
import type { TokenCounter } from './tokenizer.js';

export type { RecordTokens, TokenCount, TokenSource } from '../record/tokens.js';

/** Where the server reports usage: dotted paths into the run's metadata (`metadata.output_tokens` / `input_tokens`). */
export interface TokenPaths {
  outputTokens?: string | null;
  inputTokens?: string | null;
}

/** What a token count is read from: a record, before or after it is completed. */
interface Answer {
  ok: boolean;
  metadata: unknown;
  output: string;
}

type UsageKey = 'output_tokens' | 'input_tokens';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Sum of `llm_usage[].<key>` when the metadata has any, else null. */
export function llmUsageSum(metadata: unknown, key: UsageKey): number | null {
  if (metadata === null || typeof metadata !== 'object') return null;
  const usage = (metadata as { llm_usage?: unknown }).llm_usage;
  if (!Array.isArray(usage)) return null;
  let sum = 0;
  let seen = false;
  for (const u of usage) {
    const v = (u as Record<string, unknown> | null)?.[key];
    if (isCount(v)) {
      sum += v;
      seen = true;
    }
  }
  return seen ? sum : null;
}

/**
 * The count the server reported: the number at `path` when the suite names one and this run's metadata
 * has it, else the llm_usage sum (StackAI's own report), else null.
 */
export function reportedCount(metadata: unknown, path: string | null | undefined, key: UsageKey): number | null {
  if (path) {
    const v = valueAtPath(metadata, path);
    if (isCount(v)) return v;
  }
  return llmUsageSum(metadata, key);
}

function withInput(tokens: RecordTokens, r: Answer, paths: TokenPaths): RecordTokens {
  const input = reportedCount(r.metadata, paths.inputTokens, 'input_tokens');
  if (input !== null) tokens.inputTokens = { count: input, source: 'metadata' };
  return tokens;
}

/**
 * A record's tokens without the tokenizer, or null when its output has to be counted by it (a successful
 * answer its server reported no output tokens for). An empty answer is 0 tokens without counting.
 */
export function reportedTokens(r: Answer, paths: TokenPaths): RecordTokens | null {
  if (!r.ok) return {};
  const out = reportedCount(r.metadata, paths.outputTokens, 'output_tokens');
  if (out !== null) return withInput({ outputTokens: { count: out, source: 'metadata' } }, r, paths);
  if (r.output === '') return withInput({ outputTokens: { count: 0, source: 'tokenizer' } }, r, paths);
  return null;
}

/** A record's tokens: as reported, else its output counted by the tokenizer. CPU work: never on a timing thread. */
export function countedTokens(r: Answer, paths: TokenPaths, count: TokenCounter): RecordTokens {
  return reportedTokens(r, paths) ?? withInput({ outputTokens: { count: count(r.output), source: 'tokenizer' } }, r, paths);
}

/** Characters per token of the old estimate (OpenAI's rule of thumb for English). */
const CHARS_PER_TOKEN = 4;

/** The old estimate, kept to read records written before flowbench counted tokens. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.round(text.length / CHARS_PER_TOKEN));
}

/** The output tokens of a record written before records carried them: its llm_usage, else the old estimate. */
export function legacyOutputTokens(r: Answer): TokenCount {
  const m = llmUsageSum(r.metadata, 'output_tokens');
  return m !== null ? { count: m, source: 'metadata' } : { count: estimateTokens(r.output), source: 'estimate' };
}

/**
 * Time per output token after the first (GenAI-Perf's TPOT): (latency − TTFT) / (tokens − 1), ms;
 * null without a TTFT (run mode) or with fewer than two tokens.
 */
export function timePerOutputToken(latencyMs: number, ttftMs: number | null, tokens: number): number | null {
  if (ttftMs === null || tokens < 2) return null;
  return Math.max(0, latencyMs - ttftMs) / (tokens - 1);
}
