// A worker's record crosses as JSON text and its results.jsonl line reuses that text: the line must be
// byte for byte what JSON.stringify writes for the record as the runner leaves it.
import { describe, expect, it } from 'vitest';
import { recordFromText, recordLine } from '../../src/worker/record-text.js';
import type { ResultRecord } from '../../src/worker/messages.js';

const base = (): ResultRecord => ({
  variant: 'draft', row: 7, iteration: 1, attempts: 2, retriedOn: ['http_429'], runId: 'r-1', ok: true, error: null,
  scheduledAt: '2026-11-29T00:00:00.000Z', startedAt: '2026-11-29T00:00:00.001Z', ttfbMs: 1.5, ttftMs: 2.25, latencyMs: 3.125,
  queueMs: 0.004, inputs: { 'in-0': 'héllo "wörld" 😀\n' }, expected: null, output: '日本語', grades: [{ name: 'g', pass: true, score: 1 }] as ResultRecord['grades'],
  pass: true, score: 1, metadata: { usage: [1, 2] }, feedback: null,
  timestamps: { scheduled: 1, sent: 1.001, firstByte: 2.5, contentFrames: [3.25, 4.5], end: 4.125 },
});

describe('recordLine', () => {
  it('equals JSON.stringify after the runner adds its fields, in the order it adds them', () => {
    for (const mutate of [
      (r: ResultRecord) => { r.sendLagMs = 0.25; r.delayed = true; r.outputTokens = { count: 3, source: 'estimate' }; r.step = 2; },
      (r: ResultRecord) => { r.sendLagMs = 0; r.outputTokens = { count: 1, source: 'metadata' }; r.warmup = true; },
      (r: ResultRecord) => { r.sendLagMs = 1.5; },
    ]) {
      const r = recordFromText(JSON.stringify(base()));
      expect(r).toEqual(base());
      mutate(r);
      expect(recordLine(r)).toBe(JSON.stringify(r));
    }
  });

  it('serializes a copy whole (the feedback poster sets feedback on a copy) and a record that never was text', () => {
    const r = recordFromText(JSON.stringify(base()));
    r.sendLagMs = 0;
    const copy = { ...r, feedback: { posted: true, text: 'PASS', error: null } };
    expect(recordLine(copy)).toBe(JSON.stringify(copy));
    expect(JSON.parse(recordLine(copy)).feedback.text).toBe('PASS');
    const plain = base();
    expect(recordLine(plain)).toBe(JSON.stringify(plain));
  });
});
