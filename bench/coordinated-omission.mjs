// Coordinated omission: 20 req/s for 10 s against a tiny node:http server (run mode, 20 ms answers) that
// freezes for 1.5 s at 3 s. Truth, per scheduled request: the 20 ms service, plus the wait until the freeze
// ends if it was scheduled inside it (a user arriving then waits that long). Prints the truth's p90 / p99
// beside flowbench's reported latency (corrected: from the scheduled time) and its service time
// (uncorrected: from the actual send), with the in-flight cap at 2 (as in the issue) and at 1000.
// Usage: node bench/coordinated-omission.mjs
import { createServer } from 'node:http';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { conditions, flowbenchChild, percentile, r1, readJsonl, runChild, tempDir, writeRows, writeSuite } from './lib/harness.mjs';

const RATE = 20;
const SECONDS = 10;
const FREEZE_AT_MS = 3000;
const FREEZE_MS = 1500;
const SERVICE_MS = 20;

function freezingServer() {
  const state = { first: 0 };
  const server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const now = Date.now();
    if (state.first === 0) state.first = now;
    const from = state.first + FREEZE_AT_MS;
    if (now >= from && now < from + FREEZE_MS) await new Promise((r) => setTimeout(r, from + FREEZE_MS - now));
    await new Promise((r) => setTimeout(r, SERVICE_MS));
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        outputs: { 'out-0': 'ok' },
        citations: null,
        run_id: `r${now}${Math.random()}`,
        metadata: null,
        progress_data: null,
        state: 'COMPLETED',
        pause: null,
        error: null,
      }),
    );
  });
  return { server, state };
}

async function once(cap) {
  const { server, state } = freezingServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const dir = tempDir();
  writeRows(dir, 50);
  const file = writeSuite(dir, { url, flow: 'f', mode: 'run', load: `{ rate: ${RATE}, duration: ${SECONDS}s, concurrency: ${cap}, retries: 0 }` });
  await runChild(flowbenchChild, [file, join(dir, 'out')]);
  await new Promise((r) => server.close(r));
  const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
  const results = readJsonl(join(dir, 'out/results.jsonl'));
  const from = state.first + FREEZE_AT_MS;
  const to = from + FREEZE_MS;
  const truth = results
    .map((r) => Date.parse(r.scheduledAt))
    .map((s) => SERVICE_MS + (s >= from && s < to ? to - s : 0))
    .sort((a, b) => a - b);
  const v = report.variants[0];
  return {
    cap,
    requests: v.requests,
    ok: v.ok,
    truthP90: r1(percentile(truth, 90)),
    truthP99: r1(percentile(truth, 99)),
    correctedP90: v.latencyMs.p90,
    correctedP99: v.latencyMs.p99,
    uncorrectedP90: v.serviceMs.p90,
    uncorrectedP99: v.serviceMs.p99,
    delayedSends: report.load.delayedSends,
    maxSendLagMs: r1(report.load.maxSendLagMs),
  };
}

export async function coordinatedOmission() {
  return [await once(2), await once(1000)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# coordinated omission (${conditions()})`);
  for (const r of await coordinatedOmission()) console.log(JSON.stringify(r));
}
