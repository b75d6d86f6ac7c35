// End to end: real suites run by the built CLI against the simulator; results checked against
// what the simulator knows it answered (correctness, exact text, timing, feedback).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { ROOT, readJson, readJsonl, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

const TOKEN = 'sim-e2e-token';
let sim: LocalSimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 42 });
});
afterAll(() => sim.close());

function suite(dir: string, body: string): string {
  copyFileSync(join(ROOT, 'datasets/support.csv'), join(dir, 'support.csv'));
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, body);
  return file;
}

const target = (flow: string) => `target:
  base_url: ${sim.url}
  org_id: acme
  flow_id: ${flow}
  token: \${SIM_TOKEN}`;

describe('the demo suite against the simulator', () => {
  it("npm start's suite: two variants, percentiles, pass rates, and the draft measurably differs", async () => {
    const dir = tempDir();
    const stepSummary = join(dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const r = await runCli(['run', 'suites/demo.yaml', '--out', join(dir, 'out'), '--no-progress'], { env: { GITHUB_STEP_SUMMARY: stepSummary } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/published.*\n.*draft/);
    const report = readJson<any>(join(dir, 'out/report.json'));
    const [pub, draft] = report.variants;
    expect([pub.name, draft.name]).toEqual(['published', 'draft']);
    for (const v of report.variants) {
      expect(v.requests).toBe(48);
      expect(v.ok).toBe(48);
      for (const m of ['ttftMs', 'latencyMs', 'ttfbMs', 'itlMs']) expect(v[m].p50).toBeGreaterThan(0);
      expect(v.ttftMs.p95).toBeGreaterThanOrEqual(v.ttftMs.p50);
      expect(v.latencyMs.p99).toBeGreaterThanOrEqual(v.latencyMs.p95);
      expect(v.metadataFetched).toBe(48);
      expect(v.metadataMetrics.tokens.count).toBe(48);
    }
    expect(pub.grades.passRate - draft.grades.passRate).toBeGreaterThanOrEqual(0.1);
    expect(draft.ttftMs.p50).toBeLessThan(pub.ttftMs.p50);
    expect(readJsonl(join(dir, 'out/results.jsonl'))).toHaveLength(96);
    expect(report.verdict).toBe('pass');
    // The demo's example prices: cost per passing answer and goodput per variant, in report.json and the table.
    expect(r.stdout).toContain('cost / passing answer');
    for (const v of report.variants) {
      expect(v.cost).toMatchObject({ results: 48, unknown: 0 });
      expect(v.cost.perPassUsd).toBeCloseTo(v.cost.totalUsd / v.grades.passed, 8);
      expect(v.goodput.good).toBeGreaterThan(0);
      expect(v.goodput.good).toBeLessThanOrEqual(v.grades.passed);
      // The judge runs made are priced from their own metadata, apart; cache hits cost nothing again.
      expect(v.cost.judge).toMatchObject({ results: v.judge.calls, unknown: 0 });
      expect(v.cost.judge.totalUsd).toBeGreaterThan(0);
    }
    expect(r.stdout).toMatch(/judge runs for published: \d+ made.*cost \$[\d.e-]+: apart from the figures above/);
    expect(Object.keys(draft.tokensByModel).sort()).toEqual(['gpt-4.1-mini', 'gpt-4o-mini']); // the draft's guard step
    expect(draft.cost.perPassUsd).toBeGreaterThan(pub.cost.perPassUsd);

    // Every grader of the demo has rows that pass and rows that fail (across both variants), none errs.
    const names = Object.keys(pub.graders);
    expect(names).toEqual(['correct', 'no-deflection', 'starts-with', 'contains-all', 'similarity', 'length', 'ttft', 'script', 'judge']);
    for (const n of names) {
      const passed = pub.graders[n].passed + draft.graders[n].passed;
      const failed = pub.graders[n].failed + draft.graders[n].failed;
      expect(passed, n).toBeGreaterThan(0);
      expect(failed, n).toBeGreaterThan(0);
      expect(pub.graders[n].errors + draft.graders[n].errors, n).toBe(0);
    }
    // The judge flow's calls are measured apart: 48 each, not in the flow's own latency histogram. An
    // answer both variants gave is judged once: the other's grade is the judge cache's (calls + cached).
    for (const v of report.variants) {
      expect(v.judge.calls + v.judge.cached).toBe(48);
      expect(v.judge).toMatchObject({ failed: 0 });
      expect(v.judge.latencyMs.p50).toBeGreaterThan(0);
      expect(v.latencyMs.count).toBe(48);
    }
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    for (const res of results.slice(0, 10)) {
      const j = res.grades.find((g: any) => g.grader === 'judge').judge;
      expect(sim.run(j.runId)).toBeUndefined(); // the run's own simulator, not this test's, answered it
      expect(j).toMatchObject({ flowId: 'support-judge', ok: true, attempts: 1 });
    }

    // CI outputs: junit.xml (a testcase per row x variant plus one per threshold) and the step summary.
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(96 + report.thresholds.length);
    expect(junit.match(/<failure type="grade"/g)).toHaveLength(pub.grades.failed + draft.grades.failed);
    const summary = readFileSync(stepSummary, 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true); // appended, as GitHub expects
    expect(summary).toContain('## ✅ flowbench: demo — pass');
    expect(summary).toMatch(/\| published \| 48 \| 0 \|/);
    expect(readFileSync(join(dir, 'out/summary.md'), 'utf8')).toBe(summary.slice('# earlier step\n'.length, -1));
  });
});

describe("results against the simulator's own record", () => {
  it("grades match the simulator's correctness, outputs match its text, version and draft reach it", async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: known-answers
${target('support-bot')}
dataset:
  path: support.csv
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
mode: stream
stream: { sse: true, delta: false }
variants:
  - { name: v1, version: 1 }
  - { name: draft, run_draft: true }
load: { concurrency: 16 }
graders:
  - { type: contains, value: "{{expected}}" }
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(96);
    for (const res of results) {
      const kept = sim.run(res.runId)!;
      expect(kept).toBeDefined();
      expect(res.output).toBe(kept.outputs['out-0']);
      expect(res.pass).toBe(kept.correct);
      expect(kept.draft).toBe(res.variant === 'draft');
      if (res.variant === 'v1') expect(kept.version).toBe(1);
    }
    const seen = new Set(results.map((x: any) => `${x.variant}/${x.row}`));
    expect(seen.size).toBe(96); // every (variant, row) exactly once
  });

  it('timing: a flow whose first content comes at 300 ms after progress frames', async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: timing
${target('fixed-timing')}
dataset:
  path: support.csv
  inputs: { in-0: "{{question}}" }
  limit: 20
mode: stream
load: { concurrency: 10 }
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    const v = readJson<any>(join(dir, 'out/report.json')).variants[0];
    expect(v.ok).toBe(20);
    expect(v.ttftMs.min).toBeGreaterThanOrEqual(300);
    expect(v.ttftMs.p50).toBeLessThan(400); // generous: a shared machine, but not another frame later
    expect(v.ttfbMs.p50).toBeLessThan(150);
    expect(v.itlMs.p50).toBeGreaterThanOrEqual(45);
    for (const res of readJsonl<any>(join(dir, 'out/results.jsonl'))) {
      expect(res.output).toBe(res.inputs['in-0']); // echo flow
      expect(res.timestamps.contentFrames.length).toBeGreaterThan(0);
      expect(res.ttftMs).toBeCloseTo(res.timestamps.contentFrames[0] - res.timestamps.scheduled, 2);
    }
  });

  it('run mode: the whole answer in one response, TTFT not measured', async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: run-mode
${target('support-bot')}
dataset:
  path: support.csv
  inputs: { in-0: "{{question}}" }
  limit: 6
mode: run
load: { concurrency: 6 }
metadata: true
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    const v = readJson<any>(join(dir, 'out/report.json')).variants[0];
    expect(v).toMatchObject({ name: 'published', ok: 6, ttftMs: null, metadataFetched: 6 });
    for (const res of readJsonl<any>(join(dir, 'out/results.jsonl'))) {
      expect(res.output).toBe(sim.run(res.runId)!.outputs['out-0']);
      expect(res.metadata.version).toBe(3);
    }
  });

  it.each(['always', 'fail'])("feedback when: %s posts each run's verdict exactly once where due", async (when) => {
    // when: fail also uses a template, so the exact text each run got can be checked.
    const template = when === 'fail' ? '\n  template: "{{verdict}} run={{run_id}} failed=[{{failed}}] score={{score}}"' : '';
    const dir = tempDir();
    const file = suite(
      dir,
      `name: feedback
${target('support-bot')}
dataset:
  path: support.csv
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
  limit: 24
variants: [{ name: draft, run_draft: true }]
load: { concurrency: 8 }
graders: [{ type: contains, value: "{{expected}}" }]
feedback:
  post: true
  when: ${when}${template}
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    expect(results.some((x) => x.pass) && results.some((x) => !x.pass)).toBe(true);
    for (const res of results) {
      const posted = sim.feedback(res.runId);
      if (when === 'fail' && res.pass) {
        expect(posted).toEqual([]);
        expect(res.feedback).toBeNull();
      } else {
        expect(posted).toHaveLength(1);
        expect(res.pass).toBe(sim.run(res.runId)!.correct); // the verdict its grade earned, from the simulator's own record
        const verdict = res.pass ? 'PASS' : 'FAIL';
        if (template) expect(posted[0]).toBe(`${verdict} run=${res.runId} failed=[${res.pass ? '' : 'contains'}] score=${res.score.toFixed(2)}`);
        else {
          expect(posted[0]!.startsWith(`flowbench ${verdict} (score ${res.score.toFixed(2)}) suite=feedback variant=draft row=${res.row}`)).toBe(true);
          if (!res.pass) expect(posted[0]).toContain(`contains: ${res.grades[0].reason}`);
        }
        expect(res.feedback).toMatchObject({ posted: true, text: posted[0], attempts: 1 });
      }
    }
    const v = readJson<any>(join(dir, 'out/report.json')).variants[0];
    expect(v.feedbackPosted).toBe(when === 'always' ? 24 : v.grades.failed);
  });

  it('a wrong token is classified per request, the run goes on, and the failed threshold exits 1', async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: bad-token
${target('support-bot')}
dataset: { path: support.csv, inputs: { in-0: "{{question}}" }, limit: 3 }
load: { concurrency: 2, retries: 0 }
thresholds: { error_rate: "< 0.5" }
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: 'wrong-token' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('threshold failed');
    expect(r.stdout + r.stderr).not.toContain('wrong-token');
    const v = readJson<any>(join(dir, 'out/report.json')).variants[0];
    expect(v.errorKinds).toEqual({ http_401: 3 });
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(3);
    expect(results[0].error).toMatchObject({ kind: 'http_401', status: 401 });
  });
});
