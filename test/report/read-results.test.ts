// The line reader under every report writer: lines split across read chunks (and inside a multi-byte
// character), CRLF endings, a last line without a newline; and readResults' handling of a torn last line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/report/read-results.js';
import { fileLines } from '../../src/text/file-lines.js';
import { tempDir } from '../helpers/cli.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('fileLines', () => {
  it('gives every line back whole, whatever the chunk boundaries', async () => {
    const dir = tempDir();
    // 300 KB of lines with multi-byte characters: the 256 KB read chunks split lines and characters.
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'é€😀'.repeat(i % 40)} ${'x'.repeat(i % 97)}`);
    writeFileSync(join(dir, 'a.txt'), `${lines.join('\n')}\n`);
    expect(await all(fileLines(join(dir, 'a.txt')))).toEqual(lines);
  });
  it('strips CRLF, keeps empty lines, and yields a last line that has no newline', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.txt'), 'one\r\n\r\ntwo\nthree');
    expect(await all(fileLines(join(dir, 'b.txt')))).toEqual(['one', '', 'two', 'three']);
    writeFileSync(join(dir, 'c.txt'), '');
    expect(await all(fileLines(join(dir, 'c.txt')))).toEqual([]);
  });
  it('reads a line thousands of chunks long in time linear in its length', async () => {
    const dir = tempDir();
    // 6 MB in one line read 1 KB at a time: ~6,000 chunks. Re-searching the line so far for every chunk
    // (the old reader) scans ~18 GB here; the bound below is generous for a busy machine, not a benchmark.
    const long = `${'é€😀 "quoted" \\ '.repeat((6 * 1024 * 1024) / 24)}\r`;
    writeFileSync(join(dir, 'long.txt'), `short\r\n${long}\nafter\r\n😀`);
    const t0 = performance.now();
    const lines = await all(fileLines(join(dir, 'long.txt'), 1024));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('short');
    expect(lines[1] === long.slice(0, -1)).toBe(true); // not toBe: a failure would print 6 MB
    expect(lines.slice(2)).toEqual(['after', '😀']);
  }, 30_000);
});

describe('readResults', () => {
  it('skips a torn last line and refuses a bad line elsewhere with its line number', async () => {
    const dir = tempDir();
    const rec = JSON.stringify({ variant: 'a', row: 0 });
    writeFileSync(join(dir, 'torn.jsonl'), `${rec}\n${rec}\n{"variant":"a","ro`);
    expect(await all(readResults(join(dir, 'torn.jsonl')))).toHaveLength(2);
    writeFileSync(join(dir, 'bad.jsonl'), `${rec}\n{oops\n${rec}\n`);
    await expect(all(readResults(join(dir, 'bad.jsonl')))).rejects.toMatchObject({ line: 2 });
  });
});
