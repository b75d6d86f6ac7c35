// Reads one parsed StackAI object (a stream frame or a run response): run id, outputs, and its verdict.
import { makeError } from './errors.js';
import type { ClassifiedError } from './types.js';

/** What a frame says about the run: keep going, it succeeded, or it failed (classified). */
export type FrameVerdict = 'continue' | 'completed' | ClassifiedError;

/** A frame's `progress_data`, as far as it is readable: a missing or malformed part is null (never a failure). */
export interface FrameProgress {
  node: string | null;
  started: number | null;
  completed: number | null;
}

export type FrameReading =
  | { valid: true; runId: string | null; outputs: Array<[key: string, value: string]>; verdict: FrameVerdict; progress: FrameProgress | null }
  | { valid: false; error: ClassifiedError };

const KNOWN_STATES = new Set(['PENDING', 'PAUSED', 'RESUMED', 'COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * JSON text of a parsed value, or null for one nested too deep to write: JSON.parse reads any depth,
 * JSON.stringify recurses and overflows the stack (a 10,000-deep array in a frame is 20 KB).
 */
function json(value: unknown): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

/** Output values are text; a null output carries nothing, anything else that is not a string is shown as JSON. */
function outputText(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : (json(value) ?? undefined);
}

/** A value as JSON, for a message. */
function shown(value: unknown): string {
  return json(value) ?? '(a value nested too deeply to show)';
}

/** A value for a message: text as is, anything else as JSON. */
function describe(value: unknown): string {
  return typeof value === 'string' ? value : shown(value);
}

/**
 * Validates the shape first (a malformed frame is `protocol` and none of its content is taken),
 * then reads the verdict. The success rule: state COMPLETED with null error and null pause.
 * A missing key counts as null. An error outranks a pause, which outranks the state.
 */
export function readFrame(value: unknown, secrets: readonly string[] = []): FrameReading {
  const protocol = (message: string): FrameReading => ({ valid: false, error: makeError('protocol', message, null, secrets) });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return protocol(`frame is not a JSON object: ${shown(value)}`);
  }
  const frame = value as Record<string, unknown>;
  const { outputs, run_id: runId, state, error, pause, progress_data: progressData } = frame;
  if (outputs !== undefined && outputs !== null && (typeof outputs !== 'object' || Array.isArray(outputs))) {
    return protocol(`frame "outputs" is not an object: ${shown(outputs)}`);
  }
  if (runId !== undefined && runId !== null && typeof runId !== 'string') {
    return protocol(`frame "run_id" is not a string: ${shown(runId)}`);
  }
  if (state !== undefined && state !== null && (typeof state !== 'string' || !KNOWN_STATES.has(state))) {
    return protocol(`unknown run state ${shown(state)}`);
  }

  const texts: Array<[string, string]> = [];
  if (outputs) {
    for (const [key, raw] of Object.entries(outputs as Record<string, unknown>)) {
      const text = outputText(raw);
      if (text === undefined) return protocol(`frame output "${key}" is nested too deeply to read`);
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
  return { valid: true, runId: typeof runId === 'string' ? runId : null, outputs: texts, verdict, progress: readProgress(progressData) };
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * progress_data is informational: completion is decided by `state` alone (completed_nodes need not reach
 * total_nodes), so a progress value of an unexpected shape is read as far as it goes and never fails a stream.
 */
function readProgress(value: unknown): FrameProgress | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const p = value as Record<string, unknown>;
  const node = typeof p.current_node === 'string' ? p.current_node : null;
  const started = count(p.started_nodes);
  const completed = count(p.completed_nodes);
  return node === null && started === null && completed === null ? null : { node, started, completed };
}
