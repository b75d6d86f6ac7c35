import { describe, expect, it } from 'vitest';
import { closestKey, unknownKeyHint } from '../../src/text/closest-key.js';
import { levenshtein } from '../../src/text/edit-distance.js';
import { parseDuration } from '../../src/text/duration.js';
import { expandEnv } from '../../src/suite/env-expand.js';

describe('parseDuration', () => {
  it.each([
    ['60s', 60_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['90', 90_000],
    [' 5s ', 5000],
    [30, 30_000],
    [0.25, 250],
    ['0s', 0],
  ] as const)('%s -> %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', 'soon', '10 minutes', '5 s', '-1s', 's', '1d', '1sm', '60S'])('%j is not a duration', (input) => {
    expect(parseDuration(input)).toBeNull();
  });
  it.each([-1, Number.NaN, Infinity])('%d is not a duration', (n) => expect(parseDuration(n)).toBeNull());
});

describe('expandEnv', () => {
  const env = { A: 'x', EMPTY: '' };
  it.each([
    ['plain', 'plain', false],
    ['${A}', 'x', true],
    ['a-${A}-b', 'a-x-b', true],
    ['${B:-dflt}', 'dflt', true],
    ['${A:-dflt}', 'x', true],
    ['${EMPTY:-dflt}', 'dflt', true],
    ['${EMPTY}', '', true],
    ['${B:-}', '', true],
    ['$${A}', '${A}', false],
    ['${ not a ref', '${ not a ref', false],
    ['${A}${B:-y}', 'xy', true],
  ])('%j -> %j', (text, value, expanded) => {
    expect(expandEnv(text, env)).toEqual({ ok: true, value, expanded });
  });
  it('an unset ${VAR} without a default names the variable', () => {
    expect(expandEnv('k=${MISSING}', env)).toEqual({ ok: false, variable: 'MISSING' });
  });
});

describe('closest key', () => {
  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['concurency', 'concurrency', 1],
    ['same', 'same', 0],
  ])('levenshtein(%j, %j) = %d', (a, b, d) => expect(levenshtein(a, b)).toBe(d));

  const known = ['concurrency', 'iterations', 'duration', 'rate', 'timeout', 'retries'];
  it.each([
    ['concurency', 'concurrency'],
    ['Concurrency', 'concurrency'],
    ['iteration', 'iterations'],
    ['retry', 'retries'],
    ['timout', 'timeout'],
    ['zzzzzzzzzzzz', null],
  ])('%s -> %s', (key, near) => expect(closestKey(key, known)).toBe(near));

  it('the hint always lists the known keys', () => {
    expect(unknownKeyHint('ratee', known)).toBe(`did you mean 'rate'? (known keys here: ${known.join(', ')})`);
    expect(unknownKeyHint('qqqqqqqqqq', known)).toBe(`known keys here: ${known.join(', ')}`);
  });
});
