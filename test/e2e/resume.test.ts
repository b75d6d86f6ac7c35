// Nothing lost: kill -9 mid-run leaves only whole lines; --resume sends only what is missing and ends with
// every planned request exactly once; SIGINT / SIGTERM stop gracefully (130 / 143) with a partial report.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';
import { FAULT_FLOWS, question } from '../faults/helpers.js';
import { expectedTimeline } from '../helpers/timeline-oracle.js';

interface Line {
  variant: string;
  row: number;
  iteration: number;
  ok: boolean;
  warmup?: boolean;
}
interface Session {
  startedAt: string;
  finishedAt: string;
  requests: number;
  activeMs: number;
}
interface Report {
  partial: boolean;
  suiteHash: string;
  load: { abandoned: number };
  variants: Array<{ name: string; requests: number; ok: number; errors: number; rps: number | null }>;
  resumed?: boolean;
  sessions?: Session[];
  durationMs: number;
  startedAt: string;
  timeline: Array<{ t: number; sent: number; variant: string }>;
  verdict: string;
}

const ROWS = 24;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function suite(flow: string, load: string, rows = ROWS): { dir: string; file: string; out: string } {
  const dir = tempDir('flowbench-resume-');
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => question(i)).join('\n')}\n`);
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: resume-test
target:
  flow_id: ${flow}
  simulator: { flows: ${JSON.stringify(FAULT_FLOWS)} }
dataset:
  path: rows.csv
  inputs: { in-0: "{{question}}" }
variants:
  - { name: published, version: -1 }
  - { name: draft, run_draft: true }
load:
${load}
`,
  );
  return { dir, file, out: join(dir, 'out') };
}

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', FLOWBENCH_TEST_NO_WARMUP: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Waits (bounded: 40 s, for a machine several times slower than a quiet one) until results.jsonl holds at least `n` lines. */
async function untilLines(path: string, n: number): Promise<number> {
  for (const until = Date.now() + 40_000; Date.now() < until; ) {
    const count = existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
    if (count >= n) return count;
    await sleep(25);
  }
  throw new Error(`results.jsonl never reached ${n} lines`);
}

/** Every planned (variant, row, iteration) exactly once, and nothing else. */
function expectEveryRowOnce(lines: Line[], rows = ROWS): void {
  const keys = lines.filter((l) => !l.warmup).map((l) => `${l.variant}/${l.row}/${l.iteration}`);
  expect(keys).toHaveLength(rows * 2);
  expect(new Set(keys).size).toBe(rows * 2);
  for (const v of ['published', 'draft']) for (let r = 0; r < rows; r++) expect(keys).toContain(`${v}/${r}/0`);
}

