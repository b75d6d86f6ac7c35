// The suite's `load:` section: defaults per model, flags, and every refused combination at its line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import type { SuiteOverrides } from '../../src/suite/types.js';

function suiteFile(load: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-loadkeys-'));
  writeFileSync(join(dir, 'd.csv'), 'q\na\n');
  // Line 5 is the first line of the load section.
  writeFileSync(join(dir, 's.yaml'), `name: k\ntarget: { flow_id: f }\ndataset: { path: d.csv, inputs: { in-0: "{{q}}" } }\nload:\n${load}\n`);
  return join(dir, 's.yaml');
}
const load = (yaml: string, overrides: SuiteOverrides = {}) => loadSuite(suiteFile(yaml), { env: {}, overrides }).then((s) => s.load);

describe('load section', () => {
  it.each([
    ['  concurrency: 3', { kind: 'closed-loop', concurrency: 3, iterations: 1 }],
    ['  rate: 5', { kind: 'open-loop', concurrency: 1000, iterations: 1, rate: 5, arrival: 'constant' }],
    ['  rate: 5\n  duration: 10s', { iterations: null, durationMs: 10_000 }],
    ['  rate: 5\n  arrival: poisson\n  requests: 40\n  concurrency: 8', { concurrency: 8, arrival: 'poisson', requests: 40, iterations: null }],
    [
      '  stages:\n    - { rate: 1, to: 20, duration: 60s }\n    - { rate: 20, duration: 2m }',
      {
        kind: 'ramping-rate',
        stages: [
          { from: 1, to: 20, durationMs: 60_000 },
          { from: 20, to: 20, durationMs: 120_000 },
        ],
        concurrency: 1000,
      },
    ],
    [
      '  stages:\n    - { concurrency: 2, to: 12, duration: 30s }',
      { kind: 'ramping-concurrency', stages: [{ from: 2, to: 12, durationMs: 30_000 }], concurrency: 12 },
    ],
    [
      '  sweep: { from: 5, to: 50, duration: 20s }',
      { kind: 'sweep', sweep: { from: 5, to: 50, steps: 5, durationMs: 20_000, minRate: null }, iterations: null },
    ],
    ['  sweep: { from: 5, to: 50, duration: 20s, min_rate: 20 }', { sweep: { from: 5, to: 50, steps: 5, durationMs: 20_000, minRate: 20 } }],
    ['  warmup: 20', { warmup: { requests: 20 } }],
    ['  warmup: 10s\n  grace: 1s', { warmup: { durationMs: 10_000 }, graceMs: 1000 }],
  ])('%s', async (yaml, want) => {
    expect(await load(yaml)).toMatchObject(want);
  });

  it.each([
    ['  rate: 5\n  sweep: { from: 1, to: 2, duration: 1s }', 6, /sweep and load.rate/],
    ['  rate: 5\n  stages: [{ rate: 1, duration: 1s }]', 6, /stages and load.rate/],
    ['  stages:\n    - { rate: 1, duration: 1s }\n    - { concurrency: 3, duration: 1s }', 7, /ramps concurrency, but the first stage ramps rate/],
    ['  stages:\n    - { duration: 1s }', 6, /exactly one of rate or concurrency/],
    ['  stages:\n    - { concurrency: 1, to: 2.5, duration: 1s }', 6, /whole number/],
    ['  warmup: soon', 5, /load.warmup must be a request count or a duration/],
    ['  sweep: { from: 1, to: 2, steps: 1, duration: 1s }', 5, /steps must be an integer >= 2/],
    ['  sweep:\n    from: 1\n    to: 2\n    duration: 1s\n    min_rate: 3', 9, /min_rate 3 is above every step rate/],
    ['  arrival: bursty', 5, /one of constant \| poisson/],
  ])('refuses %j at line %d', async (yaml, line, message) => {
    const err = await load(yaml).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(line);
    expect((err as ConfigError).message).toMatch(message);
    expect((err as ConfigError).hint).toBeTruthy();
  });

  it('flags: --rate replaces stages and a closed-loop concurrency, --concurrency caps it, --duration cycles rows', async () => {
    expect(await load('  concurrency: 3', { rate: 10 })).toMatchObject({ kind: 'open-loop', rate: 10, concurrency: 1000 });
    expect(await load('  concurrency: 3', { rate: 10, concurrency: 2 })).toMatchObject({ rate: 10, concurrency: 2 });
    expect(await load('  stages: [{ rate: 1, to: 5, duration: 1s }]', { rate: 3 })).toEqual(expect.objectContaining({ kind: 'open-loop', rate: 3 }));
    expect(await load('  stages: [{ rate: 1, to: 5, duration: 1s }]', { rate: 3 })).not.toHaveProperty('stages');
    expect(await load('  sweep: { from: 1, to: 2, duration: 1s }', { rate: 3 })).not.toHaveProperty('sweep');
    // --concurrency replaces concurrency ramps with a closed loop, but only caps a rate ramp.
    expect(await load('  stages: [{ concurrency: 1, to: 5, duration: 1s }]', { concurrency: 2 })).toMatchObject({ kind: 'closed-loop', concurrency: 2 });
    expect(await load('  stages: [{ rate: 1, to: 5, duration: 1s }]', { concurrency: 2 })).toMatchObject({ kind: 'ramping-rate', concurrency: 2 });
    expect(await load('  concurrency: 3', { duration: '5s' })).toMatchObject({ durationMs: 5000, iterations: null });
    expect(await load('  rate: 2', { arrival: 'poisson', requests: 9 })).toMatchObject({ arrival: 'poisson', requests: 9 });
    await expect(load('  rate: 2', { arrival: 'uniform' })).rejects.toThrow(/--arrival must be constant or poisson/);
  });
});
