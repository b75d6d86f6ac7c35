// Runs one suite with flowbench in this process (as `flowbench run` would) and samples, every `sampleS`
// seconds, this process's RSS (every thread) and the main thread's V8 heap (and, every gcEveryS seconds,
// that heap after a full collection). Prints one JSON line per sample ({"sample": …}, {"retained": …})
// and per checkpoint ({"checkpoint": …}) as they come, then the run's figures last.
import { loadSuite } from '../../dist/suite/load-suite.js';
import { runSuite } from '../../dist/runner/run-suite.js';
import { capYoungGeneration } from '../../dist/worker/young-generation.js';

capYoungGeneration(); // as `flowbench run` does

const [file, out, sampleS, gcEveryS] = process.argv.slice(2);
const suite = await loadSuite(file, { overrides: {} });
const t0 = performance.now();
const mb = (b) => Math.round((b / 1024 / 1024) * 10) / 10;
const sample = () => {
  const m = process.memoryUsage();
  const t = Math.round((performance.now() - t0) / 100) / 10;
  process.stdout.write(
    `${JSON.stringify({ sample: { t, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) } })}\n`,
  );
};
const sampler = setInterval(sample, Number(sampleS ?? 5) * 1000);
// With --expose-gc (and a gcEveryS): the main thread's heap after a full collection, what it retains.
// One forced collection every gcEveryS pauses the main thread for some ms: a measured cost of the bench.
const gcEvery = Number(gcEveryS ?? 0);
const retained =
  gcEvery > 0 && typeof globalThis.gc === 'function'
    ? setInterval(() => {
        globalThis.gc();
        const t = Math.round((performance.now() - t0) / 100) / 10;
        process.stdout.write(`${JSON.stringify({ retained: { t, heapUsedMb: mb(process.memoryUsage().heapUsed) } })}\n`);
      }, gcEvery * 1000)
    : null;
let loadWallMs = null;
const { report } = await runSuite(suite, {
  outDir: out,
  progress: false,
  onCheckpoint: (c) => process.stdout.write(`${JSON.stringify({ checkpoint: { t: Math.round(performance.now() - t0) / 1000, ...c } })}\n`),
  onLoadDone: () => {
    loadWallMs = performance.now() - t0;
    sample();
  },
});
clearInterval(sampler);
if (retained) clearInterval(retained);
const main = report.harness?.threads?.find((t) => t.role === 'main');
const v = report.variants[0];
process.stdout.write(
  `${JSON.stringify({ done: { dir: out, loadWallMs, durationMs: report.durationMs, requests: v.requests, ok: v.ok, errors: v.errors, rps: v.rps, maxSendLagMs: report.load.maxSendLagMs, sendLagP99Ms: v.sendLagMs?.p99 ?? null, delayedSends: report.load.delayedSends, mainLoopDelayMs: main?.eventLoopDelayMs ?? null, mainUtilization: main?.utilization ?? null } })}\n`,
);
