// The record of a request the harness itself lost (its request thread died with it in flight): a
// `harness` error with the request's inputs rendered again for diagnosis, timed to the moment it was lost.
import { renderInputs } from '../dataset/template.js';
import { type anchorClock, nowMs, sinceAnchor, toIso } from '../clock/clock.js';
import type { ResultRecord } from '../record/result-record.js';
import type { Suite } from '../suite/types.js';
import type { RequestTask } from '../worker/messages.js';

export function harnessFailure(suite: Suite, task: RequestTask, err: unknown, anchor: ReturnType<typeof anchorClock>): ResultRecord {
  const now = nowMs();
  const rel = (v: number) => sinceAnchor(anchor, v);
  return {
    variant: suite.variants[task.variant]!.name,
    row: task.row,
    iteration: task.iteration,
    ...(task.repeat !== undefined && { repeat: task.repeat }),
    attempts: 1,
    runId: null,
    ok: false,
    error: { kind: 'harness', message: `request failed in the harness: ${String((err as Error)?.message ?? err).split('\n')[0]}`, status: null },
    scheduledAt: toIso(anchor, task.scheduledAt),
    startedAt: toIso(anchor, task.scheduledAt),
    ttfbMs: null,
    ttftMs: null,
    latencyMs: Math.round((now - task.scheduledAt) * 1000) / 1000,
    queueMs: 0,
    inputs: safeInputs(suite, task),
    expected: null,
    output: '',
    grades: [],
    pass: suite.graders.length ? false : null,
    score: suite.graders.length ? 0 : null,
    metadata: null,
    feedback: null,
    attemptLog: [],
    timestamps: { scheduled: rel(task.scheduledAt), sent: rel(task.scheduledAt), firstByte: null, contentFrames: [], end: rel(now) },
  };
}

/** The request's inputs, for diagnosis: rendering them again cannot fail the record. */
function safeInputs(suite: Suite, task: RequestTask): Record<string, unknown> {
  try {
    return renderInputs(suite.dataset.inputs, { row: task.row, values: task.values });
  } catch {
    return {};
  }
}
