// The failure classes (errored / incomplete) per result, and their timings split and merged across threads.
import { describe, expect, it } from 'vitest';
import { failureClass, FailureStats } from '../../src/metrics/failure-stats.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import type { ErrorKind } from '../../src/stackai/types.js';
import { result } from '../report/fixtures.js';

const failed = (kind: ErrorKind, frames: number[], latencyMs = 100): ResultRecord =>
  result({
    ok: false,
    error: { kind, message: kind, status: null },
    latencyMs,
    ttftMs: frames.length ? frames[0]! : null,
    timestamps: { contentFrames: frames },
  });

describe('failureClass', () => {
  it.each<[string, ResultRecord, string | null]>([
    ['a success', result(), null],
    ['an HTTP 500', failed('http_5xx', []), 'errored'],
    ['a flow error after content', failed('flow_error', [50]), 'errored'],
    ['a protocol error after content', failed('protocol', [50]), 'errored'],
    ['a timeout before any content', failed('timeout', []), 'errored'],
    ['a reset before any content', failed('reset', []), 'errored'],
    ['a stream that ended before COMPLETED, no content', failed('incomplete_stream', []), 'incomplete'],
    ['a stream that ended before COMPLETED, after content', failed('incomplete_stream', [50]), 'incomplete'],
    ['a timeout mid-answer', failed('timeout', [50, 60]), 'incomplete'],
    ['a reset mid-answer', failed('reset', [50]), 'incomplete'],
  ])('%s', (_, r, want) => expect(failureClass(r)).toBe(want));
});

describe('FailureStats', () => {
  it('counts and times each class apart; a split over threads merges to the same summary', () => {
    const records = [
      failed('http_5xx', [], 10),
      failed('http_5xx', [], 30),
      failed('timeout', [40], 900),
      failed('incomplete_stream', [], 70),
      failed('flow_error', [20], 200),
      result({ latencyMs: 5 }),
    ];
    const one = new FailureStats();
    records.forEach((r) => one.add(r));
    const s = one.summary();
    expect(s.errored).toMatchObject({ requests: 3, latencyMs: { count: 3, min: 10, max: 200 }, ttftMs: { count: 1, min: 20, max: 20 } });
    expect(s.incomplete).toMatchObject({ requests: 2, latencyMs: { count: 2, min: 70, max: 900 }, ttftMs: { count: 1, min: 40 } });
    const main = new FailureStats();
    for (const part of [records.slice(0, 2), records.slice(2)]) {
      const thread = new FailureStats();
      part.forEach((r) => thread.add(r));
      main.merge(structuredClone(thread.take()));
      expect(thread.summary().errored.requests).toBe(0);
    }
    expect(main.summary()).toEqual(s);
    expect(new FailureStats().summary()).toEqual({
      errored: { requests: 0, latencyMs: null, ttftMs: null },
      incomplete: { requests: 0, latencyMs: null, ttftMs: null },
    });
  });
});
