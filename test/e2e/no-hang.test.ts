// Nothing hangs (issue 18): every grader runs under a time limit (a regex that backtracks without end is
// a grader error on its row, the run goes on); Ctrl-C works in every thread mode with a grader spinning;
// a results.jsonl or report that cannot be written (a real ENOSPC, from /dev/full) stops the sends,
// names the file and the errno, exits 4, and the process ends on its own. Every run is bounded in rows
// and killed if it outlives its bound; every server is on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, readJson, readJsonl, ROOT, runCli, tempDir } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HAS_DEV_FULL = existsSync('/dev/full');

// A StackAI-compatible server (run mode) that counts what it was sent: answers in 30 ms.
let server: Server;
let url: string;
let served = 0;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    await sleep(30);
    served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        outputs: { 'out-0': 'fine thanks' },
        citations: null,
        run_id: `r${served}`,
        metadata: null,
        progress_data: null,
        state: 'COMPLETED',
        pause: null,
        error: null,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

interface SuiteOpts {
  rows: string[];
  target?: string;
  load: string;
  graders?: string;
  files?: Record<string, string>;
}

function suite(o: SuiteOpts): { file: string; out: string } {
  const dir = tempDir('flowbench-nohang-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${o.rows.join('\n')}\n`);
  for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), text);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: no-hang
