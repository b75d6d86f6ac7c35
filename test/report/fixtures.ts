// Hand-made result records for the report tests: every field a reporter reads, nothing else assumed.
import { writeFileSync } from 'node:fs';
import type { ResultRecord } from '../../src/record/result-record.js';

export function result(over: Omit<Partial<ResultRecord>, 'timestamps'> & { timestamps?: Partial<ResultRecord['timestamps']> } = {}): ResultRecord {
  const { timestamps, ...rest } = over;
  return {
    variant: 'a',
    row: 0,
    iteration: 0,
    attempts: 1,
    runId: 'run-1',
    ok: true,
    error: null,
    scheduledAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.001Z',
    ttfbMs: 10,
    ttftMs: 50,
    latencyMs: 100,
    queueMs: 1,
    inputs: { 'in-0': 'question' },
    expected: 'answer',
    output: 'the answer',
    grades: [{ grader: 'contains', pass: true, score: 1, reason: 'output contains "answer"' }],
    pass: true,
    score: 1,
    metadata: null,
    feedback: null,
    attemptLog: [],
    ...rest,
    timestamps: { scheduled: 0, sent: 1, firstByte: 10, contentFrames: [50, 60], end: 100, ...timestamps },
  };
}

export function writeJsonl(path: string, records: unknown[]): void {
  writeFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
