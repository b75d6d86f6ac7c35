import { describe, expect, it } from 'vitest';
import { levenshteinSimilarity, rougeL, tokenF1, tokens } from '../../src/grade/similarity.js';
import { levenshtein } from '../../src/text/edit-distance.js';
import { findJson, parseJsonPath } from '../../src/grade/json-output.js';
import { firstNumber } from '../../src/grade/number-grader.js';
import { readVerdict } from '../../src/grade/judge-grader.js';

describe('similarity measures', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['Zürich', 'Zurich', 1],
    ['😀a', '😀b', 1], // code points, not UTF-16 units
  ])('levenshtein(%s, %s) = %d', (a, b, d) => expect(levenshtein(a, b)).toBe(d));

  it('normalised forms', () => {
    expect(levenshteinSimilarity('  Hello   World ', 'hello world')).toBe(1);
    expect(levenshteinSimilarity('', '')).toBe(1);
    expect(tokens('Grüße, 日本 x2!')).toEqual(['grüße', '日本', 'x2']);
    expect(tokenF1('the cat sat', 'the cat sat on the mat')).toBeCloseTo((2 * 1 * 0.5) / 1.5);
    expect(rougeL('police killed the gunman', 'the gunman was killed by police')).toBeCloseTo((2 * 0.5 * (2 / 6)) / (0.5 + 2 / 6));
    expect(rougeL('', 'x')).toBe(0);
  });
});

describe('reading JSON, numbers and judge verdicts', () => {
  it.each([
    ['$', []],
    ['a.b.0', ['a', 'b', 0]],
    ['$.a[2]["x y"]', ['a', 2, 'x y']],
    ["$['é']", ['é']],
    ['a..b', null],
    ['a[', null],
  ])('parseJsonPath(%s)', (p, steps) => expect(parseJsonPath(p)).toEqual(steps));

  it('findJson: strict names the embedded JSON, extract uses it', () => {
    const text = 'Answer: {"a": "}"} done';
    const strict = findJson(text, false);
    expect(strict.ok).toBe(false);
    expect(!strict.ok && strict.reason).toMatch(/holds JSON at character 8/);
    expect(findJson(text, true)).toEqual({ ok: true, value: { a: '}' }, inside: true });
    expect(findJson('[1, 2]', false)).toEqual({ ok: true, value: [1, 2], inside: false });
  });

  it.each([
    ['Refunds in 5 to 7 days', 5],
    ['total: 1,234.50 EUR', 1234.5],
    ['v2 then 42', 42],
    ['order BC-1040: 2 items', 2],
    ['from -3 to 4', -3],
    ['.5 liters', 0.5],
    ['1e3 items', 1000],
    ['none', null],
  ])('firstNumber(%s)', (s, n) => expect(firstNumber(s)).toBe(n));

  it('judge verdicts by regex and by JSON path', () => {
    expect(readVerdict('Score: 8/10. Good.', {})).toEqual({ score: 8, reason: null });
    expect(readVerdict('Rating=4 of 5', { score_regex: 'Rating=(\\d)' })).toEqual({ score: 4, reason: null });
    expect(readVerdict('Sure: {"score": 0.7, "why": "close"}', { score_path: '$.score', reason_path: 'why' })).toEqual({ score: 0.7, reason: 'close' });
    expect(readVerdict('no idea', {})).toHaveProperty('error');
    expect(readVerdict('{"score": "high"}', { score_path: 'score' })).toHaveProperty('error');
  });
});

describe('bounded work on hostile outputs', () => {
  it('a long answer of unbalanced brackets is refused quickly', () => {
    const t0 = performance.now();
    expect(findJson('{'.repeat(200_000), true).ok).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000); // generous: without the cap the scan is quadratic (~2e10 steps here)
  });
});
