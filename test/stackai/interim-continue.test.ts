// The 100 Continue filter, byte by byte: a 100 head at the start of a response is dropped however the
// chunks split it; anything else (a 200, a 103 undici skips itself, a body) passes untouched.
import { describe, expect, it } from 'vitest';
import { ContinueStripper } from '../../src/stackai/interim-continue.js';

const FINAL = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** Feeds `text` to a fresh stripper in pieces of `size` bytes (after one write); returns what passed. */
function through(text: string, size: number): string {
  const s = new ContinueStripper();
  s.wrote();
  const bytes = Buffer.from(text, 'latin1');
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += s.take(bytes.subarray(i, i + size)).toString('latin1');
  return out + (s.end()?.toString('latin1') ?? '');
}

describe('ContinueStripper', () => {
  const cases: Array<[string, string, string]> = [
    ['a plain response', FINAL, FINAL],
    ['a 100 before the response', CONTINUE + FINAL, FINAL],
    ['two 100s, HTTP/1.0, no reason phrase', `${CONTINUE}HTTP/1.0 100\r\n\r\n${FINAL}`, FINAL],
    ['a 103 is left to undici', `HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${FINAL}`, `HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${FINAL}`],
    ['a 1000 status is not a 100', 'HTTP/1.1 1000 X\r\n\r\n', 'HTTP/1.1 1000 X\r\n\r\n'],
    ['a 100 cut off at EOF is handed on for undici to judge', 'HTTP/1.1 100 Contin', 'HTTP/1.1 100 Contin'],
  ];
  for (const [name, input, expected] of cases) {
    it.each([1, 3, 7, 1000])(`${name} (chunks of %i bytes)`, (size) => {
      expect(through(input, size)).toBe(expected);
    });
  }

  it('looks only at the start of a response: a body that reads like a 100 head passes', () => {
    const s = new ContinueStripper();
    s.wrote();
    expect(s.take(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n')).length).toBeGreaterThan(0);
    expect(s.take(Buffer.from(CONTINUE)).toString()).toBe(CONTINUE);
    s.wrote(); // the next request
    expect(s.take(Buffer.from(CONTINUE + FINAL)).toString()).toBe(FINAL);
  });
});
