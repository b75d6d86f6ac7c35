// `flowbench regrade` end to end: the demo run once in-process against a simulator that counts what
// it is asked, then regraded with one grader changed, with the recorded suite, and without the judge
// cache; the simulator's counters show what each regrade asked of it. Two CLI calls: a regrade and a refusal.
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Built modules: the grading pool loads its worker from dist/ (DESIGN §6), as it does in a user's run.
import { compareReports } from '../../dist/compare/compare-runs.js';
import type { Grade } from '../../src/record/grade.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import type { Report } from '../../src/report/report-model.js';
import { regradeRun } from '../../dist/runner/regrade.js';
import { runSuite } from '../../dist/runner/run-suite.js';
import { startSimulator, type LocalSimulatorHandle } from '../../dist/simulator/start.js';
import { loadSuite } from '../../dist/suite/load-suite.js';
import type { Suite } from '../../src/suite/types.js';
import { ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';
import { launchChromium, openReport } from '../browser/chromium.js';

const TOKEN = 'regrade-e2e-token';
const ROWS = 5;
let sim: LocalSimulatorHandle;
let suite: Suite;
let runDir: string;
let root: string;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 42 });
  process.env.STACKAI_API_KEY = TOKEN;
  suite = await loadSuite(join(ROOT, 'suites/demo.yaml'), { overrides: { baseUrl: sim.url, limit: ROWS } });
  root = tempDir();
  runDir = join(root, 'run');
  await runSuite(suite, { outDir: runDir, progress: false });
});
afterAll(async () => {
  delete process.env.STACKAI_API_KEY; // test files share a process (isolate: false)
  await sim.close();
});

const records = (dir: string) => readJsonl<ResultRecord>(join(dir, 'results.jsonl'));
const byKey = (rs: ResultRecord[]) => new Map(rs.map((r) => [`${r.variant}/${r.row}/${r.iteration}`, r]));
const verdict = (g: Grade) => ({ grader: g.grader, pass: g.pass, score: g.score, reason: g.reason, error: g.error });
const judgeOf = (report: Report) => report.variants.map((v) => ({ calls: v.judge?.calls, cached: v.judge?.cached }));

/** The demo with its ttft grader's limit under every measured TTFT: that grader now fails every row. */
function strictTtft(): Suite {
  const fastest = Math.min(...records(runDir).map((r) => r.ttftMs!));
  return { ...suite, graders: suite.graders.map((g) => (g.type === 'ttft' ? { ...g, max: `${Math.floor(fastest) - 1}ms` } : g)) };
}

