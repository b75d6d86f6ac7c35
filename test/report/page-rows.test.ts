// The rows report.html embeds: chunked, repeated texts written once, long texts cut with their
// length kept, warm-ups left out, and every row back intact once its references are resolved.
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHUNK_RESULTS, readPageRows, TEXT_LIMITS, type RowsChunk } from '../../src/report/html/rows.js';
import { tempDir } from '../helpers/cli.js';
import { result, writeJsonl } from './fixtures.js';

describe('readPageRows', () => {
  it('splits results into gzip chunks, interns repeated texts once, and resolves back to the results', async () => {
    const dir = tempDir();
    const n = CHUNK_RESULTS * 2 + 5;
    const long = 'x'.repeat(TEXT_LIMITS.output + 500);
    const records = Array.from({ length: n }, (_, i) =>
      result({
        variant: i % 2 ? 'b' : 'a',
        row: Math.floor(i / 2),
        output: i === 7 ? long : `answer ${i}`,
        inputs: { 'in-0': `question ${Math.floor(i / 2) % 10}` },
        grades: [{ grader: 'contains', pass: i % 3 !== 0, score: i % 3 ? 1 : 0, reason: 'same reason every time' }],
      }),
    );
    writeJsonl(join(dir, 'results.jsonl'), [...records, result({ warmup: true, row: 999999 })]);
    const data = await readPageRows(join(dir, 'results.jsonl'), ['a', 'b']);
    expect(data.count).toBe(n);
    expect(data.warmups).toBe(1);
    expect(data.truncatedOutputs).toBe(1);
    expect(data.chunks).toHaveLength(3);
    const strings: string[] = [];
    const rows: unknown[][] = [];
    for (const c of data.chunks) {
      const chunk = JSON.parse(gunzipSync(Buffer.from(c, 'base64')).toString('utf8')) as RowsChunk;
      strings.push(...chunk.strings);
      rows.push(...chunk.rows);
    }
    expect(rows).toHaveLength(n);
    // Ten distinct questions, one reason, one grader name, one expected: each stored once.
    expect(strings.filter((s) => s === 'same reason every time')).toHaveLength(1);
    expect(strings.filter((s) => s.startsWith('in-0: question'))).toHaveLength(10);
    const text = (x: unknown) => (typeof x === 'number' ? strings[x] : x);
    // Sampled (every expect costs time): a row in 97, the long output, and the last row.
    const sample = [...Array.from({ length: Math.ceil(n / 97) }, (_, k) => k * 97), 7, n - 1];
    for (const i of sample) {
      const r = rows[i]!;
      const rec = records[i]!;
      expect([r[0], r[1], r[3], r[4]]).toEqual([i % 2, rec.row, 1, rec.pass ? 1 : 0]);
      expect(text(r[10])).toBe(`in-0: ${rec.inputs['in-0']}`);
      expect(text(r[12])).toBe(rec.output.slice(0, TEXT_LIMITS.output));
      expect(r[13]).toBe(rec.output.length);
      const g = (r[14] as unknown[][])[0]!;
      expect([text(g[0]), g[1], text(g[3])]).toEqual(['contains', rec.grades[0]!.pass ? 1 : 0, 'same reason every time']);
    }
  });
});

describe('readPageRows, streaming', () => {
  it('hands each chunk to onChunk as it is made and keeps none; the chunks equal the collected ones', async () => {
    const dir = tempDir();
    const records = Array.from({ length: CHUNK_RESULTS + 3 }, (_, i) => result({ row: i, output: `answer ${i % 7}` }));
    writeJsonl(join(dir, 'results.jsonl'), records);
    const collected = await readPageRows(join(dir, 'results.jsonl'), ['published']);
    const streamed: string[] = [];
    const data = await readPageRows(join(dir, 'results.jsonl'), ['published'], async (c) => void streamed.push(c));
    expect(data.chunks).toEqual([]);
    expect(data.count).toBe(CHUNK_RESULTS + 3);
    expect(streamed).toHaveLength(2);
    expect(streamed).toEqual(collected.chunks);
  });
  it('an empty results file still gives the page one (empty) chunk', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'results.jsonl'), []);
    const streamed: string[] = [];
    await readPageRows(join(dir, 'results.jsonl'), ['published'], async (c) => void streamed.push(c));
    expect(streamed).toHaveLength(1);
  });
});
