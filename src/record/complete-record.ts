// Completes a record where its request finished: the runner's fields (send lag, delayed, output
// tokens, warm-up, sweep step) set from the envelope it travelled with, in the order results.jsonl has them.
import { outputTokens } from '../metrics/output-tokens.js';
import type { RecordEnvelope, ResultRecord } from './result-record.js';

/**
 * Sets the fields in place and returns the record. The order matters: a line encoded by appending
 * these fields (worker/record-text.ts) must read as JSON.stringify of the record would.
 */
export function completeRecord(record: ResultRecord, env: RecordEnvelope): ResultRecord {
  record.sendLagMs = Math.round(env.sendLagMs * 1000) / 1000;
  if (env.delayed) record.delayed = true;
  if (record.ok) record.outputTokens = outputTokens(record.metadata, record.output);
  // A warm-up request is never part of a sweep step: it is marked as warm-up only.
  if (env.warmup) record.warmup = true;
  else if (env.step !== null) record.step = env.step;
  return record;
}
