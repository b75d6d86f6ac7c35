// report.html's Harness section in real headless Chromium: a run whose harness had worries shows them
// (and a header badge linking to them) with a row per thread; a report without a harness section,
// as older ones are, has no such section. Screenshots go to test-artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-model.js';
import { ROOT, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';
import { troubledHarness } from '../harness/fixtures.js';
import { artifactPath, launchChromium } from './chromium.js';

warmRunsInThisFile(); // its assertions are timings

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launchChromium();
  dir = tempDir();
  const r = await runCli(['run', join(ROOT, 'suites/demo.yaml'), '--limit', '6', '--out', join(dir, 'out'), '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** Rewrites the run's report.json with this harness section (or none) and rebuilds report.html from it. */
async function rebuild(harness: Report['harness'] | undefined): Promise<string> {
  const file = join(dir, 'out/report.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  if (harness === undefined) delete report.harness;
  else report.harness = harness;
  writeFileSync(file, JSON.stringify(report, null, 2));
  const r = await runCli(['report', join(dir, 'out')]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'out/report.html');
}

async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort()),
  );
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="rows"]', { timeout: 20_000 });
  return { page, problems };
}

describe('report.html: the Harness section', () => {
  it('shows the warnings, a row per thread and the stalled results, with a badge in the header', async () => {
    const h = troubledHarness();
    const { page, problems } = await open(await rebuild(h));
    expect(await page.locator('#harness ul.warnings li').allTextContents()).toEqual(h.warnings);
    const cells = (i: number) =>
      page
        .locator('#harness table')
        .nth(i)
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    expect(await cells(0)).toEqual([
      ['main', '10.0 s', '0.2 ms / 1.5 ms / 4.0 ms', '20.0%', 'not measured', '0'],
      ['request #1', '10.0 s', '0.2 ms / 1.5 ms / 4.0 ms', '30.0%', '2500 ms', '0'],
      ['request #2', '10.0 s', '3.0 ms / 14.2 ms / 312 ms', '96.0%', '2500 ms', '3 (longest 312 ms, total 400 ms)'],
      ['grading #3', '10.0 s', '0.2 ms / 1.5 ms / 4.0 ms', '50.0%', '2500 ms', '0'],
    ]);
    expect(await cells(1)).toEqual([
      ['published', '100', '9', '312 ms'],
      ['draft', '100', '5', '120 ms'],
    ]);
    expect(await page.textContent('header a[href="#harness"]')).toBe('3 HARNESS WARNINGS');
    expect(await page.locator('nav a[href="#harness"]').count()).toBe(1);
    await page.locator('#harness').screenshot({ path: artifactPath('report-harness-section.png') });
    await page.screenshot({ path: artifactPath('report-harness.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a quiet harness: no warning list, no badge; an older report without one: no section', async () => {
    const quiet = { ...troubledHarness(), warnings: [] };
    let { page, problems } = await open(await rebuild(quiet));
    expect(await page.locator('#harness').count()).toBe(1);
    expect(await page.locator('#harness ul.warnings').count()).toBe(0);
    expect(await page.textContent('#harness')).toContain('No warnings');
    expect(await page.locator('header a[href="#harness"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();

    ({ page, problems } = await open(await rebuild(undefined)));
    expect(await page.locator('#harness').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
