// How repeats are rendered, direct: the terminal block and summary.md section from report.json's
// `repeats` (nothing without it), the flaky rows cut to the first few with each repeat side by side,
// and the page's CSV download with a repeat column only when rows repeat.
import { describe, expect, it } from 'vitest';
import { type FlakyRow, RepeatTally } from '../../src/metrics/repeat-stats.js';
import { rowsCsv, type CsvGroup } from '../../src/report/html/page/csv.js';
import type { PageRow } from '../../src/report/html/rows.js';
import type { Report } from '../../src/report/report-model.js';
import { FLAKY_SHOWN, renderRepeatsTable, repeatsMarkdown } from '../../src/report/repeats-summary.js';

function flaky(row: number): FlakyRow {
  return {
    row,
    iteration: 0,
    passes: 1,
    graded: 2,
    inputs: { 'in-0': `q${row}` },
    expected: 'a',
    repeats: [
      { repeat: 0, pass: true, output: `right ${row}`, error: null, failed: [] },
      { repeat: 1, pass: false, output: `wrong ${row}`, error: null, failed: ['contains: output lacks "a"'] },
    ],
  };
}

function reportWith(rows: number): Report {
  const t = new RepeatTally(2);
  for (let row = 0; row < rows; row++) {
    t.add({ row, iteration: 0, pass: true });
    t.add({ row, iteration: 0, pass: false });
  }
  const repeats = t.summary(Array.from({ length: rows }, (_, i) => flaky(i)));
  return { variants: [{ name: 'draft', repeats }] } as unknown as Report;
}

describe('repeats in the table and summary.md', () => {
  it('nothing without repeats', () => {
    const plain = { variants: [{ name: 'a' }] } as unknown as Report;
    expect(renderRepeatsTable(plain)).toBeNull();
    expect(repeatsMarkdown(plain)).toEqual([]);
  });

  it('the figures per variant, then the first flaky rows with each repeat side by side', () => {
    const text = renderRepeatsTable(reportWith(FLAKY_SHOWN + 2))!;
    expect(text).toMatch(/repeats \(2 per row\)\s*│ rows │ pass@1 │ pass\^2 │ consistency │ flaky rows │ rows passing 0…2 of 2/);
    expect(text).toMatch(/draft\s*│ 7\s*│ 50\.0%\s*│ 0\.0%\s*│ 0\.0%\s*│ 7\s*│ 0 \/ 7 \/ 0/);
    expect(text).toContain(`flaky rows of draft: 7 (first ${FLAKY_SHOWN} shown; report.html lists up to 7)`);
    expect(text).toMatch(/│ 0\s*│ 1\/2\s*│ pass: right 0\s*│ FAIL: wrong 0\s*│/);
    expect(text).not.toContain(`right ${FLAKY_SHOWN}`);
    const md = repeatsMarkdown(reportWith(2)).join('\n\n');
    expect(md).toContain('### Repeats: every row 2 times per variant');
    expect(md).toContain('| draft | 2 | 50.0% | 0.0% | 0.0% | 2 | 0 / 2 / 0 |');
    expect(md).toContain('| 1 | 1/2 | pass: right 1 | FAIL: wrong 1 |');
  });
});

describe("the page's CSV download", () => {
  const cell: PageRow<string> = [0, 3, 0, 1, 1, 1, 10, 20, null, null, 'in-0: q', null, 'out', 3, [], 1, 'r', null, 1];
  const group = (repeat?: number): CsvGroup => ({
    row: 3,
    iteration: 0,
    ...(repeat !== undefined && { repeat }),
    input: 'q',
    expected: null,
    cells: [cell],
    flipped: [false],
  });
  it('has a repeat column after iteration only when rows repeat', () => {
    expect(
      rowsCsv([group(0), group(1)], ['a'])
        .split('\r\n')
        .slice(0, 3),
    ).toEqual([
      expect.stringMatching(/^row,iteration,repeat,input,expected,a\.status,/),
      expect.stringMatching(/^3,0,0,q,,pass,/),
      expect.stringMatching(/^3,0,1,q,,pass,/),
    ]);
    expect(rowsCsv([group()], ['a']).split('\r\n')[0]).toMatch(/^row,iteration,input,expected,/);
  });
});
