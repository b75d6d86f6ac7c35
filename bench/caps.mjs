// What one flowbench process holds per request in flight, the figures behind the load caps
// (src/suite/load-caps.ts). Two measurements:
//  1. the scheduler alone: heap per closed-loop lane, N lanes each waiting on a send that has not
//     finished (a closed loop starts `concurrency` + queuedAhead(concurrency) lanes: 2 per unit at scale);
//  2. the whole engine: flowbench (a child process, default threads) against the standalone simulator,
//     closed loop at C in flight on a flow that answers after 4 s (stream mode), for several C: the peak
//     RSS during the load, and its slope per request in flight.
// Usage: node --expose-gc bench/caps.mjs [lanes=200000] [concurrencies=500,2000,4000]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClosedLoop } from '../dist/load/closed-loop.js';
import { conditions, flowbenchChild, r1, runChild, tempDir, withSimulator, writeRows, writeSuite } from './lib/harness.mjs';

const lanes = Number(process.argv[2] ?? 200_000);
const levels = (process.argv[3] ?? '500,2000,4000').split(',').map(Number);

/** Heap bytes per lane: every lane started and waiting on its send, measured after a full collection. */
async function schedulerLane(n) {
  const gc = globalThis.gc ?? (() => {});
  gc();
  const before = process.memoryUsage();
  let started = 0;
  let release;
  const gate = new Promise((r) => (release = r));
  let allStarted;
  const ready = new Promise((r) => (allStarted = r));
  const plan = { next: async () => ({ done: false, value: started }) };
  const run = runClosedLoop(
    plan,
    async () => {
      if (++started === n) allStarted();
      await gate;
    },
    { concurrency: n, durationMs: null, stopped: () => started >= n },
  );
  await ready;
  gc();
  const during = process.memoryUsage();
  release();
  await run;
  return { lanes: n, heapBytesPerLane: Math.round((during.heapUsed - before.heapUsed) / n), rssBytesPerLane: Math.round((during.rss - before.rss) / n) };
}

const FLOWS = `seed: 1
flows:
  slow-4s:
    description: "The first content frame at 4 s, then the rest at once: a request stays in flight for 4 s."
    answers: echo
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 4000, tokens_per_s: .inf, words_per_frame: 4, jitter: 0 }
`;

/** Peak RSS of flowbench keeping `c` requests in flight for 12 s. */
async function engine(sim, c) {
  const dir = tempDir();
  writeRows(dir, 1000);
  const file = writeSuite(dir, { url: sim.url, flow: 'slow-4s', mode: 'stream', load: `{ concurrency: ${c}, duration: 12s, retries: 0, timeout: 30s }` });
  const fb = await runChild(flowbenchChild, [file, join(dir, 'out')], { sampleMs: 250 });
  const during = fb.rss.filter((s) => s.t <= fb.loadWallMs / 1000);
  return { concurrency: c, requests: fb.requests, ok: fb.ok, peakRssDuringLoadMb: r1(Math.max(...during.map((s) => s.mb))) };
}

console.log(`# caps: what a request in flight costs (${conditions()})`);
console.log(JSON.stringify(await schedulerLane(lanes)));
const flows = join(tempDir(), 'caps.flows.yaml');
writeFileSync(flows, FLOWS);
const runs = [];
for (const c of levels) runs.push(await withSimulator((sim) => engine(sim, c), flows));
for (const r of runs) console.log(JSON.stringify(r));
const [lo, hi] = [runs[0], runs.at(-1)];
console.log(JSON.stringify({ kbPerInFlight: r1(((hi.peakRssDuringLoadMb - lo.peakRssDuringLoadMb) * 1024) / (hi.concurrency - lo.concurrency)) }));
