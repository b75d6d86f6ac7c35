// A hostile answer (one enormous word) is counted in linear time; ordinary text is counted whole, exactly.
import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countingPieces, loadTokenCounter } from '../../src/metrics/tokenizer.js';

describe('token counter', () => {
  it('counts ordinary text whole, exactly as o200k does', async () => {
    const count = await loadTokenCounter();
    const text = 'The refund is processed within 5 business days. '.repeat(40);
    expect(countingPieces(text)).toEqual([text]);
    expect(count(text)).toBe(countTokens(text));
  });

  it('cuts a run of 1,000+ non-space characters into 1,000-character pieces that add back up to the text', () => {
    const text = `start ${'x'.repeat(2500)} end`;
    const pieces = countingPieces(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.map((p) => p.length)).toEqual([1006, 1000, 504]);
  });

  it('a 200,000-character word is counted in bounded time (it took minutes before: merging is quadratic in a word)', async () => {
    const count = await loadTokenCounter();
    const word = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
    const t0 = performance.now();
    const n = count(word);
    expect(performance.now() - t0).toBeLessThan(20_000); // generous: about 0.3 s on a quiet machine
    expect(n).toBeGreaterThan(200_000 / 20);
  });
});
