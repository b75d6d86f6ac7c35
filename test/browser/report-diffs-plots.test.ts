// report.html's word diffs of flipped rows, per-request plots and CSV download in real headless
// Chromium, on a demo run whose draft flips rows against the published version: the diff's pieces
// rebuild both outputs, every plot draws both variants, and the downloaded CSV holds exactly the
// rows the filtered table shows. Screenshots go to test-artifacts/.
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../src/record/result-record.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { artifactPath, launchChromium, openReport } from './chromium.js';

let browser: Browser;
let dir: string;
let results: ResultRecord[];
beforeAll(async () => {
  browser = await launchChromium();
  dir = tempDir();
  cpSync(join(ROOT, 'suites'), join(dir, 'suites'), { recursive: true });
  cpSync(join(ROOT, 'datasets'), join(dir, 'datasets'), { recursive: true });
  appendFileSync(join(dir, 'suites/demo.yaml'), '\ncompare: { baseline: published }\n');
  const r = await runCli(['run', join(dir, 'suites/demo.yaml'), '--limit', '12', '--out', join(dir, 'out'), '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
  results = readFileSync(join(dir, 'out/results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultRecord);
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** RFC 4180: fields split on commas, "" inside quotes, CRLF between records (quoted newlines kept). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  expect(field, 'CSV ends with CRLF').toBe('');
  return rows;
}

const output = (variant: string, row: number) => results.find((r) => r.variant === variant && r.row === row && !r.warmup)!.output;
const rowNumbers = (page: Page) =>
  page
    .locator('#rows-table tbody td.rownum')
    .allTextContents()
    .then((t) => t.map(Number));

describe('report.html of a run with flipped rows', () => {
  it('shows a word diff for each flipped row whose pieces rebuild both outputs', async () => {
    const { page, problems } = await openReport(browser, join(dir, 'out/report.html'));
    await page.check('#filter-flipped');
    const rows = await rowNumbers(page);
    expect(rows.length).toBeGreaterThan(0);
    for (const [i, row] of rows.entries()) {
      const cell = page.locator('#rows-table tbody tr').nth(i).locator('td.variant-cell').nth(1);
      expect(await cell.locator('del.diff-del').count()).toBeGreaterThan(0);
      expect(await cell.locator('ins.diff-ins').count()).toBeGreaterThan(0);
      // Text markers as well as colour; without the insertions the text is the baseline's, and vice versa.
      const sides = await cell.locator('.diff-text').evaluate((box) => {
        let base = '';
        let cand = '';
        for (const n of Array.from(box.childNodes)) {
          const t = n.textContent ?? '';
          if (n.nodeName === 'DEL') {
            if (!t.startsWith('[-') || !t.endsWith('-]')) return null;
            base += t.slice(2, -2);
          } else if (n.nodeName === 'INS') {
            if (!t.startsWith('{+') || !t.endsWith('+}')) return null;
            cand += t.slice(2, -2);
          } else {
            base += t;
            cand += t;
          }
        }
        return { base, cand };
      });
      // Compared with runs of whitespace as one space: diffWords keeps spacing only "as far as possible".
      const words = (t: string) => t.replace(/\s+/g, ' ').trim();
      expect(sides && { base: words(sides.base), cand: words(sides.cand) }).toEqual({
        base: words(output('published', row)),
        cand: words(output('draft', row)),
      });
      expect(await cell.locator('details.diff summary').textContent()).toMatch(/Word diff against published: \d+ words? removed, \d+ added/);
    }
    // The published column (the baseline) never gets a diff.
    expect(await page.locator('#rows-table tbody tr td.variant-cell:nth-child(3) .diff').count()).toBe(0);
    await page.locator('#rows').screenshot({ path: artifactPath('report-flip-diffs.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws the four per-request plots with both variants', async () => {
    const { page, problems } = await openReport(browser, join(dir, 'out/report.html'));
    const charts = await page.evaluate(
      (cols) =>
        Array.from(document.querySelectorAll('#request-plots .chart')).map((box) => {
          const canvas = box.querySelector('canvas')!;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const counts = cols.map(() => 0);
          for (let i = 0; i < data.length; i += 4) {
            cols.forEach(([r = 0, g = 0, b = 0], k) => {
              if (data[i + 3]! > 200 && Math.abs(data[i]! - r) < 30 && Math.abs(data[i + 1]! - g) < 30 && Math.abs(data[i + 2]! - b) < 30) counts[k]!++;
            });
          }
          return { title: box.getAttribute('data-chart'), counts, legend: Array.from(box.querySelectorAll('.u-legend .u-label')).map((l) => l.textContent) };
        }),
      [
        [0x00, 0x72, 0xb2],
        [0xe6, 0x9f, 0x00],
      ],
    );
    expect(charts.map((c) => c.title)).toEqual([
      'TTFT vs input length',
      'Latency vs output tokens',
      'Inter-token latency by token position (ms)',
      'Output tokens per second over time',
    ]);
    for (const c of charts)
      expect(
        c.counts.every((n) => n > 20),
        `${c.title}: ${c.counts}`,
      ).toBe(true);
    // The simulator reports input tokens, so the TTFT plot is against tokens (the legend names the x axis).
    expect(charts.map((c) => c.legend)).toEqual([
      ['input tokens', 'published', 'draft'],
      ['output tokens', 'published', 'draft'],
      ['position', 'published p50', 'draft p50', 'published p95', 'draft p95'],
      ['time', 'published', 'draft'],
    ]);
    expect(await page.textContent('#request-plots')).toContain('Every successful result is plotted.');
    await page.locator('#request-plots').screenshot({ path: artifactPath('report-request-plots.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('downloads the rows the filtered table shows as CSV', async () => {
    const { page, problems } = await openReport(browser, join(dir, 'out/report.html'), { acceptDownloads: true });
    const download = async () => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
      expect(file.suggestedFilename()).toBe('demo-rows.csv');
      return parseCsv(readFileSync((await file.path())!, 'utf8'));
    };
    const all = await download();
    expect(all[0]!.slice(0, 4)).toEqual(['row', 'iteration', 'input', 'expected']);
    expect(all.slice(1).map((r) => Number(r[0]))).toEqual(await rowNumbers(page));

    await page.check('#filter-flipped');
    const flipped = await download();
    const head = flipped[0]!;
    const col = (name: string) => head.indexOf(name);
    const shown = await rowNumbers(page);
    expect(shown.length).toBeGreaterThan(0);
    expect(flipped.slice(1).map((r) => Number(r[0]))).toEqual(shown);
    expect(flipped).toHaveLength(shown.length + 1);
    for (const r of flipped.slice(1)) {
      const row = Number(r[0]);
      expect(r[col('draft.flipped')]).toBe('true');
      expect(r[col('draft.output')]).toBe(output('draft', row).slice(0, 2000));
      expect(r[col('published.output')]).toBe(output('published', row).slice(0, 2000));
      const draft = results.find((x) => x.variant === 'draft' && x.row === row)!;
      expect(r[col('draft.status')]).toBe(draft.ok ? (draft.pass ? 'pass' : 'fail') : 'error');
      expect(r[col('draft.latency_ms')]).toBe(String(Math.round(draft.latencyMs * 10) / 10));
    }
    expect(await page.textContent('#download-csv')).toBe(`Download ${shown.length} row${shown.length === 1 ? '' : 's'} as CSV`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
