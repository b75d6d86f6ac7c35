// A thread watch inside a real worker_threads Worker (running the built dist/): it reports the worker's
// own thread — its id, its stall, its CPU time — not the process's nor the main thread's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stall } from '../../src/harness/stall-detector.js';
import { startThreadWatch, type ThreadWatchSnapshot } from '../../src/harness/thread-watch.js';
import { ROOT } from '../helpers/cli.js';

const DIST = join(ROOT, 'dist/harness/thread-watch.js');

// The worker starts a watch, resets it once it is up, blocks its own event loop for 300 ms, then
// sends its stalls and snapshot. An eval'd worker is CommonJS, hence the dynamic import.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(({ startThreadWatch }) => {
  const stalls = [];
  const w = startThreadWatch({ role: 'request', stallMs: 50, onStall: (s) => stalls.push(s) });
  setTimeout(() => {
    w.reset();
    setTimeout(() => {
      const end = Date.now() + 300;
      while (Date.now() < end) {}
      setTimeout(() => {
        const snapshot = w.snapshot();
        w.stop();
        parentPort.postMessage({ snapshot, stalls });
      }, 60);
    }, 30);
  }, 50);
});
`;

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
});

describe('a thread watch in a worker thread', () => {
  it('reports the worker thread\'s own id, stall and CPU time', async () => {
    const main = startThreadWatch({ role: 'main' });
    const worker = new Worker(WORKER, { eval: true, workerData: { url: pathToFileURL(DIST).href } });
    const id = worker.threadId; // -1 once it has exited
    const { snapshot: s, stalls } = await new Promise<{ snapshot: ThreadWatchSnapshot; stalls: Stall[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const m = main.snapshot();
    main.stop();

    expect(s.role).toBe('request');
    expect(s.threadId).toBe(id);
    expect(s.threadId).toBeGreaterThan(0);
    expect(stalls).toHaveLength(1);
    expect(s.stalls.count).toBe(1);
    expect(s.stalls.maxMs).toBeGreaterThanOrEqual(300);
    expect(s.stalls.maxMs).toBeLessThan(800);
    expect(s.eventLoopDelayMs.max).toBeGreaterThanOrEqual(250);
    expect(s.utilization).toBeGreaterThan(0.5);
    expect(s.measuredMs).toBeGreaterThanOrEqual(330);
    // The worker spun for 300 ms of wall time; on a shared machine it may have had less of a core.
    expect(s.cpuMs).not.toBeNull();
    expect(s.cpuMs!).toBeGreaterThanOrEqual(100);
    // The main thread only waited meanwhile: a per-process figure would include the worker's spin.
    expect(m.stalls.count).toBe(0);
    expect(m.cpuMs!).toBeLessThan(s.cpuMs!);
  });
});
