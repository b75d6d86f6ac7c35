// The live endpoint scraped by a real Prometheus server (Debian's /usr/bin/prometheus, started here on
// loopback with a 1 s scrape interval): a short run against the embedded simulator, then Prometheus' HTTP
// API must give the counts by variant and outcome that results.jsonl holds, and answer the TTFT p95 PromQL
// of docs/live-metrics.md. Skipped, saying so, where /usr/bin/prometheus is missing (.ci/run installs it).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../src/record/result-record.js';
import { ROOT, readJsonl, tempDir } from '../helpers/cli.js';
import { liveSuite, outcomeCounts, timingValues } from '../helpers/live-metrics.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

const PROMETHEUS = '/usr/bin/prometheus';
const HAVE_PROMETHEUS = existsSync(PROMETHEUS);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bindable(port: number): Promise<boolean> {
  const s = createServer();
  const ok = await new Promise<boolean>((r) => {
    s.once('error', () => r(false));
    s.listen(port, '127.0.0.1', () => r(true));
  });
  if (ok) await new Promise((r) => s.close(r));
  return ok;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise((r) => s.close(r));
  if (typeof a !== 'object' || a === null) throw new Error('no port');
  return a.port;
}

/**
 * A free port below the kernel's ephemeral range, for the metrics endpoint. Prometheus scrapes it every
 * second before flowbench listens, and a connect from an ephemeral port can land on its own target port
 * (TCP self-connect), which then holds the port: one CI run failed with "127.0.0.1:35305 is in use". No
 * connect or listen(0) is ever given a port below the range, so only an explicit bind could take it.
 */
