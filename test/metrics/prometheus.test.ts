// The live endpoint scraped directly (no Prometheus): an in-process graded run against the embedded
// simulator, with a steady and a failing variant. The last scrape (after the run's end) must hold exactly
// what results.jsonl holds: requests by variant and outcome, every bucket of every timing histogram, grades
// by grader; metric names and units as Prometheus names them; never the token. And a port in use is refused
// before anything is written.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ResultRecord } from '../../src/record/result-record.js';
import { ROOT, readJsonl, runCli } from '../helpers/cli.js';
import { CANARY_TOKEN, type Exposition, liveSuite, outcomeCounts, parseExposition, timingValues, sampleValue } from '../helpers/live-metrics.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

// Counts and buckets, not timing: the threads start cold.

const HISTOGRAMS = ['ttft', 'latency', 'itl', 'queue'] as const;
const DOCS = readFileSync(join(ROOT, 'docs/live-metrics.md'), 'utf8');
/** The metric table of docs/live-metrics.md: name → type. */
const documented = new Map([...DOCS.matchAll(/^\| `(flowbench_\w+)` \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!]));
/** Its bucket table: histogram → upper bounds. */
const documentedBuckets = new Map([...DOCS.matchAll(/^\| `(flowbench_\w+_seconds)` \| ([\d., ]+) \|$/gm)].map((m) => [m[1]!, m[2]!.split(', ')]));

/** Scrapes until flowbench_run_finished is 1 (that scrape is the one the lingering endpoint waits for). */
async function scrapeUntilFinished(url: () => string | null): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const u = url();
    if (u !== null) {
      const text = await fetch(u).then((r) => r.text());
      if (/^flowbench_run_finished 1$/m.test(text)) return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run never reported finished within 15 s');
}

function expectBucketsMatch(e: Exposition, name: string, variant: string, values: number[]): void {
  const buckets = e.samples.filter((s) => s.name === `${name}_bucket` && s.labels.variant === variant);
  expect(buckets.length, `${name} ${variant}`).toBeGreaterThan(5);
  for (const b of buckets) {
    const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le) * 1000;
    expect(b.value, `${name}{variant=${variant},le=${b.labels.le}}`).toBe(values.filter((v) => v <= le).length);
  }
  expect(sampleValue(e, `${name}_count`, { variant })).toBe(values.length);
  expect(sampleValue(e, `${name}_sum`, { variant })).toBeCloseTo(values.reduce((a, v) => a + v, 0) / 1000, 6);
}

