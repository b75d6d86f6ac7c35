// Fidelity: 1,000 concurrent streams against ttft-500 (progress-only frames, then the first content frame
// at exactly 500 ms after the request reaches the simulator, no jitter). Prints measured TTFT p50 / p99 and
// their error against that 500 ms truth (after one warm-up wave of as many streams, not counted, so every
// connection is open): as reported (from the scheduled time, so the harness's own queueing to send 1,000
// requests at once is included) and from the actual send; then that error split into the simulator's
// take-up lag, its own lateness, and the harness's error in seeing the frame (see splitTtft).
// Usage: node bench/fidelity.mjs [streams=1000] [rate: open loop instead of one burst]
import { join } from 'node:path';
import { conditions, flowbenchChild, percentile, r2, readJsonl, runChild, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';
import { readFileSync } from 'node:fs';

const STREAMS = Number(process.argv[2] ?? 1000);
const TRUTH_MS = 500;

/** CPU time of the simulator's process so far, ms (from /proc: it runs on its own, one thread). */
function simCpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * `rate` null: all `streams` start at once (closed loop at `streams` in flight). `rate` set: an open loop
 * at that rate, which holds about rate × 0.6 s streams in flight without a burst at the simulator.
 */
export async function fidelity(sim, streams = STREAMS, rate = null) {
  const dir = tempDir();
  const simCpu0 = simCpuMs(sim.pid);
  writeRows(dir, streams);
  const load =
    rate === null
      ? `{ concurrency: ${streams}, retries: 0, warmup: ${streams} }`
      : `{ rate: ${rate}, concurrency: ${streams * 2}, retries: 0, warmup: ${streams} }`;
  const file = writeSuite(dir, { url: sim.url, flow: 'ttft-500', mode: 'stream', load });
  await runChild(flowbenchChild, [file, join(dir, 'out')]);
  const simCpuPerStreamMs = (simCpuMs(sim.pid) - simCpu0) / (2 * streams); // warm-up wave + measured wave
  const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
  const results = readJsonl(join(dir, 'out/results.jsonl')).filter((r) => r.ok && !r.warmup);
  const fromSend = results.map((r) => r.timestamps.contentFrames[0] - r.timestamps.sent).sort((a, b) => a - b);
  // The simulator writes the response headers (with the first progress frame) when it takes the request
  // up, and the first content frame exactly 500 ms later: TTFT − TTFB measures that interval, free of the
  // simulator's own backlog when 1,000 requests land at once.
  const interval = results.map((r) => r.timestamps.contentFrames[0] - r.timestamps.firstByte).sort((a, b) => a - b);
  const split = await splitTtft(sim, results);
  const takeUp = split.map((x) => x.takeUp).sort((a, b) => a - b);
  const late = split.map((x) => x.late).sort((a, b) => a - b);
  const seen = split.map((x) => x.seen).sort((a, b) => a - b);
  const v = report.variants[0];
  return {
    streams,
    rate,
    peakInFlight: Math.max(...report.timeline.map((b) => b.inFlight)),
    ok: v.ok,
    errors: v.errors,
    reportedTtftP50: v.ttftMs.p50,
    reportedTtftP99: v.ttftMs.p99,
    errorP50Ms: r2(v.ttftMs.p50 - TRUTH_MS),
    errorP99Ms: r2(v.ttftMs.p99 - TRUTH_MS),
    fromSendTtftP50: r2(percentile(fromSend, 50)),
    fromSendTtftP99: r2(percentile(fromSend, 99)),
    fromSendErrorP50Ms: r2(percentile(fromSend, 50) - TRUTH_MS),
    fromSendErrorP99Ms: r2(percentile(fromSend, 99) - TRUTH_MS),
    ttftMinusTtfbP50: r2(percentile(interval, 50)),
    ttftMinusTtfbP99: r2(percentile(interval, 99)),
    intervalErrorP50Ms: r2(percentile(interval, 50) - TRUTH_MS),
    intervalErrorP99Ms: r2(percentile(interval, 99) - TRUTH_MS),
    takeUpLagP50Ms: r2(percentile(takeUp, 50)),
    takeUpLagP99Ms: r2(percentile(takeUp, 99)),
    simulatorLateP50Ms: r2(percentile(late, 50)),
    simulatorLateP99Ms: r2(percentile(late, 99)),
    harnessErrorP50Ms: r2(percentile(seen, 50)),
    harnessErrorP99Ms: r2(percentile(seen, 99)),
    harnessErrorMaxMs: r2(seen.at(-1)),
    queueP50Ms: v.queueMs.p50,
    queueP99Ms: v.queueMs.p99,
    queueMaxMs: v.queueMs.max,
    ttfbP50: v.ttfbMs.p50,
    ttfbP99: v.ttfbMs.p99,
    latencyP50: v.latencyMs.p50,
    simulatorCpuPerStreamMs: r2(simCpuPerStreamMs),
  };
}

/**
 * Splits each result's TTFT (from its send) into three parts, with the simulator's own times for the run
 * (GET /_sim/runs/:id; both processes read the same system clock):
 * - takeUp: send -> the simulator takes the request up (its handler starts; the 500 ms count from here):
 *   the simulator's backlog when a burst lands, plus the send itself;
 * - late: how much later than take-up + 500 ms the simulator handed the first content frame to its socket;
 * - seen: that hand-over -> the client's timestamp of the frame: the harness's own error at the receiving
 *   end (the kernel's loopback delivery, then the client's event loop, parser and decoder).
 * The client's relative timestamps map to epoch ms through its run anchor, which `scheduledAt` (ISO, ms,
 * truncated) gives to within 1 ms; + 0.5 centres that (so ±0.5 ms).
 */
export async function splitTtft(sim, results) {
  if (results.length === 0) return [];
  const anchor = Math.max(...results.map((r) => Date.parse(r.scheduledAt) - Math.floor(r.timestamps.scheduled))) + 0.5;
  const out = [];
  for (let i = 0; i < results.length; i += 50) {
    await Promise.all(
      results.slice(i, i + 50).map(async (r) => {
        const run = await (await fetch(`${sim.url}/_sim/runs/${r.runId}`)).json();
        out.push({
          takeUp: run.takenUpAt - (anchor + r.timestamps.sent),
          late: run.firstContentAt - (run.takenUpAt + TRUTH_MS),
          seen: anchor + r.timestamps.contentFrames[0] - run.firstContentAt,
        });
      }),
    );
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# fidelity (${conditions()})`);
    console.log(JSON.stringify(await fidelity(sim, STREAMS, process.argv[3] ? Number(process.argv[3]) : null)));
  } finally {
    await sim.close();
  }
}
