// Replay send lag: a generated trace (a steady 100 req/s with a 400 req/s burst of 2 s every 5 s, seeded
// Poisson gaps) replayed at its own rate (speed 1) against the zero-latency flow, after a warm-up of 200
// requests. Prints the scheduler's send lag (hand-over minus the traced time: p50 / p99 / max from the
// results, and report.json's HDR summary), the queueing to the actual send, and traced against sent
// arrivals per second (report.json `replay.perSecond`). Target: send lag p99 < 5 ms when the client is not saturated.
// `steady`: 200 req/s evenly spaced instead (the trace bench/arrival.mjs's open loop sends), to set the two side by side.
// Usage: npm run build && node bench/replay-lag.mjs [seconds=20] [speed=1] [bursty|steady]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conditions, flowbenchChild, percentile, r2, readJsonl, runChild, startSimulator, tempDir, TOKEN } from './lib/harness.mjs';

const seconds = Number(process.argv[2] ?? 20);
const speed = Number(process.argv[3] ?? 1);
const shape = process.argv[4] ?? 'bursty';

/** Offsets (ms) of a trace: Poisson arrivals at 100 req/s, 400 req/s in the first 2 s of every 5 s. */
function traceOffsets(totalS, seed = 7) {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [];
  for (let t = 0; t < totalS * 1000; ) {
    out.push(t);
    const rate = t % 5000 < 2000 ? 400 : 100;
    t += (-Math.log(1 - random()) / rate) * 1000;
  }
  return out;
}

export async function replayLag(sim) {
  const dir = tempDir();
  const t0 = Date.parse('2026-11-30T09:00:00.000Z');
  const offsets = shape === 'steady' ? Array.from({ length: seconds * 200 }, (_, i) => i * 5) : traceOffsets(seconds);
  writeFileSync(
    join(dir, 'trace.jsonl'),
    `${offsets.map((o, i) => JSON.stringify({ timestamp: new Date(t0 + o).toISOString(), inputs: { 'in-0': `question ${i}` } })).join('\n')}\n`,
  );
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: bench\ntarget: { base_url: ${sim.url}, org_id: bench, flow_id: echo-fast, token: ${TOKEN} }\nmode: run\nload: { replay: { path: trace.jsonl, speed: ${speed} }, retries: 0, warmup: 200 }\n`,
  );
  await runChild(flowbenchChild, [file, join(dir, 'out')]);
  const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
  const results = readJsonl(join(dir, 'out/results.jsonl')).filter((r) => !r.warmup);
  const lags = results.map((r) => r.sendLagMs).sort((a, b) => a - b);
  const v = report.variants[0];
  const buckets = report.replay.perSecond;
  const diffs = buckets.map((b) => Math.abs(b.sent - b.traced));
  return {
    shape,
    traceRows: offsets.length,
    speed,
    tracedRps: r2(offsets.length / (offsets.at(-1) / 1000 / speed)),
    sent: results.length,
    sendLagP50Ms: r2(percentile(lags, 50)),
    sendLagP99Ms: r2(percentile(lags, 99)),
    sendLagMaxMs: r2(lags.at(-1)),
    hdrSendLagMs: { p50: v.sendLagMs.p50, p99: v.sendLagMs.p99, max: v.sendLagMs.max },
    queueToSendP99Ms: v.queueMs?.p99 ?? null,
    delayedSends: report.load.delayedSends,
    seconds: buckets.length,
    secondsSentEqualsTraced: diffs.filter((d) => d === 0).length,
    maxPerSecondDifference: Math.max(...diffs),
    peakTracedPerSecond: Math.max(...buckets.map((b) => b.traced)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# replay send lag (${conditions()})`);
    console.log(JSON.stringify(await replayLag(sim)));
    console.log(`# end: ${conditions()}`);
  } finally {
    await sim.close();
  }
}
