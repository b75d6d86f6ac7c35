// What a run costs when the process's earlier run left it its threads (docs/engine.md, "Threads kept
// between runs"): 12 runs one after another in this process of a 20-row suite on the embedded simulator,
// without graders and with one `contains` grader, through the CLI's own entry (runFlowbench), cold
// (FLOWBENCH_TEST_NO_WARMUP=1, as in the tests). CPU is the whole process's (every thread), in ms; the
// first run starts every thread, the later ones find them kept. Usage: npm run build && node bench/thread-reuse.mjs
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runFlowbench } from '../dist/cli/program.js';
import { tempDir, writeRows, writeSuite } from './lib/harness.mjs';

process.env.FLOWBENCH_TEST_NO_WARMUP = '1';
const RUNS = 12;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function series(graded) {
  const dir = tempDir();
  writeRows(dir, 20);
  const suite = writeSuite(dir, {
    url: 'simulator',
    flow: 'echo-fast',
    mode: 'run',
    load: '{ concurrency: 4, iterations: 1 }',
    extra: graded ? 'graders:\n  - { type: contains, value: question }' : '',
  });
  const write = process.stdout.write;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    process.stdout.write = () => true; // the run's summary table
    const code = await runFlowbench(['node', 'flowbench', 'run', suite, '--out', join(dir, `out-${i}`), '--no-progress'], {});
    process.stdout.write = write;
    if (code !== 0) throw new Error(`run ${i} exited ${code}`);
    runs.push({ cpuMs: cpuMs() - c0, wallMs: performance.now() - t0 });
  }
  rmSync(dir, { recursive: true, force: true });
  const later = runs.slice(1);
  return {
    suite: graded ? 'graded' : 'ungraded',
    firstCpuMs: Math.round(runs[0].cpuMs),
    firstWallMs: Math.round(runs[0].wallMs),
    laterCpuMsMedian: Math.round(median(later.map((r) => r.cpuMs))),
    laterWallMsMedian: Math.round(median(later.map((r) => r.wallMs))),
  };
}

for (const graded of [false, true]) console.log(JSON.stringify({ bench: 'thread-reuse', node: process.version, runs: RUNS, ...(await series(graded)) }));
