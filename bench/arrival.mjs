// Arrival accuracy: open loop at 200 req/s for 10 s against the zero-latency flow, after a warm-up of
// 200 requests (first-use costs in the worker threads: JIT, the HTTP parser's WebAssembly). Prints the achieved
// rate (by the scheduler's hand-over and by the workers' actual sends) and its error against the target,
// and the scheduler's send lag percentiles (hand-over minus scheduled time) and the queueing to the send.
// Usage: node bench/arrival.mjs [rate=200] [seconds=10]
import { join } from 'node:path';
import { conditions, flowbenchChild, percentile, r2, readJsonl, runChild, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';
import { readFileSync } from 'node:fs';

const rate = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 10);

export async function arrival(sim) {
  const dir = tempDir();
  writeRows(dir, 1000);
  const file = writeSuite(dir, { url: sim.url, flow: 'echo-fast', mode: 'stream', load: `{ rate: ${rate}, duration: ${seconds}s, retries: 0, warmup: 200 }` });
  await runChild(flowbenchChild, [file, join(dir, 'out')]);
  const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
  const results = readJsonl(join(dir, 'out/results.jsonl')).filter((r) => !r.warmup);
  const handed = results.map((r) => r.timestamps.scheduled + r.sendLagMs).sort((a, b) => a - b);
  const sent = results.map((r) => r.timestamps.sent).sort((a, b) => a - b);
  const lags = results.map((r) => r.sendLagMs).sort((a, b) => a - b);
  const achieved = (ts) => ((ts.length - 1) / (ts.at(-1) - ts[0])) * 1000;
  const v = report.variants[0];
  return {
    targetRps: rate,
    seconds,
    sent: results.length,
    expected: rate * seconds,
    achievedRpsByHandOver: r2(achieved(handed)),
    errorByHandOver: `${r2(((achieved(handed) - rate) / rate) * 100)}%`,
    achievedRpsByActualSend: r2(achieved(sent)),
    errorByActualSend: `${r2(((achieved(sent) - rate) / rate) * 100)}%`,
    sendLagP50Ms: r2(percentile(lags, 50)),
    sendLagP99Ms: r2(percentile(lags, 99)),
    sendLagMaxMs: r2(lags.at(-1)),
    queueToSendP50Ms: v.queueMs.p50,
    queueToSendP99Ms: v.queueMs.p99,
    delayedSends: report.load.delayedSends,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# arrival accuracy (${conditions()})`);
    console.log(JSON.stringify(await arrival(sim)));
  } finally {
    await sim.close();
  }
}
