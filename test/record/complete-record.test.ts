// completeRecord applies a request's envelope and its tokens as the runner always has: same fields, values and key order.
import { describe, expect, it } from 'vitest';
import { completeRecord } from '../../src/record/complete-record.js';
import type { RecordEnvelope, ResultRecord } from '../../src/record/result-record.js';
import { baseRecord } from '../helpers/records.js';

function record(over: Partial<ResultRecord> = {}): ResultRecord {
  return baseRecord({ output: 'x'.repeat(40), ...over });
}

const env = (over: Partial<RecordEnvelope> = {}): RecordEnvelope => ({ variant: 0, step: null, warmup: false, sendLagMs: 0, delayed: false, ...over });
const added = (r: ResultRecord) => Object.keys(r).slice(Object.keys(record()).length);
const counted = { outputTokens: { count: 10, source: 'tokenizer' as const } };

describe('completeRecord', () => {
  it('rounds the send lag to the µs and sets the tokens it is given', () => {
    const r = record();
    expect(completeRecord(r, env({ sendLagMs: 1.23456789 }), counted)).toBe(r);
    expect(r.sendLagMs).toBe(1.235);
    expect(r.outputTokens).toEqual({ count: 10, source: 'tokenizer' });
    expect(added(r)).toEqual(['sendLagMs', 'outputTokens']);
  });
  it('output tokens, then input tokens when reported', () => {
    const r = completeRecord(record(), env(), { outputTokens: { count: 7, source: 'metadata' }, inputTokens: { count: 30, source: 'metadata' } });
    expect(r).toMatchObject({ outputTokens: { count: 7, source: 'metadata' }, inputTokens: { count: 30, source: 'metadata' } });
    expect(added(r)).toEqual(['sendLagMs', 'outputTokens', 'inputTokens']);
  });
  it('a failure has no tokens', () => {
    const r = completeRecord(record({ ok: false, error: { kind: 'timeout', message: 't', status: null } }), env(), {});
    expect(r.outputTokens).toBeUndefined();
    expect(added(r)).toEqual(['sendLagMs']);
  });
  it('delayed, warm-up and step only when set, in the order results.jsonl has them', () => {
    const r = completeRecord(record(), env({ delayed: true, step: 2 }), counted);
    expect(added(r)).toEqual(['sendLagMs', 'delayed', 'outputTokens', 'step']);
    expect(r).toMatchObject({ delayed: true, step: 2 });
    expect('warmup' in r).toBe(false);
    const w = completeRecord(record(), env({ warmup: true }), counted);
    expect(added(w)).toEqual(['sendLagMs', 'outputTokens', 'warmup']);
    expect(w.warmup).toBe(true);
    const s0 = completeRecord(record(), env({ step: 0 }), counted);
    expect(s0.step).toBe(0);
  });
  it('the same JSON tail as the runner wrote (collect.ts set these fields in this order)', () => {
    const r = completeRecord(record(), env({ sendLagMs: 0.0004, delayed: true, step: 1 }), counted);
    expect(JSON.stringify(r)).toMatch(/"sendLagMs":0,"delayed":true,"outputTokens":\{"count":10,"source":"tokenizer"\},"step":1\}$/);
  });
});
