// The record of a request the flow never answered: one the harness itself lost (its request thread died
// with it in flight, a `harness` error timed to the moment it was lost), or a conversation's skipped turn.
import { renderInputs } from '../dataset/template.js';
import { type anchorClock, nowMs, sinceAnchor, toIso } from '../clock/clock.js';
import type { PlannedRequest } from '../load/request-plan.js';
import type { ResultRecord } from '../record/result-record.js';
import type { ErrorKind } from '../stackai/types.js';
import type { Suite } from '../suite/types.js';
import type { RequestTask } from '../worker/messages.js';

export function harnessFailure(suite: Suite, task: RequestTask, err: unknown, anchor: ReturnType<typeof anchorClock>): ResultRecord {
  const message = `request failed in the harness: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
  return unansweredRecord(suite, task, anchor, { kind: 'harness', message, from: task.scheduledAt, attempts: 1, graded: true });
}

/**
 * A request the flow never answered, as its results.jsonl line: an error of `kind`, its inputs rendered
 * again for diagnosis, timed from `from` (the shared clock) to now. `graded`: with graders it counts as a
 * failed row (pass false, score 0), else the grading fields are null. Shared by the harness's own losses
 * and a conversation's skipped turns.
 */
export function unansweredRecord(
  suite: Suite,
  p: PlannedRequest,
  anchor: ReturnType<typeof anchorClock>,
  o: { kind: ErrorKind; message: string; from: number; attempts: number; graded: boolean },
): ResultRecord {
  const now = nowMs();
  const rel = (v: number) => sinceAnchor(anchor, v);
  const failsRow = o.graded && suite.graders.length > 0;
  return {
    variant: suite.variants[p.variant]!.name,
    row: p.row,
    iteration: p.iteration,
    ...(p.repeat !== undefined && { repeat: p.repeat }),
    attempts: o.attempts,
    runId: null,
    ok: false,
    error: { kind: o.kind, message: o.message, status: null },
    scheduledAt: toIso(anchor, o.from),
    startedAt: toIso(anchor, o.from),
    ttfbMs: null,
    ttftMs: null,
    latencyMs: Math.round((now - o.from) * 1000) / 1000,
    queueMs: 0,
    inputs: safeInputs(suite, p),
    expected: null,
    output: '',
    grades: [],
    pass: failsRow ? false : null,
    score: failsRow ? 0 : null,
    metadata: null,
    feedback: null,
    attemptLog: [],
    timestamps: { scheduled: rel(o.from), sent: rel(o.from), firstByte: null, contentFrames: [], end: rel(now) },
  };
}

/** The request's inputs, for diagnosis: rendering them again cannot fail the record. */
function safeInputs(suite: Suite, p: PlannedRequest): Record<string, unknown> {
  try {
    return renderInputs(suite.dataset.inputs, { row: p.row, values: p.values });
  } catch {
    return {};
  }
}
