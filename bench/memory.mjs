// Memory: 200,000 dataset rows through the zero-latency flow (run mode, closed loop, 32 in flight)
// against the standalone simulator. Samples flowbench's RSS (all threads) every 250 ms and prints the
// peak, the RSS at the middle and at the end of the load (median of the samples within 2 s), and the
// peak including the report writing that follows.
// Usage: node bench/memory.mjs [rows=200000] [concurrency=32]
import { join } from 'node:path';
import { conditions, flowbenchChild, r1, runChild, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';

const rows = Number(process.argv[2] ?? 200_000);
const concurrency = Number(process.argv[3] ?? 32);

export async function memory(sim) {
  const dir = tempDir();
  writeRows(dir, rows);
  const file = writeSuite(dir, { url: sim.url, flow: 'echo-fast', mode: 'run', load: `{ concurrency: ${concurrency}, retries: 0 }` });
  const fb = await runChild(flowbenchChild, [file, join(dir, 'out')], { sampleMs: 250 });
  const loadEndS = fb.loadWallMs / 1000;
  const during = fb.rss.filter((s) => s.t <= loadEndS + 0.25);
  // RSS "at" a time is the median of the samples within 2 s of it: one sample can land just before or
  // after a garbage collection and swing by 10-20 %. The load starts once the worker threads are up (~1 s).
  const at = (t) => {
    const near = during
      .filter((s) => Math.abs(s.t - t) <= 2)
      .map((s) => s.mb)
      .sort((x, y) => x - y);
    return { mb: near[Math.floor(near.length / 2)] };
  };
  const firstLoad = during.find((s) => s.t >= 1) ?? during[0];
  const middle = at((firstLoad.t + loadEndS) / 2);
  const end = at(loadEndS - 1);
  return {
    rows,
    concurrency,
    requests: fb.requests,
    ok: fb.ok,
    loadSeconds: r1(loadEndS),
    peakRssMb: r1(Math.max(...fb.rss.map((s) => s.mb))),
    peakRssDuringLoadMb: r1(Math.max(...during.map((s) => s.mb))),
    middleRssMb: r1(middle.mb),
    endRssMb: r1(end.mb),
    endVsMiddle: `${r1(((end.mb - middle.mb) / middle.mb) * 100)}%`,
    maxRssReportedByNodeMb: r1(fb.maxRssMb),
    series: during
      .filter((_, i) => i % 8 === 0)
      .map((s) => `${r1(s.t)}s:${Math.round(s.mb)}`)
      .join(' '),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# memory (${conditions()})`);
    console.log(JSON.stringify(await memory(sim)));
  } finally {
    await sim.close();
  }
}
