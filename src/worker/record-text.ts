// A record from a worker thread crosses as its JSON text (cheaper to post than the object graph, and
// read back with one JSON.parse); the main thread keeps that text beside the parsed record, so its
// results.jsonl line needs no second JSON.stringify: only the fields the runner adds are appended.
import type { ResultRecord, WireOutcome } from './messages.js';

const texts = new WeakMap<ResultRecord, string>();

/**
 * The fields the runner sets on a record after it left its executor, in the order it sets them
 * (src/runner/collect.ts), so the line is byte for byte what JSON.stringify would write.
 */
const RUNNER_FIELDS = ['sendLagMs', 'delayed', 'outputTokens', 'warmup', 'step'] as const;

/** What a worker thread posts for an outcome: a record as its JSON text, anything else as it is. */
export function outcomeForWire(outcome: WireOutcome): WireOutcome {
  return outcome !== null && typeof outcome === 'object' && !('failed' in outcome) ? JSON.stringify(outcome) : outcome;
}

/** The record a worker sent as JSON text; its line reuses the text. */
export function recordFromText(text: string): ResultRecord {
  const record = JSON.parse(text) as ResultRecord;
  texts.set(record, text);
  return record;
}

/**
 * The record's results.jsonl line, without the newline. A copy of the record (the feedback poster
 * makes one to set `feedback`) has no text kept and is serialized whole.
 */
export function recordLine(record: ResultRecord): string {
  const text = texts.get(record);
  if (text === undefined || text.length < 3) return JSON.stringify(record);
  let line = text.slice(0, -1);
  for (const key of RUNNER_FIELDS) {
    const value = record[key];
    if (value !== undefined) line += `,"${key}":${JSON.stringify(value)}`;
  }
  return `${line}}`;
}