describe('flowbench regrade', () => {
  it('one grader changed: no request to the simulator, only that grader changes, compared with the run', async () => {
    const before = sim.counts();
    expect(before.flowRuns['support-bot']).toBe(2 * ROWS);
    // Its feedback settings say post: without --post-feedback nothing is posted (and each line keeps the run's).
    const strict = { ...strictTtft(), feedback: { post: true, when: 'always' as const, template: null } };
    const out = await regradeRun(runDir, { suite: strict, outDir: join(root, 'strict') });
    expect(sim.counts()).toEqual(before); // no flow run, no judge call, no metadata, no feedback
    expect(out).toMatchObject({ regraded: 2 * ROWS, kept: 0 });
    expect(out.report.regradeOf).toMatchObject({ dir: resolve(runDir), suiteHash: readJson<Report>(join(runDir, 'report.json')).suiteHash });
    expect(judgeOf(out.report)).toEqual([
      { calls: 0, cached: ROWS },
      { calls: 0, cached: ROWS },
    ]);

    const old = byKey(records(runDir));
    const now = records(out.dir);
    expect(now).toHaveLength(old.size);
    let ttftFlips = 0;
    for (const r of now) {
      const o = old.get(`${r.variant}/${r.row}/${r.iteration}`)!;
      // Everything the flow answered and every timing is the run's own; only the grades are new, and what
      // follows from them: goodput (it requires a pass) and the judge runs' cost (cached answers cost nothing).
      const { grades: _g, pass: _p, score: _s, goodput: _gp, judgeCostUsd: _j, ...same } = r;
      const { grades: _og, pass: _op, score: _os, goodput: _ogp, judgeCostUsd: _oj, ...sameBefore } = o;
      expect(_j).toBeUndefined();
      if (r.pass === true && o.pass === true) expect(_gp).toBe(_ogp);
      expect(same).toEqual(sameBefore);
      for (const [i, g] of r.grades.entries()) {
        const was = o.grades[i]!;
        if (g.grader === 'ttft') {
          expect(g.pass).toBe(false);
          if (was.pass) ttftFlips++;
        } else expect(verdict(g)).toEqual(verdict(was));
        if (g.grader === 'judge') expect(g.judge).toMatchObject({ cached: true, flowId: 'support-judge', runId: was.judge!.runId });
      }
    }
    expect(ttftFlips).toBeGreaterThan(0);

    // flowbench compare between the run and its regrade: the outputs and timings are the same.
    const { comparisons } = await compareReports(runDir, out.dir);
    for (const c of comparisons) {
      expect(c.paired).toBe(true);
      expect(c.flips!.failToPass).toBe(0); // a stricter grader only fails more
      for (const m of c.metrics.filter((x) => /^(ttft|latency|error_rate)/.test(x.metric))) expect(m.diff, m.metric).toBe(0);
    }
  });

  it('a second regrade (the recorded suite) makes no judge call and gives back the run grades', async () => {
    const before = sim.counts();
    const out = await regradeRun(runDir, { secrets: { token: TOKEN, headers: {} }, outDir: join(root, 'again') });
    expect(sim.counts()).toEqual(before);
    expect(judgeOf(out.report)).toEqual([
      { calls: 0, cached: ROWS },
      { calls: 0, cached: ROWS },
    ]);
    const old = byKey(records(runDir));
    for (const r of records(out.dir)) {
      const o = old.get(`${r.variant}/${r.row}/${r.iteration}`)!;
      expect([r.pass, r.score, r.grades.map(verdict)]).toEqual([o.pass, o.score, o.grades.map(verdict)]);
    }
    const report = readJson<Report>(join(runDir, 'report.json'));
    expect(out.report.variants.map((v) => v.grades)).toEqual(report.variants.map((v) => v.grades));
  });

  it('new prices and no goodput objectives: the saved usage priced again, goodput gone, no call at all', async () => {
    const doubled = Object.fromEntries(
      Object.entries(suite.cost!.prices).map(([m, p]) => [m, { inputPerMtok: p.inputPerMtok * 2, outputPerMtok: p.outputPerMtok * 2 }]),
    );
    const before = sim.counts();
    const out = await regradeRun(runDir, { suite: { ...suite, cost: { ...suite.cost!, prices: doubled }, goodput: null }, outDir: join(root, 'repriced') });
    expect(sim.counts()).toEqual(before);
    const old = byKey(records(runDir));
    for (const r of records(out.dir)) {
      const o = old.get(`${r.variant}/${r.row}/${r.iteration}`)!;
      expect(o.costUsd).toBeGreaterThan(0);
      expect(r.costUsd).toBeCloseTo(2 * o.costUsd!, 8);
      expect(o.goodput).toBeTypeOf('boolean');
      expect(r.goodput).toBeUndefined();
    }
  });

  it('a torn last line (a run killed mid-write) is left out and named', async () => {
    const torn = join(root, 'torn-run');
    cpSync(runDir, torn, { recursive: true });
    const lines = readFileSync(join(torn, 'results.jsonl'), 'utf8');
    appendFileSync(join(torn, 'results.jsonl'), '{"variant":"published","row":');
    const out = await regradeRun(torn, { outDir: join(root, 'torn-regrade') });
    expect(out.tornLine).toBe(lines.split('\n').filter(Boolean).length + 1);
    expect(out.regraded + out.kept).toBe(2 * ROWS);
  });

  it('--no-cache makes every judge call, and still never calls the flow under test', async () => {
    const before = sim.counts();
    const out = await regradeRun(runDir, { suite: strictTtft(), outDir: join(root, 'uncached'), judgeCache: false });
    const after = sim.counts();
    expect(after.flowRuns['support-judge']! - (before.flowRuns['support-judge'] ?? 0)).toBe(2 * ROWS);
    expect(after.flowRuns['support-bot']).toBe(before.flowRuns['support-bot']);
    expect(judgeOf(out.report)).toEqual([
      { calls: ROWS, cached: 0 },
      { calls: ROWS, cached: 0 },
    ]);
  });

  it('--post-feedback posts the new verdicts to the runs the flow answered, and nothing else', async () => {
    const posting = { ...suite, feedback: { post: true, when: 'always' as const, template: null } };
    const before = sim.counts();
    const posted = await regradeRun(runDir, { suite: posting, outDir: join(root, 'post'), postFeedback: true });
    const after = sim.counts();
    expect(after.requests - before.requests).toBe(2 * ROWS); // one feedback post per result, nothing else
    expect(after.flowRuns).toEqual(before.flowRuns);
    for (const r of records(posted.dir)) {
      expect(r.feedback).toMatchObject({ posted: true, error: null });
      expect(sim.feedback(r.runId!)).toEqual([r.feedback!.text]);
      expect(r.feedback!.text).toContain(r.pass ? 'PASS' : 'FAIL');
    }
  });

  it('the CLI: regrades with the recorded suite and says what it called; refuses a suite that needs new flow calls', async () => {
    const before = sim.counts();
    const out = join(root, 'cli');
    const ok = await runCli(['regrade', runDir, '--out', out]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `regraded ${2 * ROWS} outputs of ${runDir} (0 failed requests kept as they were), no flow call; judge: 0 calls made, ${2 * ROWS} answers from the cache`,
    );
    expect(ok.stdout).toContain(`flowbench compare ${runDir}`);
    expect(sim.counts()).toEqual(before);
    expect(readJson<Report>(join(out, 'report.json')).regradeOf!.dir).toBe(resolve(runDir));
    // report.html (built by the CLI: it inlines the built page functions) says it is a regrade, and of which run.
    const browser = await launchChromium();
    try {
      const { page, problems } = await openReport(browser, join(out, 'report.html'));
      expect(await page.textContent('header')).toContain(`regrade of${resolve(runDir)}`);
      expect(await page.textContent('header .title-row')).toContain('REGRADE: NO FLOW CALL');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }

    // The same demo with another row limit: it would send other rows.
    const file = join(root, 'fewer.yaml');
    const demo = readFileSync(join(ROOT, 'suites/demo.yaml'), 'utf8')
      .replace('${STACKAI_BASE_URL:-simulator}', sim.url)
      .replace('../datasets/support.csv', join(ROOT, 'datasets/support.csv'))
      .replace('graders/helpful.mjs', join(ROOT, 'suites/graders/helpful.mjs'))
      .replace('  expected: "{{answer}}"', `  expected: "{{answer}}"\n  limit: ${ROWS - 1}`);
    writeFileSync(file, demo);
    const refused = await runCli(['regrade', runDir, '--suite', file, '--out', join(root, 'refused')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'the suite changed what the run sent, which needs new flow calls: dataset.limit (other rows or other inputs would be sent)',
    );
    expect(refused.stderr).toContain('flowbench run');
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sim.counts()).toEqual(before);
  });
});
