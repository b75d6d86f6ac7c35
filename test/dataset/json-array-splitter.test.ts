import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../src/dataset/json-array-splitter.js';

/** Feeds `text` in pieces of `size` characters; returns every element text with its line. */
function split(text: string, size: number): { text: string; line: number }[] {
  const s = new JsonArraySplitter();
  const out: { text: string; line: number }[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  s.end();
  return out.map((e) => ({ text: e.text.trim(), line: e.line }));
}

describe('JsonArraySplitter', () => {
  const text = '[\n {"a": "x,]}\\"{["},\n 12 ,\n "s,]" , [1,[2]],\n {"b":\n  {"c": "\\\\"}}\n]';
  const expected = [
    { text: '{"a": "x,]}\\"{["}', line: 2 },
    { text: '12', line: 3 },
    { text: '"s,]"', line: 4 },
    { text: '[1,[2]]', line: 4 },
    { text: '{"b":\n  {"c": "\\\\"}}', line: 5 },
  ];
  it.each([1, 2, 3, 5, 7, 1000])('gives the same elements whatever the chunk size (%d)', (size) => {
    expect(split(text, size)).toEqual(expected);
    for (const e of expected) expect(() => JSON.parse(e.text) as unknown).not.toThrow();
  });
});
