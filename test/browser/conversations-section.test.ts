// report.html's Conversations section in real headless Chromium: a conversation run shows its counts and a
// row per turn index; a report without conversations has no such section. The run is the built CLI's (the
// page's script is its functions' source text, which a test runner's transform would rewrite).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { launchChromium } from './chromium.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function sections(file: string): Promise<{ text: string | null; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="rows"]', { timeout: 20_000 });
  // Each table row of the section as its cells' text joined by tabs; null without the section.
  const text =
    (await page.locator('#conversations').count()) === 0
      ? null
      : (await page.$$eval('#conversations tr', (rows) => rows.map((r) => Array.from((r as HTMLTableRowElement).cells, (c) => c.textContent).join('\t')))).join(
          '\n',
        );
  await page.close();
  return { text, errors };
}

describe('report.html: the Conversations section', () => {
  it('shows the conversations and one row per turn index; a run without conversations has none', async () => {
    const dir = tempDir('flowbench-conv-html-');
    const out = join(dir, 'conv');
    const run = await runCli(['run', join(ROOT, 'suites/conversations.yaml'), '--out', out, '--no-progress']);
    expect(run.code, run.stderr).toBe(0);
    const conv = await sections(join(out, 'report.html'));
    expect(conv.errors).toEqual([]);
    expect(conv.text).toContain('published\t2\t2\t0\t0');
    for (const turn of [1, 2, 3]) expect(conv.text).toMatch(new RegExp(`published\\t${turn}\\t2\\t2\\t0\\t0\\t\\d+ ms / \\d+ ms`));
    // The same report without its conversations section, re-rendered: no section.
    const file = join(out, 'report.json');
    const report = JSON.parse(readFileSync(file, 'utf8')) as { conversations?: unknown };
    delete report.conversations;
    writeFileSync(file, JSON.stringify(report));
    const again = await runCli(['report', out]);
    expect(again.code, again.stderr).toBe(0);
    expect((await sections(join(out, 'report.html'))).text).toBeNull();
  }, 120_000);
});
