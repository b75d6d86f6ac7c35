// Shared by the bench scripts: the standalone simulator in its own process, flowbench and autocannon
// each in a child process that reports its own CPU time, and RSS sampling from /proc.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TOKEN = 'bench-token';
const CLI = join(ROOT, 'dist/cli/main.js');

/** `flowbench simulate` on a free port with bench/bench.flows.yaml (or `flows`), in its own process. */
export async function startSimulator(flows = join(ROOT, 'bench/bench.flows.yaml')) {
  const child = spawn(process.execPath, [CLI, 'simulate', '--port', '0', '--flows', flows, '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((res, rej) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (c) => rej(new Error(`simulator exited ${c}`)));
  });
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs `fn` against a simulator started for it alone. The simulator keeps up to 200,000 runs for metadata
 * and feedback: after a 300,000-request run its heap holds them all and its garbage collections slow
 * whoever comes next (measured: a bare undici loop fell from ~30k to ~12k req/s right after autocannon).
 * So every measured run gets a fresh, warmed-up simulator: the same conditions for each contestant.
 */
export async function withSimulator(fn, flows) {
  const sim = await startSimulator(flows);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'flowbench-bench-'));
}

/** A CSV of `n` rows with a `q` column (distinct short questions). */
export function writeRows(dir, n) {
  const lines = ['q'];
  for (let i = 0; i < n; i++) lines.push(`question number ${i} about the order`);
  writeFileSync(join(dir, 'rows.csv'), `${lines.join('\n')}\n`);
}

export function writeSuite(dir, { url, flow, mode = 'stream', load, extra = '' }) {
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: bench
target: { base_url: ${url}, org_id: bench, flow_id: ${flow}, token: ${TOKEN} }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: ${mode}
load: ${load}
${extra}
`,
  );
  return file;
}

/** Runs a child node script that prints one JSON line last; samples its RSS every `sampleMs` when asked. */
export function runChild(script, args, { sampleMs = 0 } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
    let out = '';
    const rss = [];
    const t0 = Date.now();
    const timer = sampleMs
      ? setInterval(() => {
          try {
            const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) rss.push({ t: (Date.now() - t0) / 1000, mb: Number(m[1]) / 1024 });
          } catch {
            /* exited */
          }
        }, sampleMs)
      : null;
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      if (timer) clearInterval(timer);
      const last = out.trim().split('\n').at(-1);
      try {
        res({ ...JSON.parse(last), rss, code });
      } catch {
        rej(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

export const flowbenchChild = join(ROOT, 'bench/lib/flowbench-child.mjs');
export const autocannonChild = join(ROOT, 'bench/lib/autocannon-child.mjs');

export function readJsonl(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const r1 = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
export const r2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);

/** What the machine looked like while a benchmark ran. */
export function conditions() {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${load}`;
}
