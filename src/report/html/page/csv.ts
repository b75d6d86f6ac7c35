// Browser side of report.html: the rows the table's filters match, as a CSV download (one line per
// table row, variants side by side, RFC 4180 with CRLF). Cells go through results-csv.ts's csvField,
// inlined into the page by its source (page-script.ts), so the quoting and the formula-injection
// guard are the very ones of results.csv. The texts are the page's, cut as the page cuts them.
import type { PageRow } from '../rows.js';
import { csvField } from '../../results-csv.js';

/** What csv.ts reads of a table row (rows-table.ts's Group). */
export interface CsvGroup {
  row: number;
  iteration: number;
  repeat?: number;
  input: string;
  expected: string | null;
  cells: (PageRow<string> | undefined)[];
  flipped: boolean[];
}

export function csvStatus(c: PageRow<string> | undefined): string {
  if (!c) return 'not run';
  return c[3] === 0 ? 'error' : c[4] === 1 ? 'pass' : c[4] === 0 ? 'fail' : 'ok';
}

export function rowsCsv(groups: CsvGroup[], variants: string[]): string {
  const per = ['status', 'flipped', 'score', 'ttft_ms', 'latency_ms', 'attempts', 'error_kind', 'error_message', 'output', 'output_chars', 'run_id'];
  // A repeat column only when the suite repeats rows: each repeat is a line of its own.
  const repeats = groups.some((g) => g.repeat !== undefined);
  const head = ['row', 'iteration', ...(repeats ? ['repeat'] : []), 'input', 'expected', ...variants.flatMap((v) => per.map((p) => `${v}.${p}`))];
  const lines = [head.map((h) => csvField(h)).join(',')];
  for (const g of groups) {
    const cells: string[] = [
      csvField(g.row, false),
      csvField(g.iteration, false),
      ...(repeats ? [csvField(g.repeat ?? 0, false)] : []),
      csvField(g.input),
      csvField(g.expected),
    ];
    variants.forEach((_, v) => {
      const c = g.cells[v];
      cells.push(csvField(csvStatus(c)), csvField(c ? g.flipped[v] === true : null, false));
      if (!c) {
        for (let k = 2; k < per.length; k++) cells.push('');
        return;
      }
      cells.push(
        csvField(c[5], false),
        csvField(c[6], false),
        csvField(c[7], false),
        csvField(c[15], false),
        csvField(c[8]),
        csvField(c[9]),
        csvField(c[12]),
        csvField(c[13], false),
        csvField(c[16]),
      );
    });
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from the suite's name: letters, digits, . _ - only. */
export function csvFileName(suite: string): string {
  const stem = suite
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  return `${stem || 'flowbench'}-rows.csv`;
}

/** Saves text as a file through a Blob's object URL (the page loads nothing and posts nothing). */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
