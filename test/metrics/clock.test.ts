// toIso's reused per-second prefix must give exactly what Date#toISOString gives, whatever the order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso } from '../../src/clock/clock.js';

describe('toIso', () => {
  it('equals Date#toISOString for any time, in any order (fractional ms are cut, as Date does)', () => {
    const anchor = { monoMs: 5_000.25, epochMs: 1_790_000_000_000 };
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3e9, max: 3e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (offsets) => {
        for (const d of offsets) {
          const mono = anchor.monoMs + d;
          expect(toIso(anchor, mono)).toBe(new Date(Math.floor(anchor.epochMs + (mono - anchor.monoMs))).toISOString());
        }
      }),
    );
  });
  it('handles the edges of a second and of a millisecond', () => {
    const anchor = { monoMs: 0, epochMs: Date.UTC(2026, 10, 28, 23, 59, 59, 999) };
    expect(toIso(anchor, 0)).toBe('2026-11-28T23:59:59.999Z');
    expect(toIso(anchor, 0.9)).toBe('2026-11-28T23:59:59.999Z');
    expect(toIso(anchor, 1)).toBe('2026-11-29T00:00:00.000Z');
    expect(toIso(anchor, 10)).toBe('2026-11-29T00:00:00.009Z');
    expect(toIso(anchor, 100)).toBe('2026-11-29T00:00:00.099Z');
    expect(toIso(anchor, -1000)).toBe('2026-11-28T23:59:58.999Z');
  });
});
