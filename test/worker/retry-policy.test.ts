import { describe, expect, it } from 'vitest';
import { backoffMs, shouldRetry, withRetries } from '../../src/worker/retry-policy.js';
import type { ErrorKind, InvokeOutcome } from '../../src/stackai/types.js';

const outcome = (kind: ErrorKind | null, contentFrames = 0): InvokeOutcome => ({
  ok: kind === null,
  status: null,
  runId: null,
  outputs: {},
  error: kind ? { kind, message: '', status: null } : null,
  sentAt: 0,
  firstByteAt: null,
  contentFrameAt: Array.from({ length: contentFrames }, (_, i) => i),
  endAt: 1,
  frames: 0,
});

describe('retry policy', () => {
  it.each([
    ['http_429', 0, 1, 2, true],
    ['http_5xx', 0, 2, 2, true],
    ['http_5xx', 0, 3, 2, false], // out of retries
    ['connect', 0, 1, 2, true],
    ['reset', 0, 1, 2, true],
    ['reset', 3, 1, 2, false], // content had begun: not retried
    ['http_401', 0, 1, 2, false],
    ['flow_error', 0, 1, 2, false],
    ['timeout', 0, 1, 2, false],
  ] as const)('%s with %d content frames, attempt %d of %d retries -> %s', (kind, frames, attempt, max, want) => {
    expect(shouldRetry(outcome(kind, frames), attempt, max)).toBe(want);
  });
  it('never retries a success', () => expect(shouldRetry(outcome(null), 1, 5)).toBe(false));
  it.each([
    ['reset', 3, false, false],
    ['reset', 3, true, true],
    ['incomplete_stream', 2, true, true],
    ['timeout', 2, true, true],
    ['incomplete_stream', 0, true, false], // before content only the transport kinds are retried
    ['flow_error', 2, true, false], // the flow answered an error: re-running it is not a transport retry
    ['protocol', 2, true, false],
    ['paused', 2, true, false],
  ] as const)('retry_partial: %s after %d content frames, retryPartial %s -> %s', (kind, frames, partial, want) => {
    expect(shouldRetry(outcome(kind, frames), 1, 2, { retryPartial: partial })).toBe(want);
  });
  it('caps a very long Retry-After', () => expect(backoffMs(1, 3_600_000, 0.5)).toBe(60_000));
  it('honours Retry-After, else full jitter under an exponential ceiling', () => {
    expect(backoffMs(1, 2000, 0.5)).toBe(2000);
    expect(backoffMs(1, null, 0.999)).toBeLessThan(250);
    expect(backoffMs(3, null, 0.999)).toBeLessThan(1000);
    expect(backoffMs(3, null, 0.999)).toBeGreaterThan(900);
    expect(backoffMs(30, null, 0.999)).toBeLessThanOrEqual(10_000);
    expect(backoffMs(2, null, 0)).toBe(0);
  });
});

describe('withRetries: the one loop for requests, judge calls and feedback posts', () => {
  it('stops at the first success; logs every attempt with the backoff waited after it', async () => {
    const answers = ['http_429', 'http_5xx', null, 'http_5xx'] as const;
    const seen: number[] = [];
    const log = await withRetries(
      { retry: (o: InvokeOutcome, n) => shouldRetry(o, n, 5), retryAfterMs: (o) => (o.error?.kind === 'http_429' ? 7 : null) },
      async (n) => (seen.push(n), outcome(answers[n - 1]!)),
      () => 0,
    );
    expect(seen).toEqual([1, 2, 3]);
    expect(log.map((a) => [a.result.ok, a.backoffMs])).toEqual([
      [false, 7],
      [false, 0],
      [true, undefined],
    ]);
  });
  it('gives up after the policy says so: retries + 1 attempts, the last one final', async () => {
    const log = await withRetries(
      { retry: (o: InvokeOutcome, n) => shouldRetry(o, n, 2) },
      async () => outcome('connect'),
      () => 0,
    );
    expect(log).toHaveLength(3);
    expect(log.at(-1)!.backoffMs).toBeUndefined();
    expect(log.slice(0, -1).every((a) => a.backoffMs === 0)).toBe(true);
  });
  it('an attempt that throws ends the loop with that error (nothing retries a bug)', async () => {
    let n = 0;
    await expect(
      withRetries(
        { retry: () => true },
        async () => {
          n++;
          throw new Error('boom');
        },
        () => 0,
      ),
    ).rejects.toThrow('boom');
    expect(n).toBe(1);
  });
});
