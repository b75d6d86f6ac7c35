// The simulator's memory of conversations (flows YAML `memory:`): what it remembers per user_id, the answers
// that depend on an earlier turn, the TTFT that grows with the history, and the flows file's checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { ConversationMemory, recallAnswer } from '../../src/simulator/conversation-memory.js';
import { loadFlows } from '../../src/simulator/flows.js';
import { resolveVariant } from '../../src/simulator/resolve-variant.js';
import { planResponse } from '../../src/simulator/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-sim-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function flows(memory: string): string {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    `flows:\n  chat:\n    answers: echo\n${memory}    versions:\n      1: { quality: 1, progress_ms: 0, ttft_ms: 50, tokens_per_s: .inf, jitter: 0 }\n`,
  );
  return path;
}

describe('conversation memory', () => {
  it('remembers earlier inputs per flow and user, oldest first', () => {
    const m = new ConversationMemory();
    expect(m.recall('chat', 'u1', 'first')).toEqual([]);
    expect(m.recall('chat', 'u1', 'second')).toEqual(['first']);
    expect(m.recall('chat', 'u2', 'other')).toEqual([]);
    expect(m.recall('other-flow', 'u1', 'x')).toEqual([]);
    expect(m.recall('chat', 'u1', 'third')).toEqual(['first', 'second']);
  });

  it('answers questions about the conversation from it, and nothing else', () => {
    expect(recallAnswer('What did I ask before?', ['a', 'b'])).toBe('You asked: "b"');
    expect(recallAnswer('and my previous question?', ['a', 'b'])).toBe('You asked: "b"');
    expect(recallAnswer('What was my first question?', ['a', 'b'])).toBe('You asked: "a"');
    expect(recallAnswer('What did I ask before?', [])).toBe('You have not asked me anything before.');
    expect(recallAnswer('How do I get a refund?', ['a'])).toBeNull();
  });

  it('a flow with memory answers from the history and its TTFT grows per earlier turn', () => {
    const config = loadFlows(flows('    memory: { ttft_ms_per_turn: 30 }\n'));
    const flow = config.flows.get('chat')!;
    const variant = resolveVariant(flow, -1, false)!;
    const first = planResponse(1, flow, variant, { 'in-0': 'hello there' }, 0, []);
    const third = planResponse(1, flow, variant, { 'in-0': 'what did I ask before?' }, 0, ['hello there', 'and again']);
    expect(first.text).toBe('hello there');
    expect(first.chunks[0]!.at).toBe(50);
    expect(third.text).toBe('You asked: "and again"');
    expect(third.chunks[0]!.at).toBe(110);
    // Without memory the history changes nothing.
    const plain = loadFlows(flows('')).flows.get('chat')!;
    const p = planResponse(1, plain, resolveVariant(plain, -1, false)!, { 'in-0': 'what did I ask before?' }, 0, ['x']);
    expect([p.text, p.chunks[0]!.at]).toEqual(['what did I ask before?', 50]);
  });

  it('refuses a bad memory setting at its line', () => {
    const err = (() => {
      try {
        loadFlows(flows('    memory: { ttft_ms_per_trun: 5 }\n'));
      } catch (e) {
        return e as ConfigError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toContain('unknown key "ttft_ms_per_trun"');
    expect(err!.line).toBe(4);
  });
});
