// End to end: the JSON demo suite's graders, a failing threshold in every output, and the feedback flags,
// run by the built CLI against the simulator.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'eval-e2e-token';
let sim: LocalSimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 42 });
});
afterAll(() => sim.close());

function suite(dir: string, body: string): string {
  copyFileSync(join(ROOT, 'datasets/support.csv'), join(dir, 'support.csv'));
  writeFileSync(
    join(dir, 'suite.yaml'),
    `target:
  base_url: ${sim.url}
  org_id: acme
  flow_id: support-bot
  token: \${SIM_TOKEN}
dataset:
  path: support.csv
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
  limit: 12
${body}`,
  );
  return join(dir, 'suite.yaml');
}

describe('evaluation end to end', () => {
  it('suites/orders.yaml: every JSON-demo grader has rows that pass and rows that fail', async () => {
    const dir = tempDir();
    const r = await runCli(['run', 'suites/orders.yaml', '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code).toBe(0);
    const report = readJson<any>(join(dir, 'out/report.json'));
    const [pub, draft] = report.variants;
    expect(Object.keys(pub.graders)).toEqual([
      'is-json',
      'json-schema',
      'right-order',
      'right-status',
      'right-total',
      'contains-any',
      'latency',
      'exact-answer',
      'order-first',
      'contains',
    ]);
    for (const n of Object.keys(pub.graders)) {
      expect(pub.graders[n].passed + draft.graders[n].passed, n).toBeGreaterThan(0);
      expect(pub.graders[n].failed + draft.graders[n].failed, n).toBeGreaterThan(0);
      expect(pub.graders[n].errors + draft.graders[n].errors, n).toBe(0);
    }
    expect(pub.grades.passRate).toBeGreaterThan(draft.grades.passRate);
    // With pass_score, a row passes on its weighted score and its required graders only.
    for (const res of readJsonl<any>(join(dir, 'out/results.jsonl'))) {
      const required = res.grades.filter((g: any) => g.grader === 'right-order' || g.grader === 'right-status');
      expect(res.pass).toBe(required.every((g: any) => g.pass) && res.score >= 0.8);
    }
  });

  it('a failing threshold exits 1 and is named in the table, report.json and junit.xml', async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: gate
variants: [{ name: draft, run_draft: true }]
load: { concurrency: 6 }
graders: [{ type: contains, value: "{{expected}}" }]
thresholds:
  pass_rate: ">= 0.99"
  tpot_p95_ms: "< 60000"
  error_rate: "< 1%"
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/│ pass_rate\s+│ draft\s+│ >= 0.99\s+│ 0\.\d+\s+│ FAIL\s+│/);
    expect(r.stdout).toMatch(/│ tpot_p95_ms\s+│ draft\s+│ < 60000\s+│ [\d.]+\s+│ ok\s+│/);
    expect(r.stdout).toContain('threshold failed: draft pass_rate >= 0.99');
    const report = readJson<any>(join(dir, 'out/report.json'));
    expect(report.verdict).toBe('fail');
    expect(report.thresholds.filter((t: any) => !t.ok)).toEqual([
      { variant: 'draft', metric: 'pass_rate', op: '>=', limit: 0.99, actual: report.variants[0].grades.passRate, ok: false },
    ]);
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit).toContain('<testcase classname="gate.thresholds" name="draft: pass_rate &gt;= 0.99" time="0.000">\n      <failure type="threshold"');
    expect(junit).toContain('<testcase classname="gate.thresholds" name="draft: error_rate &lt; 0.01" time="0.000"/>');
    expect(readFileSync(join(dir, 'out/summary.md'), 'utf8')).toContain('| ❌ | pass_rate | draft | >= 0.99 |');
  });

  it('graders that cannot run are grader errors: counted apart, rows fail, junit.xml has <error type="grader">', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'throws.mjs'),
      'export function grade({ row }) { if (Number(row.question.length) % 2) throw new Error("odd row"); return true; }\n',
    );
    const file = suite(
      dir,
      `name: broken
variants: [{ name: draft, run_draft: true }]
load: { concurrency: 6, retries: 0 }
graders:
  - { type: script, path: throws.mjs }
  - { type: judge, flow_id: no-such-judge, prompt: "Answer: {{output}}", weight: 0 }
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress'], { env: { SIM_TOKEN: TOKEN } });
    // Every row had a grader error: over max_error_rate, so the run fails and says why (no thresholds needed).
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('run failed: draft: 12 of 12 graded rows had a grader that could not run');
    const v = readJson<any>(join(dir, 'out/report.json')).variants[0];
    expect(v.grades).toMatchObject({ graded: 12, passed: 0, failed: 12, graderErrors: 12 });
    expect(v.judge).toMatchObject({ calls: 12, failed: 12 });
    expect(v.latencyMs.count).toBe(12);
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    for (const res of results) {
      const [script, judge] = res.grades;
      const odd = res.inputs['in-0'].length % 2 === 1;
      expect(script).toMatchObject(odd ? { pass: false, error: true, reason: 'script throws.mjs: odd row' } : { pass: true });
      expect(judge).toMatchObject({ pass: false, error: true, judge: { flowId: 'no-such-judge', ok: false } });
      expect(judge.reason).toMatch(/^judge no-such-judge failed: http_404/);
    }
    expect(v.graders.script.errors).toBe(results.filter((x) => x.inputs['in-0'].length % 2 === 1).length);
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<error type="grader"/g)).toHaveLength(12);
  });

  it('--dry-run prints each feedback that is due and posts none; --no-feedback posts none and prints none', async () => {
    const dir = tempDir();
    const file = suite(
      dir,
      `name: dry
variants: [{ name: draft, run_draft: true }]
load: { concurrency: 6 }
graders: [{ type: contains, value: "{{expected}}" }]
feedback: { post: true, when: fail, template: "{{verdict}}: {{failed}}" }
`,
    );
    const dry = await runCli(['run', file, '--out', join(dir, 'dry'), '--no-progress', '--dry-run'], { env: { SIM_TOKEN: TOKEN } });
    expect(dry.code).toBe(0);
    const results = readJsonl<any>(join(dir, 'dry/results.jsonl'));
    const failing = results.filter((x) => !x.pass);
    expect(failing.length).toBeGreaterThan(0);
    const printed = dry.stdout.split('\n').filter((l) => l.startsWith('feedback (dry run)'));
    expect(printed.sort()).toEqual(failing.map((x) => `feedback (dry run) draft row ${x.row} run ${x.runId}: FAIL: contains`).sort());
    for (const x of results) {
      expect(sim.feedback(x.runId)).toEqual([]);
      expect(x.feedback).toEqual(x.pass ? null : { posted: false, dryRun: true, text: 'FAIL: contains', error: null });
    }
    expect(readJson<any>(join(dir, 'dry/report.json')).variants[0]).toMatchObject({ feedbackPosted: 0, feedbackFailed: 0 });

    const off = await runCli(['run', file, '--out', join(dir, 'off'), '--no-progress', '--no-feedback'], { env: { SIM_TOKEN: TOKEN } });
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('feedback (dry run)');
    for (const x of readJsonl<any>(join(dir, 'off/results.jsonl'))) {
      expect(sim.feedback(x.runId)).toEqual([]);
      expect(x.feedback).toBeNull();
    }
  });
});
