// Runs one suite with flowbench in this process, as the CLI's `run` would, and prints, as its last line, JSON with the report
// folder, the process's CPU time (all threads) and its peak RSS.
import { loadSuite } from '../../dist/suite/load-suite.js';
import { runSuite } from '../../dist/runner/run-suite.js';
import { capYoungGeneration } from '../../dist/worker/young-generation.js';

// As `flowbench run` does (src/worker/young-generation.ts): the main thread's young generation stops at 8 MB.
if (process.env.FLOWBENCH_BENCH_NO_CAP !== '1') capYoungGeneration();

const [file, out, threads] = process.argv.slice(2);
const suite = await loadSuite(file, { overrides: {} });
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
// CPU time is read when the load has finished: the cost of the load itself, without the report writers
// that run after it (they read results.jsonl back; their cost is per report, not per request). No
// onResult hook: with one, every record comes back whole to the main thread (the library's slow path).
let loadCpu = null;
let loadWallMs = null;
const { report } = await runSuite(suite, {
  outDir: out,
  progress: false,
  ...(threads ? { threads: Number(threads) } : {}),
  onLoadDone: () => {
    loadCpu = process.cpuUsage(cpu0);
    loadWallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  },
});
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ dir: out, wallMs, cpuUs: cpu.user + cpu.system, loadCpuUs: loadCpu.user + loadCpu.system, loadWallMs, maxRssMb: process.resourceUsage().maxRSS / 1024, requests: report.variants[0].requests, ok: report.variants[0].ok })}\n`,
);
