// Soak: one long open-loop run at a constant rate (default 200 req/s for 30 minutes) of the streamed
// ttft-500 flow, graded, with metadata fetched, against the standalone simulator (`flowbench simulate`,
// its own process: its run store, kept for metadata and feedback and bounded at 200,000 runs, is then not
// in the figures). flowbench runs in a child process that samples its RSS (every thread) and its main
// thread's V8 heap every few seconds; checkpoints are on (report.checkpoint, default 60 s).
// Prints the start / middle / end of both, the slope from the first minute on, the achieved rate and
// what the checkpoints took.
// Usage: node bench/soak.mjs [seconds=1800] [rate=200] [sampleS=5] [checkpoint=60s] [gcEveryS=0]
// gcEveryS > 0: also the main thread's heap after a forced full collection every gcEveryS seconds (what it
// retains; the heap between collections swings by tens of MB with the old generation's garbage).
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, conditions, r1, r2, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';

const seconds = Number(process.argv[2] ?? 1800);
const rate = Number(process.argv[3] ?? 200);
const sampleS = Number(process.argv[4] ?? 5);
const checkpoint = process.argv[5] ?? '60s';
const gcEveryS = Number(process.argv[6] ?? 0);
/** Samples before this are start-up and warm-up (JIT, the first checkpoint's thread): left out of the slope. */
const WARM_S = 60;

/** Least-squares slope of y over t, per 10 minutes. */
function slopePer10Min(points) {
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 600;
}

/** The median of a field over the samples within `half` seconds of t: one sample can land either side of a GC. */
function around(samples, t, field, half = 15) {
  const near = samples
    .filter((s) => Math.abs(s.t - t) <= half)
    .map((s) => s[field])
    .sort((a, b) => a - b);
  return near[Math.floor(near.length / 2)] ?? null;
}

export async function soak(sim) {
  const dir = tempDir();
  writeRows(dir, 2000);
  const file = writeSuite(dir, {
    url: sim.url,
    flow: 'ttft-500',
    load: `{ rate: ${rate}, duration: ${seconds}s, concurrency: 1000, retries: 0 }`,
    extra: `metadata: true\ngraders:\n  - { type: contains, value: "question" }\nreport: { checkpoint: ${checkpoint} }\n`,
  });
  const flags = gcEveryS > 0 ? ['--expose-gc'] : [];
  const child = spawn(process.execPath, [...flags, join(ROOT, 'bench/lib/soak-child.mjs'), file, join(dir, 'out'), String(sampleS), String(gcEveryS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  const samples = [];
  const checkpoints = [];
  const retained = [];
  let done = null;
  for await (const line of createInterface({ input: child.stdout })) {
    const msg = JSON.parse(line);
    if (msg.sample) samples.push(msg.sample);
    else if (msg.checkpoint) checkpoints.push(msg.checkpoint);
    else if (msg.retained) retained.push(msg.retained);
    else if (msg.done) done = msg.done;
  }
  if (done === null) throw new Error('the flowbench child ended without its figures');
  const loadEndS = done.loadWallMs / 1000;
  const during = samples.filter((s) => s.t >= WARM_S && s.t <= loadEndS);
  const first = during[0]?.t ?? WARM_S;
  const at = (t) => ({ rssMb: r1(around(samples, t, 'rssMb')), heapUsedMb: r1(around(samples, t, 'heapUsedMb')) });
  const kept = retained.filter((s) => s.t >= WARM_S && s.t <= loadEndS);
  const took = checkpoints.map((c) => c.tookMs).sort((a, b) => a - b);
  return {
    seconds,
    rate,
    requests: done.requests,
    ok: done.ok,
    errors: done.errors,
    achievedRps: done.rps,
    maxSendLagMs: done.maxSendLagMs,
    sendLagP99Ms: done.sendLagP99Ms,
    delayedSends: done.delayedSends,
    mainLoopDelayMs: done.mainLoopDelayMs && { p99: done.mainLoopDelayMs.p99, max: done.mainLoopDelayMs.max },
    mainUtilization: done.mainUtilization,
    start: { t: r1(first), ...at(first + 15) },
    middle: { t: r1((first + loadEndS) / 2), ...at((first + loadEndS) / 2) },
    end: { t: r1(loadEndS), ...at(loadEndS - 15) },
    slopeMbPer10Min: {
      rss: r2(slopePer10Min(during.map((s) => ({ t: s.t, y: s.rssMb })))),
      heapUsed: r2(slopePer10Min(during.map((s) => ({ t: s.t, y: s.heapUsedMb })))),
      ...(kept.length > 1 && { heapRetained: r2(slopePer10Min(kept.map((s) => ({ t: s.t, y: s.heapUsedMb })))) }),
    },
    ...(kept.length > 0 && {
      heapRetainedMb: { start: kept[0].heapUsedMb, middle: kept[Math.floor(kept.length / 2)].heapUsedMb, end: kept.at(-1).heapUsedMb },
      heapRetainedSeries: kept.map((s) => `${Math.round(s.t)}s:${s.heapUsedMb}`).join(' '),
    }),
    checkpoints: {
      count: checkpoints.length,
      tookMs: took.length ? { min: took[0], median: took[Math.floor(took.length / 2)], max: took.at(-1) } : null,
      last: checkpoints.at(-1)
        ? { results: checkpoints.at(-1).results, mb: r1(checkpoints.at(-1).bytes / 1024 / 1024), tookMs: checkpoints.at(-1).tookMs }
        : null,
    },
    series: during
      .filter((_, i) => i % Math.max(1, Math.round(60 / sampleS)) === 0)
      .map((s) => `${Math.round(s.t)}s:${Math.round(s.rssMb)}/${Math.round(s.heapUsedMb)}`)
      .join(' '),
    dir: done.dir,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# soak (${conditions()})`);
    console.log(JSON.stringify(await soak(sim)));
    console.log(`# end: ${conditions()}`);
  } finally {
    await sim.close();
  }
}
