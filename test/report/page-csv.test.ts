// The page's CSV download (page/csv.ts), run in Node: one line per table row with the variants side
// by side, RFC 4180 quoting and results.csv's formula guard; and the page script carries csvField.
import { describe, expect, it } from 'vitest';
import { pageScript } from '../../src/report/html/page-script.js';
import { csvFileName, rowsCsv, type CsvGroup } from '../../src/report/html/page/csv.js';
import type { PageRow } from '../../src/report/html/rows.js';

const cell = (over: Partial<Record<number, unknown>>): PageRow<string> => {
  const base: PageRow<string> = [0, 3, 0, 1, 1, 0.9, 120.5, 900, null, null, 'in-0: q', 'x', 'out', 3, [], 1, 'run-1'];
  for (const [k, v] of Object.entries(over)) (base as unknown[])[Number(k)] = v;
  return base;
};

describe('rowsCsv', () => {
  it('writes the header, a line per group, quotes what needs it and guards formulas', () => {
    const groups: CsvGroup[] = [
      {
        row: 3,
        iteration: 0,
        input: 'in-0: "hi", there',
        expected: '=1+1',
        cells: [cell({ 12: 'line 1\nline 2' }), cell({ 0: 1, 3: 0, 4: null, 5: null, 6: null, 8: 'timeout', 9: '-timed out', 12: '', 13: 0, 16: null })],
        flipped: [false, false],
      },
      {
        row: 4,
        iteration: 1,
        input: 'in-0: q',
        expected: null,
        cells: [cell({ 1: 4, 2: 1, 4: 0 }), undefined],
        flipped: [false, false],
      },
    ];
    const per = 'status,flipped,score,ttft_ms,latency_ms,attempts,error_kind,error_message,output,output_chars,run_id';
    expect(rowsCsv(groups, ['a', '@b']).split('\r\n')).toEqual([
      `row,iteration,input,expected,${per
        .split(',')
        .map((p) => `a.${p}`)
        .join(',')},${per
        .split(',')
        .map((p) => `'@b.${p}`)
        .join(',')}`,
      `3,0,"in-0: ""hi"", there",'=1+1,pass,false,0.9,120.5,900,1,,,"line 1\nline 2",3,run-1,error,false,,,900,1,timeout,'-timed out,,0,`,
      `4,1,in-0: q,,fail,false,0.9,120.5,900,1,,,out,3,run-1,not run,,,,,,,,,,`,
      '',
    ]);
  });

  it('names the file after the suite with only safe characters', () => {
    expect(csvFileName('demo')).toBe('demo-rows.csv');
    expect(csvFileName('../x </script> y')).toBe('x_script_y-rows.csv');
    expect(csvFileName('…')).toBe('flowbench-rows.csv');
  });
});

describe('the page script', () => {
  it("inlines results.csv's csvField for the download", () => {
    expect(pageScript()).toMatch(/function csvField\(/);
    expect(pageScript()).toMatch(/function rowsCsv\(/);
  });
});
