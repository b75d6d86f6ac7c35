// --start-at parsing is pure (the current time is an argument): table-tested without timers. The wait is
// tested with a real clock against the run's anchor; the e2e side lives in test/shard/start-at.test.ts.
import { describe, expect, it } from 'vitest';
import { anchorClock, nowMs } from '../../src/clock/clock.js';
import { MAX_START_AHEAD_MS, parseStartAt, waitForStart } from '../../src/runner/start-at.js';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

describe('parseStartAt', () => {
  it.each([
    ['+30s', NOW + 30_000],
    ['+1m30s', NOW + 90_000],
    ['+500ms', NOW + 500],
    ['+0s', NOW],
    [' +2m ', NOW + 120_000],
    ['2026-05-01T12:05:00Z', NOW + 300_000],
    ['2026-05-01T14:05:00+02:00', NOW + 300_000],
    ['2026-05-01T12:05Z', NOW + 300_000],
    ['2026-05-01T12:00:01.2345Z', NOW + 1235], // a fraction of a ms rounds up: never a clock start before the moment
    [new Date(NOW + MAX_START_AHEAD_MS).toISOString(), NOW + MAX_START_AHEAD_MS],
  ])('%s is %d', (text, atMs) => {
    expect(parseStartAt(text, NOW)).toEqual({ requested: text, atMs });
  });

  it('a leap day is a real day', () => {
    expect(parseStartAt('2028-02-29T00:00:00Z', Date.UTC(2028, 1, 28))).toEqual({ requested: '2028-02-29T00:00:00Z', atMs: Date.UTC(2028, 1, 29) });
  });

  it('a moment already past is kept, marked with how long ago', () => {
    expect(parseStartAt('2026-05-01T11:59:00Z', NOW)).toEqual({ requested: '2026-05-01T11:59:00Z', atMs: NOW - 60_000, pastByMs: 60_000 });
  });

  it.each([
    ['', 'neither an ISO 8601 time nor +DURATION'],
    ['30s', 'neither an ISO 8601 time nor +DURATION'],
    ['now', 'neither an ISO 8601 time nor +DURATION'],
    ['+', 'after "+" comes a duration'],
    ['+-5s', 'after "+" comes a duration'],
    ['+5 minutes', 'after "+" comes a duration'],
    ['2026-05-01T12:05:00', 'has no time zone'],
    ['2026-05-01 12:05:00Z', 'neither an ISO 8601 time'],
    ['2026-05-01T25:00:00Z', 'not a real date and time'],
    ['2026-02-29T10:00:00Z', 'not a real date and time'], // 2026 is no leap year
    ['2026-04-31T10:00:00Z', 'not a real date and time'],
    ['+24h1s', 'more than 24 h'],
    [new Date(NOW + MAX_START_AHEAD_MS + 1).toISOString(), 'more than 24 h'],
  ])('%j is refused: %s', (text, why) => {
    const r = parseStartAt(text, NOW);
    expect(typeof r).toBe('string');
    expect(r).toContain(why);
    expect(r).toContain(`--start-at ${JSON.stringify(text)}`);
  });
});

describe('waitForStart', () => {
  it("returns once the anchor's wall clock has reached the moment, not before", async () => {
    const anchor = anchorClock();
    const atMs = Date.now() + 150;
    await waitForStart({ requested: '+150ms', atMs }, anchor, () => false);
    const wall = anchor.epochMs + (nowMs() - anchor.monoMs);
    expect(wall).toBeGreaterThanOrEqual(atMs);
    expect(wall - atMs).toBeLessThan(1000);
  });

  it('a stop ends the wait at once', async () => {
    const anchor = anchorClock();
    let stop = false;
    setTimeout(() => (stop = true), 50);
    const t0 = nowMs();
    await waitForStart({ requested: '+60s', atMs: Date.now() + 60_000 }, anchor, () => stop);
    expect(nowMs() - t0).toBeLessThan(1000);
  });
});
