// Completes a record where its request finished: the runner's fields (send lag, delayed, output and
// input tokens, warm-up, sweep step) set from the envelope it travelled with, in the order results.jsonl has them.
import type { RecordTokens } from './tokens.js';
import type { RecordEnvelope, ResultRecord } from './result-record.js';

/**
 * Sets the fields in place and returns the record. The tokens are worked out by the caller
 * (metrics/output-tokens.ts): where a record completes decides whether the tokenizer may run there.
 */
export function completeRecord(record: ResultRecord, env: RecordEnvelope, tokens: RecordTokens): ResultRecord {
  record.sendLagMs = Math.round(env.sendLagMs * 1000) / 1000;
  if (env.delayed) record.delayed = true;
  if (tokens.outputTokens) record.outputTokens = tokens.outputTokens;
  if (tokens.inputTokens) record.inputTokens = tokens.inputTokens;
  // A warm-up request is never part of a sweep step: it is marked as warm-up only.
  if (env.warmup) record.warmup = true;
  else if (env.step !== null) record.step = env.step;
  return record;
}