describe('the live metrics endpoint', () => {
  it("serves the run's counts, buckets and grades, exactly as results.jsonl has them, and lingers for the last scrape", async () => {
    const dir = liveSuite(
      30,
      'load: { concurrency: 6, retries: 0 }\nmetrics: { port: 0, linger: 10s }\ngraders:\n  - { type: regex, pattern: "[02468] words", name: even }\n  - { type: contains, value: "say" }',
    );
    let url: string | null = null;
    const run = lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, onStart: (info) => (url = info.metricsUrl) });
    run.catch(() => {});
    const text = await scrapeUntilFinished(() => url);
    const started = Date.now();
    await run; // closes once the finished scrape was answered, well before the 10 s linger
    expect(Date.now() - started).toBeLessThan(8000);
    await expect(fetch(url!)).rejects.toThrow(); // the endpoint is gone

    expect(text).not.toContain(CANARY_TOKEN);
    const e = parseExposition(text);
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records).toHaveLength(60);

    // Names, types and units: counters end in _total, histograms are in seconds.
    for (const [name, type] of e.types) {
      expect(name).toMatch(/^flowbench_[a-z0-9_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
      expect(e.help.get(name)?.length ?? 0).toBeGreaterThan(10);
    }
    for (const t of HISTOGRAMS) expect(e.types.get(`flowbench_${t}_seconds`)).toBe('histogram');
    // docs/live-metrics.md lists exactly what is served, with its type and buckets.
    expect(new Map([...e.types].sort())).toEqual(new Map([...documented].sort()));
    for (const [name, bounds] of documentedBuckets) {
      const served = e.samples.filter((x) => x.name === `${name}_bucket` && x.labels.variant === 'steady').map((x) => x.labels.le);
      expect(served, name).toEqual([...bounds, '+Inf']);
    }
    expect(documentedBuckets.size).toBe(5);
    expect(e.types.get('flowbench_requests_total')).toBe('counter');
    expect(e.types.get('flowbench_requests_in_flight')).toBe('gauge');

    // Requests by variant and outcome: the same set of label pairs and the same counts.
    const expected = outcomeCounts(records);
    const served = new Map(e.samples.filter((s) => s.name === 'flowbench_requests_total').map((s) => [`${s.labels.variant}/${s.labels.outcome}`, s.value]));
    expect(served).toEqual(expected);
    expect([...expected.keys()].filter((k) => k.startsWith('flaky/') && k !== 'flaky/ok').length).toBeGreaterThan(0); // the failing variant failed
    for (const s of e.samples.filter((x) => x.name === 'flowbench_requests_total')) expect(Object.keys(s.labels).sort()).toEqual(['outcome', 'variant']);

    // Every bucket of every timing histogram, per variant.
    for (const t of HISTOGRAMS) for (const [variant, values] of timingValues(records, t)) expectBucketsMatch(e, `flowbench_${t}_seconds`, variant, values);

    // Grades by variant and grader, and rows by verdict.
    for (const variant of ['steady', 'flaky']) {
      const mine = records.filter((r) => r.variant === variant);
      for (const grader of ['even', 'contains']) {
        const grades = mine.flatMap((r) => r.grades.filter((g) => g.grader === grader));
        expect(sampleValue(e, 'flowbench_grades_total', { variant, grader, result: 'passed' })).toBe(grades.filter((g) => g.pass && !g.error).length);
        expect(sampleValue(e, 'flowbench_grades_total', { variant, grader, result: 'failed' })).toBe(grades.filter((g) => !g.pass && !g.error).length);
      }
      expect(sampleValue(e, 'flowbench_rows_graded_total', { variant, result: 'passed' })).toBe(mine.filter((r) => r.pass === true).length);
      expect(sampleValue(e, 'flowbench_rows_graded_total', { variant, result: 'failed' })).toBe(mine.filter((r) => r.pass === false).length);
      expect(sampleValue(e, 'flowbench_requests_in_flight', { variant })).toBe(0);
      expect(sampleValue(e, 'flowbench_retries_total', { variant })).toBe(0);
    }
    expect(sampleValue(e, 'flowbench_rows_graded_total', { variant: 'steady', result: 'passed' })).toBe(15); // the even rows
    expect(e.samples.find((s) => s.name === 'flowbench_run_info')?.labels).toMatchObject({ suite: 'live-metrics', flow_id: 'echo', mode: 'stream', shard: '' });
    expect(sampleValue(e, 'flowbench_harness_event_loop_utilization_ratio', { thread: 'main' })).toBeGreaterThan(0);
    expect(sampleValue(e, 'flowbench_process_resident_memory_bytes', {})).toBeGreaterThan(10_000_000);
  });

  it("the docs' suite keys load, mistakes name the key and the fix, and the scrape config targets the port", async () => {
    const block = /```yaml\n(metrics:\n[\s\S]*?)```/.exec(DOCS)?.[1];
    expect(block).toBeDefined();
    const suite = await lib.loadSuite(join(liveSuite(1, block!), 'suite.yaml'));
    expect(suite.metrics).toEqual({ port: 9464, push: null, lingerMs: 15_000 });
    const pushBlock = /```yaml\n(metrics:\n {2}push:[\s\S]*?)```/.exec(DOCS)?.[1];
    const pushing = await lib.loadSuite(join(liveSuite(1, pushBlock ?? ''), 'suite.yaml'));
    expect(pushing.metrics).toEqual({ port: null, push: { url: 'http://prometheus.internal:9090/api/v1/write', intervalMs: 5000 }, lingerMs: 0 });
    const flagged = await lib.loadSuite(join(liveSuite(1, block!), 'suite.yaml'), { overrides: { metricsPort: 0 } });
    expect(flagged.metrics).toEqual({ port: 0, push: null, lingerMs: 15_000 });
    await expect(lib.loadSuite(join(liveSuite(1, 'metrics: { linger: 5s }'), 'suite.yaml'))).rejects.toMatchObject({
      message: 'metrics needs port (or push)',
      line: 6,
      hint: expect.stringContaining('metrics: { port: 9464 }'),
    });
    await expect(lib.loadSuite(join(liveSuite(1, 'metrics: { port: 70000 }'), 'suite.yaml'))).rejects.toThrow(
      /metrics\.port must be from 0 to 65535, got 70000/,
    );
    await expect(lib.loadSuite(join(liveSuite(1, ''), 'suite.yaml'), { overrides: { metricsPort: 65536 } })).rejects.toThrow(
      /--metrics-port must be an integer from 0 to 65535 \(0: any free port\), got 65536/,
    );
    const scrape = parse(/```yaml\n(global:[\s\S]*?)```/.exec(DOCS)?.[1] ?? '') as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    expect(scrape.scrape_configs[0]?.static_configs[0]?.targets).toEqual(['127.0.0.1:9464']);
  });

  it('push mode: a receiver that cannot be reached is reported once and the run goes on; a URL with credentials is refused unquoted', async () => {
    const refused = await lib
      .loadSuite(join(liveSuite(1, 'metrics: { push: { url: "http://user:hunter2@127.0.0.1:9/w" } }'), 'suite.yaml'))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ message: 'metrics.push.url must not carry credentials (user:password@): no authentication is sent', line: 6 });
    expect(JSON.stringify(refused)).not.toContain('hunter2');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const address = closed.address();
    await new Promise((r) => closed.close(r)); // nothing listens there now
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const dir = liveSuite(6, `load: { concurrency: 2 }\nmetrics: { push: { url: "http://127.0.0.1:${port}/api/v1/write?team=x", interval: 1s } }`);
    const warnings: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (String(chunk).includes('metrics push')) warnings.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false });
      expect(report.variants.map((v) => v.requests)).toEqual([6, 6]);
    } finally {
      process.stderr.write = write;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^flowbench: warning: metrics push to http://127\\.0\\.0\\.1:${port}/api/v1/write failed \\(.+\\); the run goes on`),
    );
    expect(warnings[0]).not.toContain('team=x');
  });

  it('a metrics port in use is refused before anything is written (ConfigError: exit 2)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const dir = liveSuite(2, 'load: { concurrency: 1 }');
      const out = join(dir, 'out');
      const err = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: out, progress: false, overrides: { metricsPort: port } }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(lib.ConfigError);
      expect(err).toMatchObject({ message: `metrics port ${port}: 127.0.0.1:${port} is in use` });
      expect(existsSync(out)).toBe(false);
      // The CLI: exit 2, the message and its fix on stderr, no stack trace.
      const cli = await runCli(['run', join(dir, 'suite.yaml'), '--metrics-port', String(port), '--out', out, '--no-progress']);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toBe(
        `flowbench: error: metrics port ${port}: 127.0.0.1:${port} is in use\n  fix: choose another port with --metrics-port N (or metrics.port), or 0 to let flowbench pick a free one and print it\n`,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
