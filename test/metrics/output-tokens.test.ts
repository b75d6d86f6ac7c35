// Where a record's tokens come from: the suite's metadata path, else llm_usage, else (output only) the o200k
// tokenizer, whose count is gpt-tokenizer's own. And the stats read old 'estimate' records beside new ones.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countedTokens, reportedCount, reportedTokens } from '../../src/metrics/output-tokens.js';
import { StreamStats } from '../../src/metrics/stream-stats.js';
import { loadTokenCounter } from '../../src/metrics/tokenizer.js';
import { baseRecord } from '../helpers/records.js';

const OUTPUT = 'Your order #4411 shipped on Tuesday: café crème, 日本茶 and a <|endoftext|> sticker.';
const answer = (metadata: unknown, over: Partial<{ ok: boolean; output: string }> = {}) => ({ ok: true, output: OUTPUT, metadata, ...over });
const usage = {
  usage: { completion_tokens: 17, prompt_tokens: 9 },
  llm_usage: [{ output_tokens: 20, input_tokens: 30 }, { output_tokens: 2 }],
  total_tokens: 61,
};

describe('reported counts', () => {
  it.each([
    ['usage.completion_tokens', 'output_tokens', 17], // the path wins over llm_usage
    ['total_tokens', 'output_tokens', 61],
    ['usage.missing', 'output_tokens', 22], // absent at the path: llm_usage summed
    [null, 'output_tokens', 22],
    ['usage.prompt_tokens', 'input_tokens', 9],
    [null, 'input_tokens', 30],
    ['llm_usage.1.output_tokens', 'output_tokens', 2], // the same dotted paths as metadata.fields
  ] as const)('path %s, %s -> %d', (path, key, want) => {
    expect(reportedCount(usage, path, key)).toBe(want);
  });
  it.each([
    [{ usage: { completion_tokens: '17' } }], // text is not a count
    [{ usage: { completion_tokens: -1 } }],
    [{ usage: null }],
    [null],
    ['text'],
  ])('%j reports nothing', (meta) => {
    expect(reportedCount(meta, 'usage.completion_tokens', 'output_tokens')).toBeNull();
  });
});

describe('reportedTokens / countedTokens', () => {
  const paths = { outputTokens: 'usage.completion_tokens', inputTokens: 'usage.prompt_tokens' };
  it('reported usage needs no tokenizer', () => {
    expect(reportedTokens(answer(usage), paths)).toEqual({ outputTokens: { count: 17, source: 'metadata' }, inputTokens: { count: 9, source: 'metadata' } });
    expect(reportedTokens(answer(usage), {})).toEqual({ outputTokens: { count: 22, source: 'metadata' }, inputTokens: { count: 30, source: 'metadata' } });
  });
  it('a failure has no tokens; an empty answer is 0 without counting', () => {
    expect(reportedTokens(answer(null, { ok: false }), paths)).toEqual({});
    expect(reportedTokens(answer(null, { output: '' }), paths)).toEqual({ outputTokens: { count: 0, source: 'tokenizer' } });
  });
  it('without reported output tokens, the tokenizer counts the output; input tokens still as reported', async () => {
    const only = { usage: { prompt_tokens: 9 } };
    expect(reportedTokens(answer(only), paths)).toBeNull();
    const count = await loadTokenCounter();
    const t = countedTokens(answer(only), paths, count);
    expect(t).toEqual({
      outputTokens: { count: countTokens(OUTPUT, { disallowedSpecial: new Set() }), source: 'tokenizer' },
      inputTokens: { count: 9, source: 'metadata' },
    });
    expect(
      countedTokens(answer(usage), paths, () => {
        throw new Error('not called');
      }).outputTokens,
    ).toEqual({ count: 17, source: 'metadata' });
  });
});

describe('the tokenizer', () => {
  it('is gpt-tokenizer o200k, counts special-token text as text, and keeps counting across cache clears', async () => {
    const count = await loadTokenCounter();
    expect(count('Hello world')).toBe(2);
    expect(count('a <|endoftext|> b')).toBe(9);
    const long = 'Refunds reach your original payment method within 5 to 7 business days. '.repeat(2000); // 146,000 chars
    const want = countTokens(long);
    for (let i = 0; i < 4; i++) expect(count(long)).toBe(want); // the 400,000-character clear falls in here
    expect(await loadTokenCounter()).toBe(count); // loaded once per thread
  });
});

describe('stream stats sources', () => {
  it('counts metadata, tokenizer and, from old results, estimate', () => {
    const base = baseRecord({
      ttfbMs: null,
      ttftMs: 10,
      latencyMs: 100,
      output: 'x'.repeat(40),
      timestamps: { scheduled: 0, sent: 0, firstByte: null, contentFrames: [10], end: 100 },
    });
    const a = new StreamStats();
    a.add({ ...base, outputTokens: { count: 5, source: 'tokenizer' } });
    a.add({ ...base, outputTokens: { count: 5, source: 'metadata' } });
    const b = new StreamStats();
    b.add({ ...base, outputTokens: { count: 10, source: 'estimate' } }); // a line written by an older flowbench
    b.add({ ...base, outputTokens: { count: 5, source: 'tokenizer' } });
    expect(b.summary(1).outputTokensSource).toEqual({ metadata: 0, tokenizer: 1, estimate: 1 });
    a.merge(b.take());
    expect(a.summary(1).outputTokensSource).toEqual({ metadata: 1, tokenizer: 2, estimate: 1 });
    expect(new StreamStats().summary(1).outputTokensSource).toEqual({ metadata: 0, tokenizer: 0 });
  });
});
