// harness.json's section from thread snapshots: the run-level figures, the threshold metrics, and one
// plain sentence per worry (and none when all is well).
import { describe, expect, it } from 'vitest';
import { harnessMetric, harnessReport } from '../../src/harness/harness-report.js';
import { snap, troubledHarness, variant } from './fixtures.js';

describe('harnessReport', () => {
  it('a quiet run: figures over the request threads, no warning', () => {
    const h = harnessReport(
      [snap({ threadId: 2, eventLoopDelayMs: { p99: 2.5, max: 6 } }), snap({ role: 'main', threadId: 0 }), snap({ threadId: 1 })],
      [variant('a', 50)],
    );
    expect(h.stallMs).toBe(20);
    expect(h.threads.map((t) => `${t.role}:${t.threadId}`)).toEqual(['main:0', 'request:1', 'request:2']);
    expect(h.requestThreads).toEqual({ delayP99Ms: 2.5, delayMaxMs: 6, maxStallMs: 0, stalls: 0 });
    expect(h.stalledResults).toBe(0);
    expect(h.warnings).toEqual([]);
    expect(structuredClone(h)).toEqual(h);
  });

  it('stalls, delay and a busy thread: each a sentence with numbers and units', () => {
    const h = troubledHarness();
    expect(h.requestThreads).toEqual({ delayP99Ms: 14.24, delayMaxMs: 312, maxStallMs: 312.4, stalls: 3 });
    expect(h.stalledResults).toBe(14);
    expect(h.warnings).toEqual([
      'the harness stalled 3 times on its request threads (longest 312 ms): 14 of 200 results were in flight during a stall and may be inflated by up to 312 ms',
      "the request threads' event-loop delay p99 was 14.2 ms (over 10 ms; max 312 ms): timings may be inflated by up to 312 ms",
      '1 of 2 request threads was busy 96% of the time (over 90%): the client may be the bottleneck',
    ]);
  });

  it('a stall no result overlapped, a busy main thread, a stall on a grading thread (not a timing one)', () => {
    const h = harnessReport(
      [
        snap({ stalls: { count: 1, totalMs: 45, maxMs: 45 } }),
        snap({ role: 'main', threadId: 0, utilization: 0.93 }),
        snap({ role: 'grading', threadId: 5, stalls: { count: 4, totalMs: 900, maxMs: 500 } }),
      ],
      [variant('a', 10)],
      { stallMs: 25 },
    );
    expect(h.stallMs).toBe(25);
    expect(h.requestThreads.maxStallMs).toBe(45);
    expect(h.warnings).toEqual([
      'the harness stalled once on its request threads (longest 45 ms): none of the 10 results was in flight during one',
      'the main thread was busy 93% of the time (over 90%): the client may be the bottleneck',
    ]);
  });

  it('--threads 0: the main thread timed the requests, so its figures are the timing ones', () => {
    const h = harnessReport(
      [snap({ role: 'main', threadId: 0, eventLoopDelayMs: { p99: 11, max: 80 }, stalls: { count: 2, totalMs: 150, maxMs: 80 } })],
      [variant('a', 20, 2, 80)],
    );
    expect(h.requestThreads).toEqual({ delayP99Ms: 11, delayMaxMs: 80, maxStallMs: 80, stalls: 2 });
    expect(h.warnings).toEqual([
      'the harness stalled twice on the main thread, which timed the requests (longest 80 ms): 2 of 20 results were in flight during a stall and may be inflated by up to 80 ms',
      "the main thread's event-loop delay p99 was 11 ms (over 10 ms; max 80 ms): timings may be inflated by up to 80 ms",
    ]);
  });

  it('busy request threads: one named alone, several counted with the busiest', () => {
    const one = harnessReport([snap({ utilization: 0.95 })], []);
    expect(one.warnings).toEqual(['the request thread was busy 95% of the time (over 90%): the client may be the bottleneck']);
    const two = harnessReport([snap({ utilization: 0.95 }), snap({ threadId: 2, utilization: 0.99 }), snap({ threadId: 3 })], []);
    expect(two.warnings).toEqual(['2 of 3 request threads were busy over 90% of the time (busiest 99%): the client may be the bottleneck']);
  });

  it('no thread snapshots: nothing measured, nothing warned', () => {
    const h = harnessReport([], [variant('a', 3)]);
    expect(h.requestThreads).toEqual({ delayP99Ms: null, delayMaxMs: null, maxStallMs: null, stalls: 0 });
    expect(h.warnings).toEqual([]);
  });
});

describe('harnessMetric', () => {
  it('the longest request-thread stall (0 when none) and the largest request-thread delay p99', () => {
    expect(harnessMetric(troubledHarness(), 'harness_stall_ms')).toBe(312.4);
    expect(harnessMetric(troubledHarness(), 'harness_delay_p99_ms')).toBe(14.24);
    const quiet = harnessReport([snap()], []);
    expect(harnessMetric(quiet, 'harness_stall_ms')).toBe(0);
    expect(harnessMetric(quiet, 'harness_delay_p99_ms')).toBe(1.5);
  });

  it('null when the run was not watched', () => {
    expect(harnessMetric(null, 'harness_stall_ms')).toBeNull();
    expect(harnessMetric(undefined, 'harness_delay_p99_ms')).toBeNull();
    expect(harnessMetric(harnessReport([], []), 'harness_stall_ms')).toBeNull();
  });
});
