// Start-up CPU: what a small `flowbench run` costs before and besides its requests. The test suite is
// mostly such runs (issue 19), and a user pays the same start-up once per run.
//  1. the request lane's module imported in a fresh worker thread: CPU ms, median of N;
//  2. the command line: --version, validate, and a 4-row run of the demo suite's published variant,
//     cold and warm, with default threads and with --threads 0: CPU s (user + sys, the whole process
//     with its threads), median of N.
// Usage: npm run build && node bench/start-up.mjs [N=5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ms of importing `file` in a fresh worker (its own isolate, so its own module graph). */
async function importCpuMs(file) {
  const code = `const t = process.cpuUsage(); const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(file)}).then(() => { const u = process.cpuUsage(t); parentPort.postMessage((u.user + u.system) / 1000); },
      (e) => parentPort.postMessage(String(e.message)));`;
  const w = new Worker(code, { eval: true, env: { ...process.env, FLOWBENCH_TEST_NO_WARMUP: '1' } });
  const ms = await new Promise((r) => w.once('message', r));
  await w.terminate();
  if (typeof ms !== 'number') throw new Error(`${file}: ${ms}`);
  return ms;
}

// process.cpuUsage() in a worker counts the whole process: the parent idles meanwhile, so this is the import.
// The request lane is the one entry that does nothing at import (the others start on their workerData).
for (const entry of ['worker/request-lane.js']) {
  const xs = [];
  for (let i = 0; i < N; i++) xs.push(await importCpuMs(join(ROOT, 'dist', entry)));
  console.log(`import dist/${entry}: ${median(xs).toFixed(0)} ms of CPU (median of ${N}; ${xs.map((x) => x.toFixed(0)).join(' ')})`);
}

/** CPU s (user + sys) of one CLI call, from the kernel's rusage of the finished child. */
function cliCpuS(args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, join(ROOT, 'dist/cli/main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
  });
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return user + sys;
}

const out = mkdtempSync(join(tmpdir(), 'flowbench-start-up-'));
const run = ['run', 'suites/demo.yaml', '--limit', '4', '--variant', 'published', '--no-progress', '--force', '--out', out];
const cases = [
  ['--version', ['--version'], {}],
  ['validate suites/demo.yaml', ['validate', 'suites/demo.yaml'], {}],
  ['4-row run, cold', run, { FLOWBENCH_TEST_NO_WARMUP: '1' }],
  ['4-row run, warm (as a user runs it)', run, {}],
  ['4-row run, cold, --threads 0', [...run, '--threads', '0'], { FLOWBENCH_TEST_NO_WARMUP: '1' }],
];
for (const [name, args, env] of cases) {
  const xs = [];
  for (let i = 0; i < N; i++) xs.push(cliCpuS(args, env));
  console.log(`${name}: ${median(xs).toFixed(2)} s of CPU (median of ${N}; ${xs.map((x) => x.toFixed(2)).join(' ')})`);
}
