// Reads one parsed StackAI object (a stream frame or a run response): run id, outputs, and its verdict.
import { makeError } from './errors.js';
import type { ClassifiedError } from './types.js';

/** What a frame says about the run: keep going, it succeeded, or it failed (classified). */
export type FrameVerdict = 'continue' | 'completed' | ClassifiedError;

export type FrameReading =
  | { valid: true; runId: string | null; outputs: Array<[key: string, value: string]>; verdict: FrameVerdict }
  | { valid: false; error: ClassifiedError };

const KNOWN_STATES = new Set(['PENDING', 'PAUSED', 'RESUMED', 'COMPLETED', 'FAILED', 'CANCELLED']);

/** Output values are text; a null output carries nothing, anything else that is not a string is shown as JSON. */
function outputText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Validates the shape first (a malformed frame is `protocol` and none of its content is taken),
 * then reads the verdict. The success rule: state COMPLETED with null error and null pause.
 * A missing key counts as null. An error outranks a pause, which outranks the state.
 */
export function readFrame(value: unknown, secrets: readonly string[] = []): FrameReading {
  const protocol = (message: string): FrameReading => ({ valid: false, error: makeError('protocol', message, null, secrets) });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return protocol(`frame is not a JSON object: ${JSON.stringify(value)}`);
  }
  const frame = value as Record<string, unknown>;
  const { outputs, run_id: runId, state, error, pause } = frame;
  if (outputs !== undefined && outputs !== null && (typeof outputs !== 'object' || Array.isArray(outputs))) {
    return protocol(`frame "outputs" is not an object: ${JSON.stringify(outputs)}`);
  }
  if (runId !== undefined && runId !== null && typeof runId !== 'string') {
    return protocol(`frame "run_id" is not a string: ${JSON.stringify(runId)}`);
  }
  if (state !== undefined && state !== null && (typeof state !== 'string' || !KNOWN_STATES.has(state))) {
    return protocol(`unknown run state ${JSON.stringify(state)}`);
  }

  const texts: Array<[string, string]> = [];
  if (outputs) {
    for (const [key, raw] of Object.entries(outputs as Record<string, unknown>)) {
      const text = outputText(raw);
      if (text !== null) texts.push([key, text]);
    }
  }

  let verdict: FrameVerdict = 'continue';
  const stateText = typeof state === 'string' ? state : null;
  if ((error !== undefined && error !== null) || stateText === 'FAILED' || stateText === 'CANCELLED') {
    const parts = [stateText ? `flow state ${stateText}` : 'flow error'];
    if (error !== undefined && error !== null) parts.push(describe(error));
    verdict = makeError('flow_error', parts.join(': '), null, secrets);
  } else if ((pause !== undefined && pause !== null) || stateText === 'PAUSED') {
    const why = pause !== undefined && pause !== null ? `: ${describe(pause)}` : '';
    verdict = makeError('paused', `flow paused${why}`, null, secrets);
  } else if (stateText === 'COMPLETED') {
    verdict = 'completed';
  }
  return { valid: true, runId: typeof runId === 'string' ? runId : null, outputs: texts, verdict };
}
