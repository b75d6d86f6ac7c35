// A thread watch inside a real worker_threads Worker (running the built dist/): it reports the worker's
// own thread (its id, its stall, its CPU time), not the process's nor the main thread's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stall } from '../../src/harness/stall-detector.js';
import { startThreadWatch, type ThreadWatchSnapshot } from '../../src/harness/thread-watch.js';
import { ROOT } from '../helpers/cli.js';

const DIST = join(ROOT, 'dist/harness/thread-watch.js');

// The worker starts a watch, resets it once it is up, blocks its own event loop for 300 ms and until it
// has had 150 ms of CPU time (a busy shared machine may give it less of a core meanwhile), then sends
// the stalls seen since the reset, when it blocked (shared clock) and its snapshot. An eval'd worker is
// CommonJS, hence the dynamic import.
const SPIN_CPU_MS = 150;
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const now = () => Number(process.hrtime.bigint()) / 1e6;
// This thread's CPU time, ms (utime + stime, in 10 ms ticks), or null where /proc does not say.
const cpu = () => {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
};
import(workerData.url).then(({ startThreadWatch }) => {
  let stalls = [];
  const w = startThreadWatch({ role: 'request', stallMs: 50, onStall: (s) => stalls.push(s) });
  setTimeout(() => {
    w.reset();
    stalls = [];
    setTimeout(() => {
      const from = now();
      const cpu0 = cpu();
      while (now() < from + 300 || (cpu0 !== null && cpu() < cpu0 + ${SPIN_CPU_MS})) {}
      const to = now();
      setTimeout(() => {
        const snapshot = w.snapshot();
        w.stop();
        parentPort.postMessage({ snapshot, stalls, from, to });
      }, 60);
    }, 30);
  }, 50);
});
`;

interface FromWorker {
  snapshot: ThreadWatchSnapshot;
  stalls: Stall[];
  from: number;
  to: number;
}

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
});

describe('a thread watch in a worker thread', () => {
  it("reports the worker thread's own id, stall and CPU time", async () => {
    const main = startThreadWatch({ role: 'main' });
    const worker = new Worker(WORKER, { eval: true, workerData: { url: pathToFileURL(DIST).href } });
    const id = worker.threadId; // -1 once it has exited
    const {
      snapshot: s,
      stalls,
      from,
      to,
    } = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const m = main.snapshot();
    main.stop();

    expect(s.role).toBe('request');
    expect(s.threadId).toBe(id);
    expect(s.threadId).toBeGreaterThan(0);
    // The busy loop is one stall; a busy shared machine may add another elsewhere, never inside it.
    const during = stalls.filter((x) => x.startAt < to && x.endAt > from);
    expect(during).toHaveLength(1);
    expect(during[0]!.startAt).toBeLessThanOrEqual(from);
    expect(during[0]!.endAt).toBeGreaterThanOrEqual(to);
    expect(s.stalls.count).toBe(stalls.length);
    expect(to - from).toBeGreaterThanOrEqual(300);
    expect(during[0]!.gapMs).toBeGreaterThanOrEqual(to - from);
    expect(during[0]!.gapMs).toBeLessThan(to - from + 1000); // the spin, and a timer's lateness after it
    expect(s.stalls.maxMs).toBeGreaterThanOrEqual(during[0]!.gapMs - 0.001);
    expect(s.eventLoopDelayMs.max).toBeGreaterThanOrEqual(250);
    expect(s.utilization).toBeGreaterThan(0.5);
    expect(s.measuredMs).toBeGreaterThanOrEqual(330);
    // The worker spun until it had 150 ms of CPU time (counted in 10 ms ticks): all of it since the reset.
    expect(s.cpuMs).not.toBeNull();
    expect(s.cpuMs!).toBeGreaterThanOrEqual(SPIN_CPU_MS - 10);
    // The main thread only waited meanwhile: a per-process figure would include the worker's spin.
    expect(m.cpuMs!).toBeLessThan(s.cpuMs!);
  });
});