async function portBelowEphemeral(): Promise<number> {
  const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const low = Math.min(range[0] ?? 32768, 32768);
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * (low - 20000));
    if (await bindable(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!HAVE_PROMETHEUS)(`live metrics scraped by a real Prometheus (skipped when ${PROMETHEUS} is missing: apt-get install prometheus)`, () => {
  let prometheus: ChildProcess | null = null;
  let stderr = '';
  let api = '';
  let metricsPort = 0;
  const dir = tempDir('flowbench-prometheus-');

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { resultType: string; result: PromSample[] } };
    expect(body.status, promql).toBe('success');
    return body.data.result;
  };

  beforeAll(async () => {
    metricsPort = await portBelowEphemeral();
    const webPort = await freePort();
    api = `http://127.0.0.1:${webPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: flowbench\n    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]\n`,
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        '--log.level=warn',
        '--web.enable-remote-write-receiver',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    for (let i = 0; i < 100; i++) {
      if (prometheus.exitCode !== null) break;
      const ready = await fetch(`${api}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await sleep(100);
    }
    // Prometheus applies its targets on a 5 s tick: wait for its first scrape attempt (nothing listens yet).
    for (let i = 0; i < 100; i++) {
      if (prometheus.exitCode !== null) break;
      const targets = await fetch(`${api}/api/v1/targets`).then(
        (r) => r.json() as Promise<{ data?: { activeTargets?: { lastScrape: string }[] } }>,
        () => null,
      );
      const last = targets?.data?.activeTargets?.[0]?.lastScrape;
      if (last !== undefined && !last.startsWith('0001-')) return;
      await sleep(100);
    }
    throw new Error(`prometheus did not start scraping within 10 s:\n${stderr}`);
  });

  afterAll(async () => {
    const p = prometheus;
    if (p !== null && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('Prometheus holds the counts of results.jsonl by variant and outcome, and answers the TTFT p95 per variant', async () => {
    const suiteDir = liveSuite(20, `load: { concurrency: 4, retries: 0, duration: 2s }\nmetrics: { port: ${metricsPort}, linger: 5s }`);
    const out = join(suiteDir, 'out');
    // The load's clock starts 2 s from now (the endpoint is up before that): Prometheus' first scrapes see
    // the zeros, so rate() over the run has the whole increase, wherever its scrape ticks fall.
    await lib.runSuite(join(suiteDir, 'suite.yaml'), { outDir: out, progress: false, startAt: { requested: '+2s', atMs: Date.now() + 2000 } });
    const records = readJsonl<ResultRecord>(join(out, 'results.jsonl'));
    expect(records.length).toBeGreaterThan(20);

    // The run closed its endpoint once a scrape had read the final figures: Prometheus has them.
    let finished: PromSample[] = [];
    for (let i = 0; i < 50 && finished[0]?.value[1] !== '1'; i++) {
      finished = await query('last_over_time(flowbench_run_finished[5m])');
      if (finished[0]?.value[1] !== '1') await sleep(100);
    }
    expect(finished[0]?.value[1], `flowbench_run_finished never reached Prometheus:\n${stderr}`).toBe('1');

    const counts = await query('last_over_time(flowbench_requests_total[5m])');
    const stored = new Map(counts.map((s) => [`${s.metric.variant}/${s.metric.outcome}`, Number(s.value[1])]));
    expect(stored).toEqual(outcomeCounts(records));
    expect(counts.every((s) => s.metric.job === 'flowbench' && s.metric.instance === `127.0.0.1:${metricsPort}`)).toBe(true);

    const ttft = timingValues(records, 'ttft');
    const ttftCounts = await query('last_over_time(flowbench_ttft_seconds_count[5m])');
    expect(new Map(ttftCounts.map((s) => [s.metric.variant, Number(s.value[1])]))).toEqual(new Map([...ttft].map(([v, list]) => [v, list.length])));

    // docs/live-metrics.md's PromQL: a p95 per variant, inside the bucket that holds the slowest TTFT.
    const p95 = await query('histogram_quantile(0.95, sum by (le, variant) (rate(flowbench_ttft_seconds_bucket[1m])))');
    expect(p95.map((s) => s.metric.variant).sort()).toEqual(['flaky', 'steady']);
    const zero = await query('min_over_time(flowbench_requests_total[5m]) == 0');
    expect(zero.length, 'a scrape before the first request').toBeGreaterThan(0);
    for (const s of p95) {
      const slowest = Math.max(...(ttft.get(s.metric.variant!) ?? [])) / 1000;
      const v = Number(s.value[1]);
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual([0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5].find((le) => le >= slowest) ?? Infinity);
    }
  });

  it('push mode: the same counts arrive through remote write, with no endpoint to scrape', async () => {
    const suiteDir = liveSuite(20, `load: { concurrency: 4, retries: 0, duration: 2s }\nmetrics: { push: { url: "${api}/api/v1/write", interval: 1s } }`);
    const out = join(suiteDir, 'out');
    await lib.runSuite(join(suiteDir, 'suite.yaml'), { outDir: out, progress: false });
    const records = readJsonl<ResultRecord>(join(out, 'results.jsonl'));
    expect(records.length).toBeGreaterThan(20);
    // Pushed series have no instance label (the scraped ones of the test above do); the final push is in before runSuite returns.
    let pushed: PromSample[] = [];
    for (let i = 0; i < 30 && pushed.length === 0; i++) {
      pushed = await query('last_over_time(flowbench_run_finished{job="flowbench",instance=""}[5m]) == 1');
      if (pushed.length === 0) await sleep(100);
    }
    expect(pushed, `no final push reached Prometheus:\n${stderr}`).toHaveLength(1);
    const counts = await query('last_over_time(flowbench_requests_total{job="flowbench",instance=""}[5m])');
    expect(new Map(counts.map((s) => [`${s.metric.variant}/${s.metric.outcome}`, Number(s.value[1])]))).toEqual(outcomeCounts(records));
    const ttft = await query('last_over_time(flowbench_ttft_seconds_count{instance=""}[5m])');
    expect(new Map(ttft.map((s) => [s.metric.variant, Number(s.value[1])]))).toEqual(
      new Map([...timingValues(records, 'ttft')].map(([v, list]) => [v, list.length])),
    );
  });
});