target: ${o.target ?? `{ base_url: ${url}, org_id: o, flow_id: f, token: test-token }`}
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
load: ${o.load}
${o.graders ? `graders:\n${o.graders}` : ''}
`,
  );
  return { file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

const SIMULATOR = '{ base_url: simulator, org_id: acme, flow_id: fixed-timing, token: "t" }';
const rowsOf = (n: number, q: (i: number) => string = (i) => `question number ${i}`) => Array.from({ length: n }, (_, i) => q(i));

/** The built CLI, killed if it outlives `limitMs`: `done` resolves with its exit code (null: it had to be killed) and how long it ran. */
function start(args: string[], limitMs: number): { child: ChildProcess; stderr: () => string; done: Promise<{ code: number | null; ms: number }> } {
  const began = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', FLOWBENCH_TEST_NO_WARMUP: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<{ code: number | null; ms: number }>((r) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      r({ code, ms: Date.now() - began });
    }),
  );
  return { child, stderr: () => stderr, done };
}

async function until(cond: () => boolean, limitMs: number): Promise<void> {
  const began = Date.now();
  while (!cond()) {
    if (Date.now() - began > limitMs) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('every grader runs under a time limit', () => {
  it("a regex that backtracks catastrophically (the issue's case, no timeout set) is a grader error on each row; the run goes on and ends", async () => {
    const { file, out } = suite({
      // Each row's regex holds its grading thread for the whole limit (1 s), then that thread is replaced:
      // 3 rows, more than are in flight at once, so batches of several rows are split up and graded again.
      // (Each runaway row spins a core for its whole limit: the rows are few to keep the suite's CPU down.)
      rows: rowsOf(3, () => `${'a'.repeat(40)}!`),
      target: SIMULATOR.replace('fixed-timing', 'echo-fast'),
      load: '{ concurrency: 2 }',
      graders: '  - { type: regex, pattern: "^(a+)+$" }\n  - { type: contains, value: "aaa" }',
    });
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 150_000 });
    expect([0, 1], r.stderr).toContain(r.code); // graded (every row with a grader error), not hung
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(results).toHaveLength(3);
    for (const x of results) {
      expect(x.grades[0]).toMatchObject({ grader: 'regex', pass: false, error: true });
      expect(x.grades[0].reason).toMatch(/timed out after 1000 ms without returning/);
      expect(x.grades[1]).toMatchObject({ grader: 'contains', pass: true }); // the row's other graders still graded
    }
  }, 160_000);

  it('a script that loops forever, synchronously or after an await, is stopped at its timeout on every row', async () => {
    const { file, out } = suite({
      rows: rowsOf(4),
      target: SIMULATOR.replace('fixed-timing', 'echo-fast'),
      load: '{ concurrency: 2 }',
      graders: '  - { type: script, path: spin.mjs, timeout: 800ms }\n  - { type: script, path: later.mjs, function: grade, timeout: 500ms, name: later }',
      files: {
        'spin.mjs': 'export function grade({ rowIndex }) { if (rowIndex % 2 === 0) for (;;) {} return true; }\n',
        'later.mjs': 'export async function grade({ rowIndex }) { await null; if (rowIndex % 2 === 1) for (;;) {} return true; }\n',
      },
    });
    const r = await runCli(['run', file, '--out', out, '--no-progress'], { timeoutMs: 120_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(results.map((x) => x.row).sort()).toEqual([0, 1, 2, 3]);
    for (const x of results) {
      const [spin, later] = x.grades;
      if (x.row % 2 === 0) {
        expect(spin.reason).toMatch(/timed out after 800 ms without returning/);
        expect(later).toMatchObject({ pass: true });
      } else {
        expect(spin).toMatchObject({ pass: true });
        expect(later.error).toBe(true);
        expect(later.reason).toMatch(/timed out after 500 ms: it held its grading thread after an await/);
      }
    }
  }, 130_000);
});

describe('Ctrl-C works in every thread mode while a grader holds its thread', () => {
  for (const threads of [['--threads', '0'], [], ['--threads', '2']]) {
    const mode = threads.length === 0 ? 'default threads' : threads.join(' ');
    it(`${mode}: the first stops the sends and the run ends within the grace plus the grader's limit, exit 130`, async () => {
      const { file, out } = suite({
        rows: rowsOf(2000),
        load: '{ concurrency: 2, grace: 1s, retries: 0 }',
        // The default threads spin a core for the grader's whole limit; the other two modes hold their grading
        // thread without one (Atomics.wait): to the run both are a grader that never returns (a script's limit
        // is wall time), and the suite's CPU is spared two cores' worth of spinning.
        graders: `  - { type: script, path: ${threads.length === 0 ? 'spin' : 'hold'}.mjs, timeout: 2s }`,
        files: {
          'spin.mjs': 'export function grade() { for (;;) {} }\n',
          'hold.mjs': 'export function grade() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }\n',
        },
      });
      served = 0;
      const run = start(['run', file, '--out', out, '--no-progress', ...threads], 60_000);
      await until(() => served >= 5, 30_000);
      // Answers served once the run said it stopped sending: a busy machine may take a while to handle the
      // signal, during which the run goes on as it should; from its "interrupted" line on, only what was
      // in flight may still be answered.
      let atAck: number | null = null;
      run.child.stderr!.on('data', () => {
        if (atAck === null && /interrupted: no new requests/.test(run.stderr())) atAck = served;
      });
      const signalled = Date.now();
      run.child.kill('SIGINT');
      const { code } = await run.done;
      expect(code, run.stderr()).toBe(130);
      expect(Date.now() - signalled).toBeLessThan(1_000 + 2_000 + 14_000); // grace + limit + a busy machine's slack
      expect(run.stderr()).toMatch(/interrupted: no new requests/);
      expect(atAck).not.toBeNull();
      expect(served - atAck!).toBeLessThanOrEqual(2 + 2); // those in flight, and a slot that freed as the signal landed
      expect(readJson<any>(join(out, 'report.json')).partial).toBe(true);
    }, 70_000);

    it(`${mode}: the second leaves at once`, async () => {
      const { file, out } = suite({
        rows: rowsOf(2000),
        load: '{ concurrency: 2, grace: 60s, retries: 0 }',
        // A grader that holds its thread for good without a core (Atomics.wait), as above.
        graders: '  - { type: script, path: hold.mjs, timeout: 60s }',
        files: { 'hold.mjs': 'export function grade() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }\n' },
      });
      served = 0;
      const run = start(['run', file, '--out', out, '--no-progress', ...threads], 60_000);
      await until(() => served >= 5, 30_000);
      run.child.kill('SIGINT');
      await sleep(300);
      const second = Date.now();
      run.child.kill('SIGINT');
      const { code } = await run.done;
      expect(code, run.stderr()).toBe(130);
      expect(Date.now() - second).toBeLessThan(10_000);
      expect(run.stderr()).toMatch(/SIGINT again: leaving now/);
    }, 70_000);
  }
});

