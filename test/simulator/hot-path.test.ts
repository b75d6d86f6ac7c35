// The simulator's per-frame machinery: the shared frame clock, the concatenated frame JSON (byte-exact
// with JSON.stringify), and the start-up warm-up (which must exercise the real server path end to end).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nowMs } from '../../src/clock/clock.js';
import { EARLY_MS, FrameClock, type Due } from '../../src/simulator/frame-clock.js';
import { encodeFrame, frameJson, progressAt, progressOutput, streamFrame } from '../../src/simulator/wire.js';
import { PAUSE_REASON } from '../../src/simulator/faults.js';
import { warmUp } from '../../src/simulator/warm-up.js';

const waiter = (dueAt: number, fire: () => void): Due => ({ dueAt, slot: -1, fire });

describe('FrameClock', () => {
  it('fires every waiter once, in due order, never before its time', async () => {
    const clock = new FrameClock();
    const t0 = nowMs();
    const fired: Array<{ id: number; at: number; due: number }> = [];
    const offsets = [7, 1, 12, 3, 3, 20, 0, 5, 9, 15];
    await new Promise<void>((resolve) => {
      offsets.forEach((off, id) => {
        const due = t0 + off;
        clock.schedule(
          waiter(due, () => {
            fired.push({ id, at: nowMs(), due });
            if (fired.length === offsets.length) resolve();
          }),
        );
      });
    });
    expect(fired.map((f) => f.id).sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i));
    for (let i = 1; i < fired.length; i++) expect(fired[i]!.due).toBeGreaterThanOrEqual(fired[i - 1]!.due);
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due - EARLY_MS);
    expect(clock.size).toBe(0);
  });

  it('cancels and moves waiters', async () => {
    const clock = new FrameClock();
    const t0 = nowMs();
    const fired: string[] = [];
    const a = waiter(t0 + 2, () => fired.push('a'));
    const b = waiter(t0 + 4, () => fired.push('b'));
    const c = waiter(t0 + 6, () => fired.push('c'));
    for (const w of [a, b, c]) clock.schedule(w);
    clock.cancel(b);
    clock.cancel(b); // twice is harmless
    c.dueAt = t0 + 1;
    clock.schedule(c); // rescheduling moves it
    expect(clock.size).toBe(2);
    // A last waiter after b's old time: by then a b that was not cancelled would have fired.
    await new Promise<void>((resolve) => clock.schedule(waiter(t0 + 10, () => resolve())));
    expect(fired).toEqual(['c', 'a']);
    expect(b.slot).toBe(-1);
  });
});

describe('frameJson', () => {
  it('is exactly JSON.stringify of the frame', () => {
    const frames = fc.record({
      runId: fc.uuid(),
      outputs: fc.dictionary(fc.string(), fc.string({ unit: 'binary' }), { maxKeys: 3 }),
      progress: fc.oneof(fc.nat(8).map(progressAt), fc.boolean().map(progressOutput)),
      state: fc.constantFrom(null, 'COMPLETED', 'FAILED', 'PAUSED'),
      error: fc.option(fc.string({ unit: 'binary' })),
      pause: fc.constantFrom(null, PAUSE_REASON),
    });
    fc.assert(
      fc.property(frames, (f) => {
        const frame = streamFrame(f.runId, f.outputs, f.progress, f.state, f.error, f.pause);
        expect(frameJson(frame)).toBe(JSON.stringify(frame));
        expect(encodeFrame(frame, true)).toBe(`data: ${JSON.stringify(frame)}\n\n`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('warmUp', () => {
  it('gets every warm-up request answered through the real server path', async () => {
    expect(await warmUp({ requests: 120, connections: 6, timeoutMs: 20_000 })).toBe(120);
  });
});
