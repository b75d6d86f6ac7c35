// Reports from records whose output is several MB: results.csv and junit.xml carry it whole and exact
// (escaped piece by piece: the pieces must not cut a quote's escape or an emoji's surrogate pair),
// report.html its first TEXT_LIMITS.output characters and its length.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readPageRows, TEXT_LIMITS, type RowsChunk } from '../../src/report/html/rows.js';
import { writeJunit, xmlText } from '../../src/report/junit.js';
import type { Report } from '../../src/report/report-model.js';
import { writeResultsCsv } from '../../src/report/results-csv.js';
import { PIECE_CHARS, textSlices } from '../../src/report/text-slices.js';
import { tempDir } from '../helpers/cli.js';
import { result, writeJsonl } from './fixtures.js';

/** ~3 MB: formula-like start, quotes, CRLF, markup, and an emoji straddling every piece boundary. */
function hugeOutput(): string {
  const filler = 'Sure! "quoted", <b>&amp;</b>\r\ncafé ';
  const piece = filler.repeat(Math.ceil(PIECE_CHARS / filler.length)).slice(0, PIECE_CHARS - 1);
  return `=${Array.from({ length: 48 }, () => `${piece}😀`).join('')}end`;
}

describe('reports from a several-MB output', () => {
  it('textSlices never splits a surrogate pair and loses nothing', () => {
    const s = `${'a'.repeat(9)}😀${'b'.repeat(9)}😀`;
    const pieces = [...textSlices(s, 10)];
    expect(pieces.join('')).toBe(s);
    for (const p of pieces) expect(/[\uD800-\uDBFF]$/.test(p)).toBe(false);
  });

  it('results.csv and junit.xml hold it exactly; report.html its head and length', async () => {
    const dir = tempDir();
    const output = hugeOutput();
    expect(output.length).toBeGreaterThan(3_000_000);
    writeJsonl(join(dir, 'results.jsonl'), [
      result({ row: 0, output }),
      result({ row: 1, output, pass: false, score: 0, grades: [{ grader: 'contains', pass: false, score: 0, reason: 'no "answer"' }] }),
    ]);

    await writeResultsCsv(dir);
    const rows = parse(readFileSync(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    // Compared with ===: a failing toBe would print megabytes.
    expect(rows[0]!.output === `'${output}`).toBe(true); // the formula guard still leads
    expect(rows[1]!.output === `'${output}`).toBe(true);

    const report = { suite: 's', startedAt: '', durationMs: 1, variants: [{ name: 'a' }], thresholds: [], comparisons: [] } as unknown as Report;
    await writeJunit(dir, report);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const escaped = xmlText(output);
    expect(xml.indexOf(`output: ${escaped}</failure>`)).toBeGreaterThan(0);
    expect(xml.indexOf(escaped)).toBe(xml.lastIndexOf(escaped)); // only the failing record carries it

    const page = await readPageRows(join(dir, 'results.jsonl'), ['a']);
    const chunk = JSON.parse(gunzipSync(Buffer.from(page.chunks[0]!, 'base64')).toString('utf8')) as RowsChunk;
    expect(page.truncatedOutputs).toBe(2);
    expect(chunk.rows[0]![12]).toBe(output.slice(0, TEXT_LIMITS.output));
    expect(chunk.rows[0]![13]).toBe(output.length);
  }, 60_000);
});
