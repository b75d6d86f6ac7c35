// The engine end to end (built CLI, in-process simulator): graders run off the timing threads and a
// grader that hangs, exits or cannot load is contained; a request thread that dies costs only its
// requests in flight; a retry's backoff is the user's wait, never the harness's queueing; a stopped
// process shows up as a stall with the results it inflated marked.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { CLI, readJson, readJsonl, ROOT, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

const TOKEN = 'engine-test-token';
let sim: LocalSimulatorHandle;
let limited: LocalSimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 5 });
  limited = await startSimulator({ token: TOKEN, seed: 5, faults: { http_429_rate: '0.4', retry_after_s: '1' } });
});
afterAll(async () => {
  await sim.close();
  await limited.close();
});

interface SuiteOpts {
  rows?: number;
  flow?: string;
  load?: string;
  graders?: string;
  url?: string;
  mode?: string;
}

function suite(o: SuiteOpts, files: Record<string, string> = {}) {
  const dir = tempDir('flowbench-engine-');
  const rows = o.rows ?? 12;
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: rows }, (_, i) => `question number ${i}`).join('\n')}\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: engine
target: { base_url: ${o.url ?? sim.url}, org_id: acme, flow_id: ${o.flow ?? 'echo-fast'}, token: "${TOKEN}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: ${o.mode ?? 'run'}
load: ${o.load ?? '{ concurrency: 4 }'}
${o.graders ? `graders:\n${o.graders}` : ''}
`,
  );
  return { file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

const rowsOf = (out: string) => readJsonl<any>(join(out, 'results.jsonl'));

describe('graders are contained in their own pool', () => {
  it('a script that loops forever on one row is stopped at its timeout: that grade is an error, every row is graded', async () => {
    const { file, out } = suite(
      { graders: '  - { type: script, path: loop.mjs, timeout: 1s }\n  - { type: icontains, value: "question" }' },
      {
        'loop.mjs': 'export function grade({ rowIndex }) { if (rowIndex === 3) for (;;) {} return true; }\n',
      },
    );
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 50_000 });
    expect([0, 1]).toContain(r.code);
    const results = rowsOf(out);
    expect(results.map((x) => x.row).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const x of results) {
      expect(x.grades).toHaveLength(2);
      if (x.row === 3) {
        expect(x.grades[0].error).toBe(true);
        expect(x.grades[0].reason).toMatch(/timed out after 1000 ms/);
        expect(x.pass).toBe(false);
      } else expect(x.pass, JSON.stringify(x.grades)).toBe(true);
    }
  });

  it('a script that calls process.exit() ends only its grading thread: that row gets a grader error, the rest are graded', async () => {
    const { file, out } = suite(
      { graders: '  - { type: script, path: exit.mjs }' },
      {
        'exit.mjs': 'export function grade({ rowIndex }) { if (rowIndex === 5) process.exit(3); return true; }\n',
      },
    );
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 50_000 });
    expect([0, 1]).toContain(r.code);
    const results = rowsOf(out);
    expect(results).toHaveLength(12);
    for (const x of results) {
      if (x.row === 5) {
        expect(x.grades[0].error).toBe(true);
        expect(x.grades[0].reason).toMatch(/ended/);
      } else expect(x.pass).toBe(true);
    }
  });

  for (const [what, text] of [
    ['throws on import', 'throw new Error("broken grader module");\nexport function grade() { return true; }\n'],
    ['exits on import', 'process.exit(4);\nexport function grade() { return true; }\n'],
  ] as const) {
    it(`a grader module that ${what} fails the run before any request, exit 2, naming the file`, async () => {
      const { file, out } = suite({ graders: '  - { type: script, path: bad.mjs }' }, { 'bad.mjs': text });
      const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 50_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/bad\.mjs|grading thread exited/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(join(out, 'results.jsonl')) ? rowsOf(out) : []).toHaveLength(0);
    });
  }

  it('runSuite() with a grader module that throws on import rejects, and the process exits', async () => {
    const { file } = suite({ graders: '  - { type: script, path: bad.mjs }' }, { 'bad.mjs': 'throw new Error("nope");\n' });
    const script = `import { runSuite } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
runSuite(${JSON.stringify(file)}, { progress: false, outDir: ${JSON.stringify(join(tempDir(), 'out'))} }).then(() => { console.log('resolved'); }, (e) => { console.log('rejected: ' + e.message); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect(stdout).toMatch(/rejected: .*bad\.mjs/);
    expect(code).toBe(0); // exited by itself: nothing left running
  });
});

