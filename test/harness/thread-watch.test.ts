// A thread watch on this thread: its snapshot is plain data with sane figures, a busy loop shows up
// in every figure, reset() leaves start-up out and stop() freezes the figures.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../src/clock/clock.js';
import { statTicks } from '../../src/harness/thread-cpu.js';
import { startThreadWatch, type ThreadWatchSnapshot } from '../../src/harness/thread-watch.js';
import type { Stall } from '../../src/harness/stall-detector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const end = nowMs() + ms;
  while (nowMs() < end) {
    /* block the event loop */
  }
};
/** Blocks the event loop until this process has used `ms` of CPU (at least `ms` of wall clock too), however busy the machine. */
const busyCpu = (ms: number) => {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const end = cpu() + ms;
  while (cpu() < end) {
    /* block the event loop */
  }
};

function expectSane(s: ThreadWatchSnapshot): void {
  const d = s.eventLoopDelayMs;
  for (const v of [d.p50, d.p99, d.max, d.mean, s.measuredMs, s.stalls.totalMs, s.stalls.maxMs]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(d.p50).toBeLessThanOrEqual(d.p99);
  expect(d.p99).toBeLessThanOrEqual(d.max);
  expect(s.utilization).toBeGreaterThanOrEqual(0);
  expect(s.utilization).toBeLessThanOrEqual(1);
  // On Linux the thread's own CPU time is always readable (process.threadCpuUsage or /proc).
  if (process.platform === 'linux') expect(s.cpuMs).not.toBeNull();
  expect(structuredClone(s)).toEqual(s);
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
}

describe('startThreadWatch', () => {
  it('an idle thread: small delay, low utilisation, no stall', async () => {
    // A stall threshold above a busy machine's scheduling hiccups: only a watch that invents stalls fails.
    const w = startThreadWatch({ role: 'main', stallMs: 250 });
    await sleep(300);
    const s = w.snapshot();
    w.stop();
    expectSane(s);
    expect(s).toMatchObject({ role: 'main', threadId, stalls: { count: 0, totalMs: 0, maxMs: 0 } });
    expect(s.measuredMs).toBeGreaterThanOrEqual(290);
    expect(s.measuredMs).toBeLessThan(2000);
    expect(s.utilization).toBeLessThan(0.5);
    expect(s.eventLoopDelayMs.p50).toBeLessThan(25); // ~1 ms when idle; room for a busy shared machine
    expect(s.cpuMs ?? 0).toBeLessThan(200);
  });

  it('a 150 ms busy loop: one stall, the delay max, utilisation and CPU time all show it', async () => {
    const stalls: Stall[] = [];
    const w = startThreadWatch({ role: 'request', stallMs: 50, onStall: (s) => stalls.push(s) });
    await sleep(50);
    busyCpu(150); // on CPU for 150 ms: a shared machine lengthens the wall time, never the CPU time
    await sleep(60);
    const s = w.snapshot();
    w.stop();
    expectSane(s);
    // The busy loop is one stall; a machine this busy may add one of its own (the thread not scheduled).
    expect(stalls.length).toBeGreaterThanOrEqual(1);
    expect(s.stalls.count).toBe(stalls.length);
    expect(s.stalls.maxMs).toBeGreaterThanOrEqual(150);
    // Upper bounds that a machine twice as slow (or a thread descheduled for a while) still meets.
    expect(s.stalls.maxMs).toBeLessThan(5000);
    expect(s.eventLoopDelayMs.max).toBeGreaterThanOrEqual(120);
    expect(s.eventLoopDelayMs.max).toBeLessThan(5000);
    expect(s.utilization).toBeGreaterThan(0.4);
    // Ticks of 10 ms, and the shared machine may have run something else meanwhile.
    if (s.cpuMs !== null) expect(s.cpuMs).toBeGreaterThanOrEqual(60);
  });

  it('reset() leaves out what came before it', async () => {
    const w = startThreadWatch({ role: 'grading', stallMs: 250 });
    busy(400);
    await sleep(20);
    w.reset();
    await sleep(100);
    const s = w.snapshot();
    w.stop();
    // The threshold and the bound sit above a busy machine's scheduling hiccups, below the 400 ms loop.
    expect(s.stalls.count).toBe(0);
    expect(s.eventLoopDelayMs.max).toBeLessThan(300); // the 400 ms loop before reset() is not in it
    expect(s.measuredMs).toBeLessThan(1000);
    expect(s.cpuMs ?? 0).toBeLessThan(100);
  });

  it('stop() freezes the snapshot and ends the timers', async () => {
    const w = startThreadWatch({ role: 'main' });
    await sleep(20);
    w.stop();
    const a = w.snapshot();
    busy(80);
    await sleep(20);
    expect(w.snapshot()).toEqual(a);
  });
});

describe('statTicks', () => {
  it('adds utime and stime, counting fields from the last ")" of the command name', () => {
    const rest = 'S 1 1 1 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 1 0 500 0 0';
    expect(statTicks(`42 (node) ${rest}`)).toBe(42);
    expect(statTicks(`42 (a) b) c) ${rest}`)).toBe(42);
    expect(statTicks('garbage')).toBeNull();
  });
});
