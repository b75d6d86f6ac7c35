// Launches Debian's Chromium through playwright-core (never a downloaded browser) for the report
// tests, and opens a report offline. A missing Chromium fails the test with what to do: these tests
// are never skipped.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../helpers/cli.js';

export const CHROMIUM = process.env.FLOWBENCH_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the HTML report tests need a real browser. ` +
        "Install Debian's package with `apt-get update && apt-get install -y chromium` (.ci/run does this), " +
        'or point FLOWBENCH_CHROMIUM at a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, page errors, dialogs, network requests and CSP violations. */
  problems: string[];
}

/** Opens a report from disk with the network blocked, collecting everything that should not happen. */
export async function openReport(browser: Browser, file: string, opts: { acceptDownloads?: boolean } = {}): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: opts.acceptDownloads ?? false });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // Chromium logs CSP refusals to the console too; the event makes a violation impossible to miss.
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort()),
  );
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="rows"]', { timeout: 20_000 });
  return { page, problems };
}