describe('a request thread that dies mid-run', () => {
  it('costs at most its requests in flight and its unreported results (harness errors); its unsent requests run elsewhere; every row is in results.jsonl', async () => {
    const { file, out } = suite({ rows: 40, flow: 'fixed-timing', load: '{ concurrency: 4 }' });
    // The first request thread ends itself as it starts its 6th request (src/worker/request-lane.ts).
    const EXIT_AT = 6;
    const r = await runCli(['run', file, '--out', out, '--no-progress', '--threads', '2'], {
      env: { FLOWBENCH_TEST_EXIT_REQUEST_THREAD: String(EXIT_AT) },
      timeoutMs: 50_000,
    });
    expect([0, 1]).toContain(r.code);
    const results = rowsOf(out);
    expect(results.map((x) => x.row).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const harness = results.filter((x) => x.error?.kind === 'harness');
    expect(harness.length).toBeGreaterThan(0);
    // That thread's share of the 4 in flight, plus any it finished in its last batching window (2 ms, longer
    // on a busy machine) whose records died with it: only requests that thread had started, at most the 6
    // it started (the 6th never sent). Its requests not yet started ran on the other thread.
    expect(harness.length).toBeLessThanOrEqual(EXIT_AT);
    for (const x of harness) expect(x.inputs['in-0']).toMatch(/question number/);
    expect(results.filter((x) => x.ok)).toHaveLength(40 - harness.length);
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.variants[0].requests).toBe(40);
    expect(report.variants[0].errorKinds.harness ?? 0).toBe(harness.length);
  });
});

describe('per-attempt timing', () => {
  it('429 with Retry-After: 1 — latency counts the wait, queueMs does not; each attempt keeps its own timings', async () => {
    const { file, out } = suite({ url: limited.url, rows: 16, load: '{ concurrency: 4, retries: 3 }' });
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 50_000 });
    expect([0, 1]).toContain(r.code);
    const retried = rowsOf(out).filter((x) => x.attempts > 1 && x.ok);
    expect(retried.length).toBeGreaterThan(0);
    for (const x of retried) {
      // The harness's own time only: never the 1 s the server asked to wait (that is in the latency).
      expect(x.queueMs).toBeLessThan(x.attemptLog[0].backoffMs);
      expect(x.latencyMs).toBeGreaterThan(1000);
      expect(x.attemptLog).toHaveLength(x.attempts);
      expect(x.attemptLog[0].error).toBe('http_429');
      expect(x.attemptLog[0].status).toBe(429);
      expect(x.attemptLog[0].backoffMs).toBe(1000);
      expect(x.attemptLog[1].sent - x.attemptLog[0].end).toBeGreaterThanOrEqual(999);
      expect(x.attemptLog.at(-1).backoffMs).toBeUndefined();
    }
    const report = readJson<any>(join(out, 'report.json'));
    // Closed loop: each request is handed over as a slot frees; a busy machine delays a few hand-offs, not most.
    expect(report.variants[0].queueMs.p50).toBeLessThan(50);
    expect(report.variants[0].queueMs.max).toBeLessThan(1000);
  });
});

describe('the harness watches itself', () => {
  it('a kill -STOP of 300 ms shows up as a stall of about 300 ms, with the results in flight marked', async () => {
    // Requests of about 1.5 s each (support-bot's answers, streamed at its token rate), 60 rows at 6 in flight:
    // about 15 s of sending, so the stop lands while 6 requests are in flight even when a busy machine
    // delays the first lines of results.jsonl or this file's poll of it (with 150 rows of 0.4 s, one suite
    // run found no result in flight at the stop: most likely it came after the last request had ended).
    const { file, out } = suite({ rows: 60, flow: 'support-bot', mode: 'stream', load: '{ concurrency: 6 }' });
    const child = spawn(process.execPath, [CLI, 'run', file, '--out', out, '--no-progress'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    const results = join(out, 'results.jsonl');
    const started = Date.now();
    // With three spinning processes on 2 cores, start-up and the first round took well over 20 s: wait up to 40 s.
    while (!(existsSync(results) && rowsOf(out).length >= 6) && Date.now() - started < 40_000) await new Promise((r) => setTimeout(r, 50));
    const stopAt = Date.now();
    process.kill(child.pid!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(child.pid!, 'SIGCONT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect([0, 1]).toContain(code);
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.harness.requestThreads.maxStallMs).toBeGreaterThan(250);
    expect(report.harness.requestThreads.maxStallMs).toBeLessThan(3000);
    // The results in flight when the process stopped (sent before, ended after: wall clock, 50 ms to spare
    // for the two processes' clocks), at most the 6 in flight, are the ones the stall marks (one that
    // completes in the first turn after the process resumes may be handled before the stall is seen). A
    // busy shared machine may add long stalls of its own, marking other results too.
    const across = rowsOf(out).filter((x) => {
      const sent = Date.parse(x.startedAt);
      return sent < stopAt - 50 && sent + (x.timestamps.end - x.timestamps.sent) > stopAt + 50;
    });
    expect(across.length).toBeGreaterThan(0);
    expect(across.length).toBeLessThanOrEqual(6);
    expect(across.filter((x) => (x.harnessStallMs ?? 0) > 250).length).toBeGreaterThan(0);
    expect(report.harness.warnings.join(' ')).toMatch(/stalled/);
  }, 90_000);
});
