// Word diffs of flipped rows (flip-diffs.ts): which results count as flipped (as the page's table
// marks them), the pieces of a diff, the cut at DIFF_CHARS and the limit on diffed results.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIFF_CHARS, DIFF_LIMIT, FlipFinder, flipBaseline, flipDiffs, wordDiff } from '../../src/report/html/flip-diffs.js';
import type { Report } from '../../src/report/report-model.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { tempDir } from '../helpers/cli.js';
import { result, writeJsonl } from './fixtures.js';

async function diffsOf(records: ResultRecord[], baseline = 'a', variants = ['a', 'b', 'c']) {
  const path = join(tempDir(), 'results.jsonl');
  writeJsonl(path, records);
  const finder = new FlipFinder();
  for (const r of records) finder.add(r);
  return flipDiffs(path, finder, baseline, variants);
}

describe('wordDiff', () => {
  it('returns the words only in the baseline (-1), only in the candidate (1) and in both (0)', () => {
    // jsdiff diffs words, and keeps whitespace where it can: here the space before "today" is shared.
    expect(wordDiff('the cat sat on the mat', 'the dog sat on the mat today')).toEqual([
      [0, 'the '],
      [-1, 'cat'],
      [1, 'dog'],
      [0, ' sat on the mat '],
      [1, 'today'],
    ]);
    expect(wordDiff('same', 'same')).toEqual([[0, 'same']]);
  });

  it('gives up (null) with no time left', () => {
    expect(wordDiff('a b', 'c d', 0)).toBeNull();
  });
});

describe('flipDiffs', () => {
  it('diffs each candidate whose verdict differs from the baseline, by row, iteration and variant', async () => {
    const d = await diffsOf([
      result({ variant: 'c', row: 1, pass: false, output: 'no idea' }),
      result({ variant: 'a', row: 1, pass: true, output: 'refunds take 14 days' }),
      result({ variant: 'b', row: 1, pass: false, output: 'refunds take 30 days' }),
      // Same verdict, an unknown verdict, a warm-up, a row the baseline never ran: no flip.
      result({ variant: 'a', row: 0, pass: true }),
      result({ variant: 'b', row: 0, pass: true, output: 'other' }),
      result({ variant: 'a', row: 2, pass: true }),
      result({ variant: 'b', row: 2, pass: null, ok: false }),
      result({ variant: 'a', row: 3, pass: true, warmup: true }),
      result({ variant: 'b', row: 3, pass: false, warmup: true }),
      result({ variant: 'b', row: 4, pass: false }),
    ]);
    expect(d).toEqual({
      baseline: 'a',
      chars: DIFF_CHARS,
      limit: DIFF_LIMIT,
      flipped: 2,
      diffs: [
        {
          row: 1,
          iteration: 0,
          variant: 'b',
          cut: false,
          pieces: [
            [0, 'refunds take '],
            [-1, '14'],
            [1, '30'],
            [0, ' days'],
          ],
        },
        {
          row: 1,
          iteration: 0,
          variant: 'c',
          cut: false,
          pieces: [
            [-1, 'refunds take 14 days'],
            [1, 'no idea'],
          ],
        },
      ],
    });
  });

  it('diffs only the first DIFF_CHARS characters of each output and says so', async () => {
    const long = `${'word '.repeat(DIFF_CHARS / 5)}tail`;
    const d = await diffsOf([result({ variant: 'a', pass: true, output: long }), result({ variant: 'b', pass: false, output: `${long} more` })]);
    expect(d.diffs[0]!.cut).toBe(true);
    // Both sides cut to the same first DIFF_CHARS characters: nothing differs within them.
    expect(d.diffs[0]!.pieces).toEqual([[0, long.slice(0, DIFF_CHARS)]]);
  });

  it('diffs at most DIFF_LIMIT results and counts them all', async () => {
    const n = DIFF_LIMIT + 5;
    const records = Array.from({ length: n }, (_, row) => [
      result({ variant: 'a', row, pass: true, output: `yes ${row}` }),
      result({ variant: 'b', row, pass: false, output: `no ${row}` }),
    ]).flat();
    const d = await diffsOf(records.reverse(), 'a', ['a', 'b']);
    expect(d.flipped).toBe(n);
    expect(d.diffs.map((x) => x.row)).toEqual(Array.from({ length: DIFF_LIMIT }, (_, i) => i));
  });

  it('takes the baseline from the first comparison, else the first variant', () => {
    const report = (comparisons: unknown[]) => ({ comparisons }) as unknown as Report;
    expect(flipBaseline(report([{ baseline: 'b' }]), ['a', 'b'])).toBe('b');
    expect(flipBaseline(report([{ baseline: 'gone' }]), ['a', 'b'])).toBe('a');
    expect(flipBaseline(report([]), ['a', 'b'])).toBe('a');
  });
});
