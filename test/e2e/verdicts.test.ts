// A verdict is never kinder than the run (issue 17, first part): total failure fails, a wrong key stops
// the run early, the target is named, and a report folder that holds a run is never silently replaced.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'verdict-test-token';
let sim: LocalSimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 9 });
});
afterAll(() => sim.close());

function suite(target: string, rows = 40, extra = '') {
  const dir = tempDir('flowbench-verdict-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: rows }, (_, i) => `question number ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: verdicts
target: ${target}
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
load: { concurrency: 2, retries: 0 }
${extra}
`,
  );
  return { dir, file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('verdicts', () => {
  it("a wrong key stops the run after the first answers: exit 1, the server's detail and what to check, no token", async () => {
    const { file, out } = suite(`{ base_url: ${sim.url}, org_id: acme, flow_id: echo-fast, token: "wrong-key-123" }`, 200);
    const r = await runCli(['run', file, '--out', out, '--no-progress']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/run stopped early: http_401 \(HTTP 401\)/);
    expect(r.stdout).toMatch(/check the API key/);
    expect(r.stdout + r.stderr).not.toContain('wrong-key-123');
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(40); // a few in flight finished; the other 160+ were never sent
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.verdict).toBe('fail');
    expect(report.stoppedEarly.kind).toBe('http_401');
  });

  it('a flow that does not exist stops the run too (404 before any success)', async () => {
    const { file, out } = suite(`{ base_url: ${sim.url}, org_id: acme, flow_id: no-such-flow, token: "${TOKEN}" }`, 100);
    const r = await runCli(['run', file, '--out', out, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run stopped early: http_404/);
    expect(r.stdout).toMatch(/check target.org_id and target.flow_id/);
    expect(readJsonl<any>(join(out, 'results.jsonl')).length).toBeLessThan(20);
  });

  it('every request refused (nothing listening), no thresholds: the run fails and says why', async () => {
    const { file, out } = suite(`{ base_url: "http://127.0.0.1:${await closedPort()}", org_id: acme, flow_id: f, token: "${TOKEN}" }`, 10);
    const r = await runCli(['run', file, '--out', out, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run failed: published: 10 of 10 requests failed \(connect × 10\): error rate 1 is over max_error_rate 0\.5/);
    expect(r.stdout).toMatch(/verdict: fail/);
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.thresholds).toEqual([expect.objectContaining({ metric: 'error_rate', op: '<=', limit: 0.5, actual: 1, ok: false, implicit: true })]);
  });

  it("max_error_rate is the suite's to set; an error_rate threshold takes its place", async () => {
    const port = await closedPort();
    const lenient = suite(`{ base_url: "http://127.0.0.1:${port}", org_id: acme, flow_id: f, token: "${TOKEN}" }`, 4, 'max_error_rate: 1');
    expect((await runCli(['run', lenient.file, '--out', lenient.out, '--no-progress'])).code).toBe(0);
    const own = suite(`{ base_url: "http://127.0.0.1:${port}", org_id: acme, flow_id: f, token: "${TOKEN}" }`, 4, 'thresholds: { error_rate: "<= 1" }');
    const r = await runCli(['run', own.file, '--out', own.out, '--no-progress']);
    expect(r.code).toBe(0);
    expect(readJson<any>(join(own.out, 'report.json')).thresholds.map((t: any) => t.implicit ?? false)).toEqual([false]);
  });

  it('a grader that errs on every row fails the run (the implicit grader_error_rate), and says why', async () => {
    const s = suite(
      `{ base_url: "${sim.url}", org_id: acme, flow_id: support-bot, token: "${TOKEN}" }`,
      4,
      'graders:\n  - { type: judge, flow_id: no-such-judge, prompt: "Answer: {{output}}", score_path: $.score }',
    );
    const r = await runCli(['run', s.file, '--out', s.out, '--no-progress']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/run failed: published: 4 of 4 graded rows had a grader that could not run: grader error rate 1 is over max_error_rate 0\.5/);
    const report = readJson<any>(join(s.out, 'report.json'));
    expect(report.thresholds.filter((t: any) => t.implicit).map((t: any) => [t.metric, t.ok])).toEqual([
      ['error_rate', true],
      ['grader_error_rate', false],
    ]);
  });

  it('the first line names the target; a StackAI key in the environment with the simulator as target is a warning', async () => {
    const { file, out } = suite('{ base_url: simulator, org_id: demo, flow_id: echo-fast }', 3);
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { env: { STACKAI_API_KEY: 'sk-live-abcdef' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^run verdicts against the embedded simulator \(no network\): org demo, flow echo-fast, mode run, variants published; 3 requests planned; report folder /,
    );
    expect(r.stderr).toMatch(/warning: STACKAI_API_KEY is set, but the target is the embedded simulator/);
    expect(r.stdout + r.stderr).not.toContain('sk-live-abcdef');
    const real = suite(`{ base_url: "${sim.url}/?key=secret-in-url", org_id: acme, flow_id: echo-fast, token: "${TOKEN}" }`, 2);
    const r2 = await runCli(['run', real.file, '--out', real.out, '--no-progress']);
    expect(r2.stdout.split('\n')[0]).toContain(`against ${sim.url}: org acme`);
    expect(r2.stdout.split('\n')[0]).not.toContain('secret-in-url');
  });

  it('--out into a folder that holds a run is refused (exit 2) unless --force; the run there is kept', async () => {
    const { file, out } = suite(`{ base_url: ${sim.url}, org_id: acme, flow_id: echo-fast, token: "${TOKEN}" }`, 6);
    expect((await runCli(['run', file, '--out', out, '--no-progress'])).code).toBe(0);
    const again = await runCli(['run', file, '--out', out, '--no-progress', '--limit', '2']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run \(results\.jsonl, \d+ bytes\)/);
    expect(again.stderr).toMatch(/--resume|--force/);
    expect(readJsonl(join(out, 'results.jsonl'))).toHaveLength(6);
    const forced = await runCli(['run', file, '--out', out, '--no-progress', '--limit', '2', '--force']);
    expect(forced.code).toBe(0);
    expect(readJsonl(join(out, 'results.jsonl'))).toHaveLength(2);
    // An empty folder is fine, as is a new one.
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    expect((await runCli(['run', file, '--out', empty, '--no-progress', '--limit', '1'])).code).toBe(0);
    expect(existsSync(join(empty, 'report.json'))).toBe(true);
  });
});

describe('stop_on', () => {
  for (const graded of [false, true]) {
    it(`stops sending once the error rate passes its limit, judged after \`after\` results${graded ? ' (graded run: records come back whole)' : ''}`, async () => {
      const port = await closedPort();
      const { file, out } = suite(
        `{ base_url: "http://127.0.0.1:${port}", org_id: acme, flow_id: f, token: "${TOKEN}" }`,
        400,
        `stop_on: { error_rate: 0.5, after: 10 }\nmax_error_rate: 1${graded ? '\ngraders: [{ type: contains, value: "x" }]' : ''}`,
      );
      const r = await runCli(['run', file, '--out', out, '--no-progress']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/run stopped early: stop_on: \d+ of the first \d+ measured requests failed \(error rate 1, over stop_on.error_rate 0.5\)/);
      const n = readJsonl(join(out, 'results.jsonl')).length;
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThan(400);
      expect(readJson<any>(join(out, 'report.json')).stoppedEarly.kind).toBe('stop_on');
    });
  }

  it('a suite with stop_on but no error_rate is refused at its line', async () => {
    const { file } = suite('{ base_url: simulator, org_id: demo, flow_id: echo-fast }', 2, 'stop_on: { after: 5 }');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:\d+.*stop_on needs error_rate/);
  });
});

describe('open-loop bookkeeping', () => {
  it('delayedSends counts exactly the results marked delayed, and every send that left over 10 ms late is marked', async () => {
    const { file, out } = suite(`{ base_url: ${sim.url}, org_id: acme, flow_id: fixed-timing, token: "${TOKEN}" }`, 12);
    const r = await runCli(['run', file, '--out', out, '--no-progress', '--rate', '20', '--concurrency', '2']);
    expect(r.code, r.stderr).toBe(0);
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    const report = readJson<any>(join(out, 'report.json'));
    const marked = results.filter((x) => x.delayed === true).length;
    expect(marked).toBeGreaterThan(0); // 20/s against a 2-slot cap on 0.5 s requests: most sends wait
    expect(report.load.delayedSends).toBe(marked);
    for (const x of results) if (x.sendLagMs > 10) expect(x.delayed).toBe(true);
  });
});
