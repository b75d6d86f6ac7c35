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
// CPU time is read as each result lands: the last reading is the cost of the load itself, without the
// report writers that run after it (they read results.jsonl back; their cost is per report, not per request).
let loadCpu = null;
let seen = 0;
let loadWallMs = null;
const { report } = await runSuite(suite, {
  outDir: out, progress: false, ...(threads ? { threads: Number(threads) } : {}),
  onResult: () => {
    // Sampled every 256th result: one reading costs tens of µs (perf: ~47 µs, getrusage over every
    // thread), 0.7 µs a request when it was every 64th; the tail after the last sample is at most
    // 255 results, ~0.1 % of a 10 s run.
    if (++seen % 256 !== 1) return;
    loadCpu = process.cpuUsage(cpu0);
    loadWallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  },
});
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ dir: out, wallMs, cpuUs: cpu.user + cpu.system, loadCpuUs: loadCpu.user + loadCpu.system, loadWallMs, maxRssMb: process.resourceUsage().maxRSS / 1024, requests: report.variants[0].requests, ok: report.variants[0].ok })}\n`);
