// Classifies the JSON body of a 2xx `run` response with the same success rule as a stream frame.
import { makeError } from './errors.js';
import type { DecodeResult } from './frame-decoder.js';
import { readFrame } from './frame-verdict.js';

/**
 * Success only if the body is a JSON object whose error and pause are null and state is COMPLETED.
 * A state that is still PENDING/RESUMED/null is `incomplete_stream` (the run did not finish),
 * FAILED/CANCELLED or an error is `flow_error`, a pause is `paused`, anything unreadable `protocol`.
 * Outputs are kept as they are (non-string values as JSON text, null as absent), also on failure.
 */
export function classifyRunBody(bodyText: string, secrets: readonly string[] = []): DecodeResult {
  const fail = (error: DecodeResult['error'], runId: string | null = null, outputs: Record<string, string> = {}): DecodeResult => ({
    ok: false,
    error,
    runId,
    outputs,
    frames: 1,
    contentFrames: 0,
  });
  let value: unknown;
  try {
    value = JSON.parse(bodyText);
  } catch {
    return fail(makeError('protocol', `run response is not JSON: ${bodyText}`, null, secrets));
  }
  const reading = readFrame(value, secrets);
  if (!reading.valid) return fail(reading.error);
  const outputs = Object.fromEntries(reading.outputs);
  if (reading.verdict === 'completed') {
    return { ok: true, error: null, runId: reading.runId, outputs, frames: 1, contentFrames: 0 };
  }
  if (reading.verdict === 'continue') {
    const state = (value as { state?: unknown }).state;
    return fail(
      makeError('incomplete_stream', `run response is not COMPLETED (state ${JSON.stringify(state ?? null)})`, null, secrets),
      reading.runId,
      outputs,
    );
  }
  return fail(reading.verdict, reading.runId, outputs);
}
