// One ResultRecord factory for the tests that build records by hand: every required field with a neutral
// value (a successful 200 ms stream, first content at 100 ms, nothing graded), the rest from `over`.
// Each test file states only the fields its case depends on.
import type { ResultRecord } from '../../src/record/result-record.js';

export function baseRecord(over: Partial<ResultRecord> = {}): ResultRecord {
  return {
    variant: 'v',
    row: 0,
    iteration: 0,
    attempts: 1,
    runId: 'r',
    ok: true,
    error: null,
    scheduledAt: '',
    startedAt: '',
    ttfbMs: 5,
    ttftMs: 100,
    latencyMs: 200,
    queueMs: 0,
    inputs: {},
    expected: null,
    output: '',
    grades: [],
    pass: null,
    score: null,
    metadata: null,
    feedback: null,
    attemptLog: [],
    timestamps: { scheduled: 0, sent: 0, firstByte: 5, contentFrames: [100], end: 200 },
    ...over,
  };
}
