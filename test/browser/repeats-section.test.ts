// report.html with `repeat: 3`, in real headless Chromium: the "Repeats and consistency" section shows
// each variant's figures from report.json and its flaky rows with every repeat's verdict and output
// side by side; the rows table has a row per repeat; the comparison says its repeats are clustered.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-model.js';
import { readJson, runCli, tempDir } from '../helpers/cli.js';
import { writeSuite } from '../compare/helpers.js';
import { artifactPath, launchChromium, openReport } from './chromium.js';

let browser: Browser;
let dir: string;
let report: Report;
beforeAll(async () => {
  browser = await launchChromium();
  dir = tempDir();
  const file = writeSuite(dir, { flow: 'qa-bot', rows: 6, variants: '[{ name: published, version: 1 }, { name: draft, version: 2 }]', concurrency: 8 });
  appendFileSync(file, 'repeat: 3\n');
  // A spawned run: report.html inlines its page functions by their source, which must be the built ones.
  const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
  report = readJson<Report>(join(dir, 'out/report.json'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

describe('report.html: repeats', () => {
  it('shows pass@1, pass^3, consistency and the flaky rows side by side, and a table row per repeat', async () => {
    const { page, problems } = await openReport(browser, join(dir, 'out/report.html'));
    const figures = await page
      .locator('#repeats table')
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    expect(figures).toEqual(
      report.variants.map((v) => {
        const r = v.repeats!;
        return [v.name, String(r.completeRows), pct(r.passAt1), pct(r.passAllN), pct(r.consistency), String(r.flakyCount), r.passCounts.join(' / ')];
      }),
    );
    const flaky = report.variants.filter((v) => v.repeats!.flakyCount > 0);
    expect(flaky.length).toBeGreaterThan(0);
    expect(await page.locator('#repeats h3').allTextContents()).toEqual(flaky.map((v) => `Flaky rows of ${v.name} (${v.repeats!.flakyCount})`));
    // The first flaky row: one column per repeat, each with its verdict and the output results.jsonl has.
    const first = flaky[0]!.repeats!.flakyRows[0]!;
    const cells = page.locator('#repeats table.rows').first().locator('tbody tr').first().locator('td');
    expect(await cells.count()).toBe(3 + 3);
    for (const x of first.repeats) {
      const cell = cells.nth(3 + x.repeat);
      expect(await cell.locator('.status').textContent()).toBe(x.pass ? 'pass' : 'fail');
      expect(await cell.locator('.text').textContent()).toBe(x.output);
    }
    expect(await page.locator('.comparison p.muted').first().textContent()).toContain('3 repeats each: repeats clustered per row (n = rows)');
    // The rows table: a row per (row, repeat), labelled with its repeat.
    await page.waitForSelector('table.rows[data-loading="0"]');
    const labels = await page.locator('#rows td.rownum').allTextContents();
    expect(labels.slice(0, 3)).toEqual(['0 (repeat 0)', '0 (repeat 1)', '0 (repeat 2)']);
    await page.locator('#repeats').screenshot({ path: artifactPath('report-repeats-section.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
