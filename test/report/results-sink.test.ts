// The results.jsonl writer encodes each line into one batch buffer: whole lines only, in order, any
// UTF-8, a line longer than the buffer written on its own, and a flush whenever the next line might
// not fit.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/report/output-error.js';
import { ResultsSink } from '../../src/report/results-sink.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { tempDir } from '../helpers/cli.js';

const rec = (row: number, output: string) => ({ variant: 'v', row, iteration: 0, attempts: 1, ok: true, error: null, output }) as ResultRecord;
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ResultRecord);

describe('ResultsSink', () => {
  it('keeps multi-byte text intact across batches', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const sink = new ResultsSink(file, { maxLines: 2, maxBytes: 4096, maxDelayMs: 10_000 });
    const texts = ['héllo wörld', '日本語のテキスト', 'emoji 😀🚀 and a "quote"\nnewline', 'plain'];
    texts.forEach((t, i) => sink.write(rec(i, t)));
    await sink.close();
    expect(lines(file).map((r) => r.output)).toEqual(texts);
  });

  it('flushes before a line that might not fit, so the file only ever holds whole lines', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const sink = new ResultsSink(file, { maxLines: 1000, maxBytes: 600, maxDelayMs: 10_000 });
    const text = 'x'.repeat(80); // each line ~160 bytes; the 3-bytes-a-unit bound makes room for ~one more
    sink.write(rec(0, text));
    expect(readFileSync(file, 'utf8')).toBe('');
    sink.write(rec(1, text)); // might not fit: the first line goes out first
    expect(lines(file).map((r) => r.row)).toEqual([0]);
    sink.write(rec(2, text));
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(lines(file).map((r) => r.row)).toEqual([0, 1]);
    await sink.close();
    expect(lines(file).map((r) => r.row)).toEqual([0, 1, 2]);
  });

  it('writes a line longer than its whole buffer on its own, after the lines before it', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const sink = new ResultsSink(file, { maxLines: 1000, maxBytes: 256, maxDelayMs: 10_000 });
    sink.write(rec(0, 'short'));
    sink.write(rec(1, 'ü'.repeat(5000)));
    expect(lines(file).map((r) => r.row)).toEqual([0, 1]);
    expect(lines(file)[1]!.output).toBe('ü'.repeat(5000));
    sink.write(rec(2, 'after'));
    await sink.close();
    expect(lines(file).map((r) => r.output)).toEqual(['short', 'ü'.repeat(5000), 'after']);
  });

  it('flushes a lone line after maxDelayMs', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const sink = new ResultsSink(file, { maxLines: 1000, maxDelayMs: 20 });
    sink.write(rec(0, 'soon'));
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise((r) => setTimeout(r, 80));
    expect(lines(file).map((r) => r.output)).toEqual(['soon']);
    await sink.close();
  });

  it.skipIf(!existsSync('/dev/full'))('a failed write (disk full) is reported once, never thrown at the writer; close() rejects with it', async () => {
    const file = join(tempDir(), 'results.jsonl');
    symlinkSync('/dev/full', file); // every write fails with ENOSPC
    const seen: OutputError[] = [];
    const sink = new ResultsSink(file, { maxLines: 2, maxDelayMs: 10_000, onError: (e) => seen.push(e) });
    sink.write(rec(0, 'a'));
    sink.write(rec(1, 'b')); // the batch is flushed: the write fails
    expect(() => sink.write(rec(2, 'c'))).not.toThrow();
    sink.writeText('{"row":3}\n{"row":4}\n', 2);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(OutputError);
    expect(seen[0]!.code).toBe('ENOSPC');
    expect(seen[0]!.message).toBe(`cannot write ${file}: ENOSPC (no space left on device)`);
    expect(sink.lost).toBe(5);
    await expect(sink.close()).rejects.toBe(seen[0]);
  });

  it('a file that cannot be opened is an OutputError naming it', () => {
    const file = join(tempDir(), 'missing-folder', 'results.jsonl');
    expect(() => new ResultsSink(file)).toThrow(OutputError);
    expect(() => new ResultsSink(file)).toThrow(/cannot write .*missing-folder\/results\.jsonl: ENOENT \(no such file or directory\)/);
  });
});
