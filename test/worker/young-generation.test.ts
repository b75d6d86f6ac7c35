// The CLI's cap on the main thread's young generation: without it V8 grows a busy thread's young
// generation past 8 MB; with it the growth stops there, also after a worker thread has started (which
// puts V8's flags back, so the pool holds the cap again). Each case runs in its own process: the cap
// is process-wide.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../dist/worker/young-generation.js', import.meta.url));

/**
 * Allocates a fixed number of short-lived objects (starting a worker thread halfway through them), a
 * chunk per turn of the event loop; prints the young generation's size, MB. A count, not a time: a busy
 * machine runs the same garbage collections, only later.
 */
function youngGenerationMb(cap: boolean): number {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { capYoungGeneration, holdYoungGenerationCap } from ${JSON.stringify(MODULE)};
    if (${cap}) capYoungGeneration(8);
    const live = [];
    let x = 0, spawned = false;
    const OBJECTS = 2_000_000;
    const tick = () => {
      for (let i = 0; i < 20000; i++) { live.push({ a: 'y'.repeat(40) + x, b: [x] }); if (live.length > 500) live.shift(); x++; }
      if (!spawned && x >= OBJECTS / 2) {
        spawned = true;
        const w = new Worker('setTimeout(() => {}, 50)', { eval: true });
        w.on('online', holdYoungGenerationCap);
        w.unref();
      }
      if (x < OBJECTS) return setImmediate(tick);
      console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
    };
    tick();`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
}

describe('capYoungGeneration', () => {
  it('stops the young generation at 8 MB where V8 alone grows it further, across a worker start', () => {
    // V8 alone doubles it from 4 MB up to its 32 MB maximum within the first ~500,000 objects.
    const uncapped = youngGenerationMb(false);
    expect(uncapped).toBeGreaterThan(16);
    // The cap is applied after a garbage collection (and once the worker is up), so it may overshoot by one
    // doubling (src/worker/young-generation.ts): 16 MB at most, never V8's own growth to 32.
    const capped = youngGenerationMb(true);
    expect(capped).toBeLessThanOrEqual(16);
    expect(capped).toBeLessThan(uncapped);
  });
});
