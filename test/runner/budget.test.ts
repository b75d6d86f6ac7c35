// Run budgets and the run plan, end to end against the embedded simulator (in-process, library API):
// a plan over budget is refused before anything is sent; a run that reaches max_runs or max_cost_usd
// is stopped, with the reason in report.json; a flow with two models gives tokens and cost per model.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readJsonl, runCli, tempDir } from '../helpers/cli.js';
import { BudgetGuard } from '../../src/runner/budget.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

// Counts and files, not timing: the threads start cold.

const FLOWS = `seed: 1
flows:
  two-models:
    answers: echo
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 5, tokens_per_s: .inf, words_per_frame: 4, model: big, extra_usage: { small: { input_tokens: 1000, output_tokens: 10 } } }
`;
const PRICES = 'cost: { prices: { big: { input_per_mtok: 2, output_per_mtok: 8 }, small: { input_per_mtok: 0.15, output_per_mtok: 0.6 } } }';

function suiteDir(rows: number, extra: string, cost = PRICES): string {
  const dir = tempDir('flowbench-budget-');
  writeFileSync(join(dir, 'flows.yaml'), FLOWS);
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => `question ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: budget\ntarget: { flow_id: two-models, simulator: { flows: flows.yaml } }\ndataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }\n` +
      `metadata: true\n${cost}\n${extra}\n`,
  );
  return dir;
}

describe('run budgets', () => {
  it('a run whose plan is over max_runs is refused before anything is sent (no report folder)', async () => {
    const dir = suiteDir(6, 'variants: [{ name: a, version: 1 }, { name: b, version: 1 }]\nbudget: { max_runs: 10 }');
    const out = join(dir, 'out');
    await expect(lib.runSuite(join(dir, 'suite.yaml'), { outDir: out, progress: false })).rejects.toThrow(
      /plans 12 flow runs, over budget.max_runs 10; nothing was sent/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('--max-runs (the maxRuns override) refuses the same way, over the suite', async () => {
    const dir = suiteDir(4, 'budget: { max_runs: 100 }');
    await expect(lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, overrides: { maxRuns: 3 } })).rejects.toThrow(
      /plans 4 flow runs, over budget.max_runs 3/,
    );
  });

  it('a run whose estimated cost is over max_cost_usd is refused with the numbers', async () => {
    // Per run: big 100 in → $0.0002; small 1000 in + 10 out → $0.000156; 4 runs → $0.001424.
    const cost = PRICES.replace(/ }$/, ', expected_tokens: { big: { input: 100 }, small: { input: 1000, output: 10 } } }');
    const file = join(suiteDir(4, 'budget: { max_cost_usd: 0.001 }', cost), 'suite.yaml');
    await expect(lib.runSuite(file, { outDir: join(file, '../out'), progress: false })).rejects.toThrow(
      /estimated flow cost is \$0\.001424 \(estimated from cost\.expected_tokens\), over budget\.max_cost_usd \$0\.001/,
    );
  });

  it('a run that reaches max_runs stops sending: exactly that many results, stoppedEarly says why, exit 1', async () => {
    const dir = suiteDir(5, 'load: { concurrency: 2, duration: 20s }\nbudget: { max_runs: 7 }');
    const outcome = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false });
    expect(outcome.report.stoppedEarly).toMatchObject({ kind: 'budget', message: expect.stringMatching(/budget.max_runs 7 reached/) });
    expect(outcome.report.variants[0]!.requests).toBe(7);
    expect(readJsonl(join(dir, 'out/results.jsonl'))).toHaveLength(7);
    expect(outcome.report.verdict).toBe('fail');
    expect(outcome.exitCode).toBe(1);
  });

  it('a run that reaches max_cost_usd stops, and reports tokens and cost per model', async () => {
    // About $0.00036 a run (see above, the echo answer's own tokens added): $0.002 is reached within ~6 runs.
    const dir = suiteDir(5, 'load: { concurrency: 1, duration: 20s }\nbudget: { max_cost_usd: 0.002 }');
    const outcome = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, threads: 0 });
    const v = outcome.report.variants[0]!;
    expect(outcome.report.stoppedEarly).toMatchObject({ kind: 'budget', message: expect.stringMatching(/budget.max_cost_usd \$0.002 reached/) });
    expect(outcome.exitCode).toBe(1);
    expect(v.cost!.totalUsd).toBeGreaterThanOrEqual(0.002);
    // Stopped well before 20 s of load: far fewer runs than a second of this flow would send.
    expect(outcome.report.durationMs).toBeLessThan(15_000);
    expect(Object.keys(v.tokensByModel!).sort()).toEqual(['big', 'small']);
    expect(v.tokensByModel!.small).toEqual({ runs: v.requests, inputTokens: 1000 * v.requests, outputTokens: 10 * v.requests });
    const lines = readJsonl<any>(join(dir, 'out/results.jsonl'));
    for (const r of lines) {
      const big = r.usage.find((u: { model: string }) => u.model === 'big');
      expect(r.costUsd).toBeCloseTo((big.inputTokens * 2 + big.outputTokens * 8 + 1000 * 0.15 + 10 * 0.6) / 1e6, 12);
      expect(r.serverLatencyMs).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('flowbench plan', () => {
  it('every run states its plan second, before its first request', async () => {
    const dir = suiteDir(2, 'budget: { max_runs: 10 }');
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress', '--max-runs', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(
      'plan: 2 flow runs (published 2), 2 metadata GETs, ≤ 0 judge runs, 0 feedback posts; retries on top (up to 2 per request); no cost estimate: set cost.expected_tokens (or pass --from a saved run)',
    );
    expect(r.stdout).toContain('cost / passing answer');
  });

  it('states the flow runs, metadata GETs, judge runs and estimated cost, and exits 2 over --max-runs', async () => {
    const dir = suiteDir(3, 'variants: [{ name: a, version: 1 }, { name: b, version: 1 }]\nload: { warmup: 2 }');
    // A saved run to estimate with: one run of the same flow.
    const saved = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'saved'), progress: false, overrides: { limit: 1 } });
    expect(saved.exitCode).toBe(0);
    const r = await runCli(['plan', join(dir, 'suite.yaml'), '--from', join(dir, 'saved'), '--max-runs', '5']);
    expect(r.stdout).toMatch(/^plan: 8 flow runs \(a 3, b 3\), 2 of them warm-up, 8 metadata GETs, ≤ 0 judge runs, 0 feedback posts;/);
    expect(r.stdout).toMatch(/estimated flow cost \$0\.00\d+ \(from .*saved's tokens per request\)/);
    expect(r.stderr).toMatch(/the run plans 8 flow runs, over budget.max_runs 5; nothing was sent/);
    expect(r.code).toBe(2);
  });
});

describe('the in-run budget guard', () => {
  it('counts retries against max_runs: each is a flow run, billed like the first attempt', () => {
    const guard = new BudgetGuard({ maxRuns: 5, maxCostUsd: null });
    expect(guard.beforeSend()).toBeNull();
    expect(guard.beforeSend()).toBeNull();
    guard.ended(1);
    guard.ended(3); // two requests so far, one of them retried twice: 4 flow runs
    expect(guard.beforeSend()).toBeNull(); // the 5th
    expect(guard.beforeSend()?.message).toBe('budget.max_runs 5 reached: 5 flow runs were sent (2 of them retries), no more were started');
    expect(new BudgetGuard(null).beforeSend()).toBeNull();
  });
});