describe('kill -9, then --resume', () => {
  it('keeps only whole lines, ignores a torn one, runs only what is missing, and rebuilds the report from all', async () => {
    const s = suite('steady', '  concurrency: 4');
    const results = join(s.out, 'results.jsonl');
    const run = start(['run', s.file, '--out', s.out, '--no-progress', '--threads', '1']);
    await untilLines(results, 10);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');

    const text = readFileSync(results, 'utf8');
    expect(text.endsWith('\n')).toBe(true); // batches of whole lines: nothing torn by the kill itself
    const before = readJsonl<Line>(results);
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(before.length).toBeLessThan(ROWS * 2);
    expect(existsSync(join(s.out, 'run-manifest.json'))).toBe(true);
    // What a kill during a write could leave: half a line. It must be ignored, then cut off.
    appendFileSync(results, '{"variant":"published","row":3,"iter');

    // No report after a kill -9: `flowbench report` rebuilds it from results.jsonl (and the manifest) alone.
    const rebuilt = await runCli(['report', s.out]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(new RegExp(`rebuilt .*report\\.json from ${before.length} results .*torn last line .*partial`));
    expect(rebuilt.stdout).toMatch(/wrote .*report\.html/);
    const partial = readJson<Report>(join(s.out, 'report.json'));
    expect(partial.partial).toBe(true);
    expect(partial.verdict).toBe('fail');
    expect(partial.variants.reduce((a, v) => a + v.requests, 0)).toBe(before.filter((l) => !l.warmup).length);
    expect(partial.timeline.reduce((a, b) => a + b.sent, 0)).toBe(before.length);
    // Rebuilt with the run's own timeline module: per variant, the counts and percentiles of the lines.
    expect(partial.timeline).toEqual(expectedTimeline(before as any[], ['published', 'draft']));
    expect(partial.sessions).toHaveLength(1);
    expect(partial.resumed).toBe(false);
    expect(partial.sessions![0]!.requests).toBe(before.length);

    const resumed = await runCli(['run', s.file, '--resume', s.out, '--no-progress', '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = readJsonl<Line>(results);
    expectEveryRowOnce(after);
    // The lines from before the kill are still there, first and unchanged.
    expect(after.slice(0, before.length)).toEqual(before);
    const report = readJson<Report>(join(s.out, 'report.json'));
    expect(report.partial).toBe(false);
    expect(report.variants.map((v) => v.requests)).toEqual([ROWS, ROWS]);
    expect(report.variants.every((v) => v.ok === ROWS)).toBe(true);
    expect(report.suiteHash).toMatch(/^[0-9a-f]{64}$/);
    // Both sessions on one clock: the timeline holds every request, req/s is over the active time only.
    expect(report.resumed).toBe(true);
    expect(report.sessions!.map((x) => x.requests)).toEqual([before.length, ROWS * 2 - before.length]);
    expect(report.sessions![0]!.startedAt).toBe(partial.sessions![0]!.startedAt);
    expect(Date.parse(report.sessions![1]!.startedAt)).toBeGreaterThan(Date.parse(report.sessions![0]!.finishedAt));
    expect(report.durationMs).toBe(report.sessions!.reduce((a, x) => a + x.activeMs, 0));
    expect(report.timeline.reduce((a, b) => a + b.sent, 0)).toBe(ROWS * 2);
    // The seconds kept (those while a session ran) hold exactly what every line of both sessions says.
    const kept = new Set(report.timeline.map((b) => b.t));
    expect(report.timeline).toEqual(expectedTimeline(readJsonl<any>(results), ['published', 'draft'], { keep: (t) => kept.has(t) }));
    for (const v of report.variants) expect(v.rps! * (report.durationMs / 1000)).toBeCloseTo(v.ok, 0);

    // Resuming a finished run sends nothing and changes nothing but adds an empty session.
    const again = await runCli(['run', s.file, '--resume', s.out, '--no-progress', '--threads', '1']);
    expect(again.code).toBe(0);
    expect(readJsonl<Line>(results)).toEqual(after);
    const third = readJson<Report>(join(s.out, 'report.json'));
    expect(third.sessions!.map((x) => x.requests)).toEqual([before.length, ROWS * 2 - before.length, 0]);
    expect(third.timeline.reduce((a, b) => a + b.sent, 0)).toBe(ROWS * 2);
    expect(third.variants.map((v) => v.requests)).toEqual([ROWS, ROWS]);
  });

  it('refuses a changed suite or dataset, and a folder that is not a run, with the reason (exit 2)', async () => {
    const s = suite('steady', '  concurrency: 8', 4);
    expect((await runCli(['run', s.file, '--out', s.out, '--no-progress'])).code).toBe(0);
    // A flag that changes the run is a changed suite too.
    const flag = await runCli(['run', s.file, '--resume', s.out, '--concurrency', '2', '--no-progress']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/cannot resume .*the suite changed since the run began \(load\.concurrency\)/);
    writeFileSync(join(s.dir, 'rows.csv'), `question\n${question(0)}\nsomething else\n`);
    const data = await runCli(['run', s.file, '--resume', s.out, '--no-progress']);
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/the dataset .*rows\.csv changed since the run began \(sha256 [0-9a-f]{12}… → [0-9a-f]{12}…/);
    expect(data.stderr).toMatch(/fix: resume with the same suite/);
    const none = await runCli(['run', s.file, '--resume', s.dir, '--no-progress']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no run-manifest\.json there/);
    for (const r of [flag, data, none]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('signals', () => {
  it('SIGINT: no new requests, in-flight ones finish, partial report, exit 130; --resume completes it', async () => {
    const s = suite('steady', '  concurrency: 4');
    const results = join(s.out, 'results.jsonl');
    const run = start(['run', s.file, '--out', s.out, '--no-progress', '--threads', '1']);
    await untilLines(results, 6);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: no new requests/);
    expect(r.stdout).toMatch(/verdict: fail \(partial run\)/);
    const report = readJson<Report>(join(s.out, 'report.json'));
    expect(report.partial).toBe(true);
    expect(report.resumed).toBe(false); // a first run is one session
    expect(report.sessions).toHaveLength(1);
    expect(report.load.abandoned).toBe(0); // a quarter-second answer finishes well inside the grace period
    const lines = readJsonl<Line>(results);
    expect(lines.length).toBeLessThan(ROWS * 2);
    expect(report.variants.reduce((a, v) => a + v.requests, 0)).toBe(lines.length);

    const resumed = await runCli(['run', s.file, '--resume', s.out, '--no-progress']);
    expect(resumed.code).toBe(0);
    expectEveryRowOnce(readJsonl<Line>(results));
  });

  it('SIGTERM: requests still stalled when the grace period ends are abandoned (no line), exit 143', async () => {
    const s = suite('fault-stall', '  concurrency: 4\n  grace: 300ms\n  idle_timeout: 20s');
    const results = join(s.out, 'results.jsonl');
    const run = start(['run', s.file, '--out', s.out, '--no-progress', '--threads', '1']);
    await untilLines(results, 4);
    await sleep(100);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/terminated: no new requests/);
    const report = readJson<Report>(join(s.out, 'report.json'));
    expect(report.partial).toBe(true);
    // 40 % of answers stall for 3 s: with 4 in flight, the first ones are stuck when the signal comes.
    expect(report.load.abandoned).toBeGreaterThan(0);
    const lines = readJsonl<Line>(results);
    expect(report.variants.reduce((a, v) => a + v.requests, 0)).toBe(lines.length);
    expect(new Set(lines.map((l) => `${l.variant}/${l.row}`)).size).toBe(lines.length);
  });
});
