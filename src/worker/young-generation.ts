// Caps the main thread's young generation for `flowbench run`. V8 grows a busy thread's young generation
// to 32 MB (two 16 MB semi-spaces) and never gives it back; the main thread's garbage is short-lived
// (one record and one results.jsonl line per request), so 8 MB serves it as well and the run's RSS is
// ~20 MB lower (bench/memory.mjs). The worker threads get the same cap through resourceLimits.
// The size is fixed when the process starts (--max-semi-space-size), so from inside the process the cap
// stops the growth instead: once the young generation holds the cap, V8's growth factor becomes 1.
// Starting a worker thread puts V8's flags back, so the pool holds the cap again once its threads are up.
// A library caller's process is left alone: only the CLI turns this on.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const MB = 1024 * 1024;
let capBytes = 0;

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Stops the young generation from growing once it holds `maxMb` (it may overshoot by one doubling). */
export function capYoungGeneration(maxMb = 8): void {
  if (capBytes > 0) return;
  capBytes = maxMb * MB;
  holdYoungGenerationCap();
  // The young generation only grows after a garbage collection: check after each one, also once the cap
  // holds (a few µs each): a worker thread's start can put the flag back after the pool re-applied it, and
  // an observer that stopped at the cap let the young generation grow to 16 MB (young-generation.test.ts).
  new PerformanceObserver(holdYoungGenerationCap).observe({ entryTypes: ['gc'] });
}

/** Applies the cap again (after a worker thread started); does nothing unless capYoungGeneration ran. */
export function holdYoungGenerationCap(): void {
  if (capBytes > 0 && youngGenerationBytes() >= capBytes) v8.setFlagsFromString('--semi-space-growth-factor=1');
}
