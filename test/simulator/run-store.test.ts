// The run store stays bounded and its repeat counters count per key.
import { describe, expect, it } from 'vitest';
import { RunStore, type KeptRun } from '../../src/simulator/run-store.js';

const run = (runId: string): KeptRun => ({
  runId,
  orgId: 'o',
  flowId: 'f',
  mode: 'run',
  version: 1,
  draft: false,
  inputs: {},
  outputs: {},
  state: 'COMPLETED',
  error: null,
  correct: true,
  latencyMs: 1,
  inputTokens: 1,
  outputTokens: 1,
  modelId: 'm',
  createdAt: '',
  takenUpAt: 0,
  feedback: [],
});

describe('RunStore', () => {
  it('keeps the latest runs and drops the oldest', () => {
    const store = new RunStore(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.add(run(id));
    expect(store.size).toBe(3);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeUndefined();
    expect(store.get('e')?.runId).toBe('e');
  });

  it('counts repeats per key, bounded too', () => {
    const store = new RunStore(2);
    expect([store.nextCounter('x'), store.nextCounter('x'), store.nextCounter('y'), store.nextCounter('x')]).toEqual([0, 1, 0, 2]);
    store.nextCounter('z');
    // 'y' was the least recently used key: forgotten, so it starts over.
    expect(store.nextCounter('y')).toBe(0);
  });
});
