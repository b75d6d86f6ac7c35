import { describe, expect, it } from 'vitest';
import { classifyRunBody } from '../../src/stackai/run-response.js';

const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    outputs: { 'out-0': 'Hello' },
    citations: null,
    run_id: 'ccd0',
    metadata: null,
    progress_data: null,
    state: 'COMPLETED',
    pause: null,
    error: null,
    ...over,
  });

describe('classifyRunBody', () => {
  it.each([
    ['COMPLETED with null error and pause', body(), { ok: true, error: null, runId: 'ccd0', outputs: { 'out-0': 'Hello' }, frames: 1 }],
    ['non-string outputs become JSON', body({ outputs: { a: { x: 1 }, b: [1], c: 2, d: null } }), { ok: true, outputs: { a: '{"x":1}', b: '[1]', c: '2' } }],
  ])('%s', (_name, text, want) => {
    expect(classifyRunBody(text)).toMatchObject(want);
  });

  it.each([
    ['state FAILED', body({ state: 'FAILED' }), 'flow_error'],
    ['error set with state COMPLETED', body({ error: 'node crashed' }), 'flow_error'],
    ['state CANCELLED', body({ state: 'CANCELLED' }), 'flow_error'],
    ['pause set', body({ pause: { node: 'human' } }), 'paused'],
    ['state PAUSED', body({ state: 'PAUSED' }), 'paused'],
    ['state PENDING', body({ state: 'PENDING' }), 'incomplete_stream'],
    ['state null', body({ state: null }), 'incomplete_stream'],
    ['unknown state', body({ state: 'WEIRD' }), 'protocol'],
    ['not JSON', '<html>oops</html>', 'protocol'],
    ['not an object', '[1,2,3]', 'protocol'],
  ])('%s is %s, outputs kept', (_name, text, kind) => {
    const r = classifyRunBody(text);
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe(kind);
    if (kind !== 'protocol') expect(r.outputs).toEqual({ 'out-0': 'Hello' });
  });

  it('puts the flow error text in the message', () => {
    expect(classifyRunBody(body({ state: 'FAILED', error: 'LLM timeout' })).error?.message).toBe('flow state FAILED: LLM timeout');
  });
});
