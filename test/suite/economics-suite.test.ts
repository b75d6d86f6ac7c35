// Loading the cost, goodput and budget sections: normalised values, a prices file, and each mistake
// refused at its line with a fix (exit 2), never a run that could only fail as "not measured".
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/errors/config-error.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import { cleanFixtures, CSV, fixture } from './fixtures.js';

afterAll(cleanFixtures);

const BASE = `name: cost
target: { flow_id: f1 }
dataset: { path: data/d.csv, inputs: { in-0: "{{question}}" } }
metadata: true
`;

async function load(yaml: string, files: Record<string, string> = {}) {
  const dir = fixture({ 'suites/s.yaml': BASE + yaml, 'suites/data/d.csv': CSV, ...files });
  return loadSuite(join(dir, 'suites/s.yaml'), { env: {} });
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ConfigError,
  );

describe('cost, goodput and budget sections', () => {
  it('normalises prices (the suite over a prices file), goodput, budget and server_latency', async () => {
    const s = await load(
      `cost: { prices_file: prices.yaml, prices: { m1: { input_per_mtok: 1, output_per_mtok: 2 } }, expected_tokens: { m1: { input: 300 } } }
goodput: { ttft_ms: 800, latency_ms: 4000 }
budget: { max_runs: 100 }
thresholds: { cost_per_pass_usd: "< 0.01", goodput_share: ">= 0.8" }
compare: { fail_on: { cost_mean_increase: 10% } }
`,
      { 'suites/prices.yaml': '# dated 2025-01-01\nm1: { input_per_mtok: 9, output_per_mtok: 9 }\nm2: { input_per_mtok: 0.5, output_per_mtok: 1.5 }\n' },
    );
    expect(s.cost).toEqual({
      prices: { m1: { inputPerMtok: 1, outputPerMtok: 2 }, m2: { inputPerMtok: 0.5, outputPerMtok: 1.5 } },
      expectedTokens: { m1: { input: 300, output: 0 } },
    });
    expect(s.goodput).toEqual({ ttftMs: 800, latencyMs: 4000, itlP95Ms: null, requirePass: true });
    expect(s.budget).toEqual({ maxRuns: 100, maxCostUsd: null });
    const dir = fixture({
      'suites/s.yaml': BASE.replace('metadata: true', 'metadata: { server_latency: { path: timing.total_ms, unit: ms } }'),
      'suites/data/d.csv': CSV,
    });
    const withPath = await loadSuite(join(dir, 'suites/s.yaml'), { env: {} });
    expect(withPath.metadata.serverLatency).toEqual({ path: 'timing.total_ms', unit: 'ms' });
    expect(s.metadata.serverLatency).toBeUndefined(); // the default (StackAI's latency, in s) is the runner's
  });

  it('refuses each mistake at its line, with a fix', async () => {
    const cases: [string, Record<string, string>, RegExp, number][] = [
      ['thresholds: { cost_total_usd: "< 1" }\n', {}, /cost needs prices, and the suite has no cost section/, 5],
      ['thresholds: { goodput_rps: "> 1" }\n', {}, /goodput needs objectives/, 5],
      [
        'cost: { prices_file: p.yaml }\n',
        { 'suites/p.yaml': 'm1:\n  input_per_mtok: 1\n  output: 2\n' },
        /prices of "m1" need input_per_mtok and output_per_mtok/,
        1,
      ],
      ['cost: { prices_file: missing.yaml }\n', {}, /prices file not found/, 0],
      ['cost: { prices: { m1: { input_per_mtok: 1 } } }\n', {}, /output_per_mtok/, 5],
      ['goodput: { require_pass: false }\n', {}, /goodput names no objective/, 5],
      ['budget: {}\n', {}, /budget names no limit/, 5],
      ['load: { sweep: { from: 1, to: 2, duration: 1s, by: goodput } }\n', {}, /sweep.by: goodput needs goodput objectives/, 5],
    ];
    for (const [yaml, files, message, line] of cases) {
      const err = await failure(load(yaml, files));
      expect(err, yaml).not.toBeNull();
      expect(err!.message, yaml).toMatch(message);
      if (line > 0) expect(err!.line, yaml).toBe(line);
      expect(err!.hint, yaml).toBeTruthy();
    }
  });

  it('cost with metadata off is refused (cost is read from the metadata)', async () => {
    const dir = fixture({
      'suites/s.yaml': `${BASE.replace('metadata: true', 'metadata: false')}cost: { prices: { m1: { input_per_mtok: 1, output_per_mtok: 2 } } }\n`,
      'suites/data/d.csv': CSV,
    });
    const err = await failure(loadSuite(join(dir, 'suites/s.yaml'), { env: {} }));
    expect(err?.message).toMatch(/metadata is off/);
  });
});
