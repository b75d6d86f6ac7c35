// The token thread counts what its clients hand it (one message per batch), each client over its own port;
// a client whose thread has ended falls back to the old estimate, marked so, and never hangs.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { RecordTokens } from '../../src/metrics/output-tokens.js';
import { startTokenThread, TokenClient } from '../../src/metrics/token-thread.js';

const answer = (output: string, metadata: unknown = null) => ({ ok: true, output, metadata });
const later = (client: TokenClient, r: ReturnType<typeof answer>) =>
  new Promise<RecordTokens>((resolve) => {
    const now = client.tokensOf(r, resolve);
    if (now !== undefined) resolve(now);
  });

describe('token thread', () => {
  it('counts with o200k off this thread, reported usage at once, through any number of ports', async () => {
    const t = startTokenThread({ stallMs: 20, preload: false }, { inputTokens: 'usage.prompt_tokens' });
    await t.ready;
    const texts = ['Hello world', 'Your order shipped on Tuesday, café crème 日本.', 'a <|endoftext|> b', ''];
    let calledBack = false;
    const reported = t.client.tokensOf(answer('x', { llm_usage: [{ output_tokens: 3 }] }), () => (calledBack = true));
    expect(reported).toEqual({ outputTokens: { count: 3, source: 'metadata' } });
    const counted = await Promise.all(texts.map((s) => later(t.client, answer(s, { usage: { prompt_tokens: 4 } }))));
    expect(counted.map((c) => c.outputTokens)).toEqual(texts.map((s) => ({ count: countTokens(s, { disallowedSpecial: new Set() }), source: 'tokenizer' })));
    expect(counted.every((c) => c.inputTokens?.count === 4)).toBe(true);
    expect(calledBack).toBe(false);

    // A second user (a request thread, in a run) with its own port, flushing when it chooses.
    const other = new TokenClient(t.connect(), {}, 'manual');
    const waiting = later(other, answer('Hello world'));
    other.flush();
    expect((await waiting).outputTokens).toEqual({ count: 2, source: 'tokenizer' });
    await other.idle();
    other.close();

    const watches = await t.close();
    expect(watches).toHaveLength(1);
    expect(watches[0]).toMatchObject({ role: 'tokens' });
  });

  it('a client whose thread ended gets the old estimate, marked estimate', async () => {
    const t = startTokenThread({ stallMs: 20, preload: false }, {});
    await t.ready;
    const other = new TokenClient(t.connect(), {}, 'manual');
    await t.close(); // ends the thread: the other client's port closes
    await new Promise((r) => setTimeout(r, 50));
    const r = await later(other, answer('x'.repeat(40)));
    expect(r.outputTokens).toEqual({ count: 10, source: 'estimate' });
    await other.idle();
  });

  it('a run closed cleanly leaves its thread to the next, which begins afresh: its own watch and ports', async () => {
    const first = startTokenThread({ stallMs: 20, preload: true }, {});
    await first.ready;
    const firstPort = new TokenClient(first.connect(), {}, 'manual');
    const [w1] = await first.close();
    const secondStart = performance.now();
    const second = startTokenThread({ stallMs: 20, preload: true }, {});
    const third = startTokenThread({ stallMs: 20, preload: false }, {}); // none kept for it: a new thread
    await Promise.all([second.ready, third.ready]);
    expect((await later(second.client, answer('Hello world'))).outputTokens).toEqual({ count: 2, source: 'tokenizer' });
    // The first run's port was closed with it, not handed on.
    expect((await later(firstPort, answer('x'.repeat(40)))).outputTokens).toEqual({ count: 10, source: 'estimate' });
    const [w2] = await second.close();
    const [w3] = await third.close();
    expect(w2!.threadId).toBe(w1!.threadId);
    expect(w3!.threadId).not.toBe(w1!.threadId);
    // The second run's figures are its own: measured from its begin, not from the thread's start.
    expect(w2!.measuredMs).toBeLessThanOrEqual(performance.now() - secondStart + 1);
  });
});