/**
 * Runs the CLI with results.jsonl pointing at /dev/full (every write fails with ENOSPC): the link is made
 * once the manifest is written (the run has emptied the folder) and before the results file is opened.
 * A run that opened the file first has lost the race: it is run again, in a fresh folder.
 */
async function runIntoFullDisk(args: string[], out: string): Promise<{ code: number | null; ms: number; stderr: string }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const run = start([...args, '--out', out], 90_000);
    let placed: boolean | null = null;
    const began = Date.now();
    while (placed === null && run.child.exitCode === null && Date.now() - began < 30_000) {
      if (!existsSync(join(out, 'run-manifest.json'))) {
        await sleep(1);
        continue;
      }
      try {
        symlinkSync('/dev/full', join(out, 'results.jsonl'));
        placed = true;
      } catch {
        placed = false; // the run created it first
      }
    }
    if (placed !== true) {
      run.child.kill('SIGKILL');
      await run.done;
      continue;
    }
    const { code, ms } = await run.done;
    return { code, ms, stderr: run.stderr() };
  }
  throw new Error('could not link results.jsonl to /dev/full before the run opened it');
}

describe.skipIf(!HAS_DEV_FULL)('an output that cannot be written (disk full)', () => {
  for (const [what, threads, graders] of [
    ['request threads', [], undefined],
    ['--threads 0', ['--threads', '0'], undefined],
    ['a graded run', [], '  - { type: contains, value: "question" }'],
  ] as const) {
    it(`results.jsonl, ${what}: the sends stop, in-flight ones finish, the file and errno are named, exit 4, the process ends`, async () => {
      const { file, out } = suite({ rows: rowsOf(2000), target: SIMULATOR, load: '{ concurrency: 4 }', ...(graders && { graders }) });
      const r = await runIntoFullDisk(['run', file, '--no-progress', ...threads], out);
      expect(r.code, r.stderr).toBe(4); // not null: it exited on its own, nothing left running
      expect(r.stderr).toMatch(/flowbench: error: cannot write \S*results\.jsonl: ENOSPC \(no space left on device\)/);
      expect(r.stderr).toMatch(/fix: .*--resume/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stderr.match(/flowbench: error:/g)).toHaveLength(1);
      const report = readJson<any>(join(out, 'report.json'));
      expect(report.partial).toBe(true);
      expect(report.load.started).toBeLessThan(500); // of 2000 planned: 4 at a time, 300 ms each, stopped at the first write (256 seen on a machine 4x slower than quiet)
      expect(report.load.abandoned).toBe(0); // those in flight finished within the grace
      expect(existsSync(join(out, 'report.html'))).toBe(false); // read from an incomplete results.jsonl: not written
    }, 120_000);
  }

  it('report.json: results.jsonl and the other reports are written, report.json is named, exit 4', async () => {
    const { file, out } = suite({ rows: rowsOf(12), target: SIMULATOR.replace('fixed-timing', 'echo-fast'), load: '{ concurrency: 4 }' });
    mkdirSync(out, { recursive: true });
    const run = start(['run', file, '--out', out, '--no-progress'], 60_000);
    // report.json is written under this name, then renamed over its place (src/report/whole-file.ts).
    symlinkSync('/dev/full', join(out, `report.json.${run.child.pid}.tmp`));
    const { code } = await run.done;
    expect(code, run.stderr()).toBe(4);
    expect(run.stderr()).toMatch(/cannot write \S*report\.json: ENOSPC \(no space left on device\)/);
    expect(run.stderr()).toMatch(/results\.jsonl is complete; not written: report\.json/);
    expect(run.stderr()).toMatch(/fix: .*flowbench report /);
    expect(readJsonl<any>(join(out, 'results.jsonl'))).toHaveLength(12);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 70_000);
});
