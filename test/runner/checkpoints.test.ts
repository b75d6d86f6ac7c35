// report.checkpoint for real (the embedded simulator on loopback). kill -9 of a CLI run after its first
// checkpoint leaves a schema-valid report.json marked partial whose counts are exactly those of the
// results.jsonl lines it says it covers, and `flowbench report DIR` rebuilds over it from every line; an
// in-process run with checkpoints ends with the usual final report, and report.json read over and over
// while checkpoints rename over it always parses whole (no torn file, no temporary file left).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, readJsonl, runCli, tempDir } from '../helpers/cli.js';
import { FLOWS, QA } from '../compare/helpers.js';
import { reportProblems } from '../schema/output-validator.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import type { CheckpointCover, Report } from '../../src/report/report-model.js';

// The built modules: worker threads (the checkpoint thread among them) load dist/.
const { runSuite } = (await import(join(ROOT, 'dist/runner/run-suite.js'))) as typeof import('../../src/runner/run-suite.js');
const { loadSuite } = (await import(join(ROOT, 'dist/suite/load-suite.js'))) as typeof import('../../src/suite/load-suite.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writeSuite(dir: string, load: string, checkpoint: string): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: checkpoints
target: { flow_id: qa-bot, simulator: { flows: ${FLOWS}, seed: 3 } }
dataset: { path: ${QA}, inputs: { in-0: "{{question}}" }, expected: "{{answer}}" }
mode: stream
variants: [{ name: a, version: 1 }, { name: b, version: 2 }]
load: ${load}
graders: [{ type: contains, value: "{{expected}}" }]
report: { checkpoint: ${checkpoint} }
`,
  );
  return file;
}

/** report.json, or null while there is none; a read that does not parse fails the test (a torn file). */
function readReport(dir: string): Report | null {
  const path = join(dir, 'report.json');
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

/** Per variant: requests, ok and errors counted straight from results.jsonl lines, as report.json counts them. */
function counts(lines: ResultRecord[]) {
  const out: Record<string, { requests: number; ok: number; errors: number }> = {};
  for (const r of lines) {
    if (r.warmup === true || r.skipped === true) continue;
    const c = (out[r.variant] ??= { requests: 0, ok: 0, errors: 0 });
    c.requests++;
    if (r.ok) c.ok++;
    else c.errors++;
  }
  return out;
}

const reportCounts = (r: Report) => Object.fromEntries(r.variants.map((v) => [v.name, { requests: v.requests, ok: v.ok, errors: v.errors }]));

describe('report.checkpoint', () => {
  it('kill -9 after the first checkpoint: a partial, schema-valid report.json whose counts are exactly its lines of results.jsonl', async () => {
    const dir = tempDir('flowbench-checkpoint-');
    const out = join(dir, 'out');
    const file = writeSuite(dir, '{ rate: 20, duration: 60s, concurrency: 20 }', '1s');
    const child = spawn(process.execPath, [CLI, 'run', file, '--out', out, '--no-progress'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', FLOWBENCH_TEST_NO_WARMUP: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let first: CheckpointCover | undefined;
    try {
      // Bounded: the first checkpoint is due a second after the load's clock starts (generous: a busy
      // machine slows the start-up and the checkpoint thread runs at a low priority).
      for (let i = 0; i < 800 && first === undefined; i++) {
        await sleep(50);
        const cover = readReport(out)?.checkpoint;
        if (cover !== undefined && cover.results > 0) first = cover;
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(first, 'no checkpoint within 40 s').toBeDefined();
    const report = readReport(out)!;
    expect(reportProblems(report)).toEqual([]);
    expect(report).toMatchObject({ partial: true, partialReason: 'checkpoint', verdict: 'fail' });
    const cover = report.checkpoint!;
    expect(cover.results).toBeGreaterThanOrEqual(first!.results);
    // What it covers: the first `results` whole lines, `bytes` bytes; the file went on past them.
    const text = readFileSync(join(out, 'results.jsonl'), 'utf8');
    const lines = text.split('\n').slice(0, cover.results);
    expect(Buffer.byteLength(`${lines.join('\n')}\n`)).toBe(cover.bytes);
    const covered = lines.map((l) => JSON.parse(l) as ResultRecord);
    expect(reportCounts(report)).toEqual(counts(covered));
    const origin = Date.parse(JSON.parse(readFileSync(join(out, 'run-manifest.json'), 'utf8')).startedAt);
    expect(cover.until).toBe(new Date(origin + Math.max(...covered.map((r) => r.timestamps.end))).toISOString());
    // A kill in the middle of a checkpoint's write leaves its temporary file (the real one is whole, above).
    const temps = readdirSync(out).filter((f) => f.endsWith('.tmp'));
    for (const f of temps) expect(f).toMatch(/^(report\.json|summary\.md)\.\d+\.tmp$/);

    // `flowbench report DIR` rebuilds report.json from every whole line, not from the checkpoint's,
    // and removes what the killed run left half-written.
    const rebuilt = await runCli(['report', out]);
    expect(rebuilt.stdout).toContain('rebuilt');
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const whole = readReport(out)!;
    expect(whole.partialReason).toBeUndefined();
    expect(whole.partial).toBe(true); // the run never finished
    const all = readJsonl<ResultRecord>(join(out, 'results.jsonl'));
    expect(reportCounts(whole)).toEqual(counts(all));
  }, 90_000);

  it('an in-process run with checkpoints ends with the usual final report; report.json always reads whole meanwhile', async () => {
    const dir = tempDir('flowbench-checkpoint-');
    const out = join(dir, 'out');
    const suite = await loadSuite(writeSuite(dir, '{ rate: 20, duration: 2s, concurrency: 20 }', '250ms'));
    expect(suite.report.checkpointMs).toBe(250);
    const covers: CheckpointCover[] = [];
    const seen: number[] = [];
    let reads = 0;
    // Reads report.json every few ms while checkpoints rename over it: each read must parse (readReport throws if not).
    let readError: unknown = null;
    const reader = setInterval(() => {
      try {
        const r = readReport(out);
        if (r === null) return;
        reads++;
        if (r.checkpoint) seen.push(r.checkpoint.results);
      } catch (err) {
        readError ??= err;
      }
    }, 5);
    let final: Report;
    try {
      final = (await runSuite(suite, { outDir: out, progress: false, onCheckpoint: (c) => covers.push(c) })).report;
    } finally {
      clearInterval(reader);
    }
    expect(readError).toBeNull();
    expect(covers.length).toBeGreaterThanOrEqual(2);
    expect(reads).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0); // some reads found a checkpoint, not only the final report
    // Each checkpoint covers at least what the one before did.
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(covers.map((c) => c.results)).toEqual([...covers.map((c) => c.results)].sort((x, y) => x - y));
    const onDisk = readReport(out)!;
    expect(onDisk.partial).toBe(false);
    expect('partialReason' in onDisk || 'checkpoint' in onDisk).toBe(false);
    expect(reportCounts(onDisk)).toEqual(reportCounts(final));
    expect(reportCounts(final)).toEqual(counts(readJsonl<ResultRecord>(join(out, 'results.jsonl'))));
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('report.checkpoint: 0 and off turn it off; a wrong value names the key and the fix', async () => {
    const dir = tempDir('flowbench-checkpoint-');
    for (const [value, ms] of [
      ['off', null],
      ['0', null],
      ['90s', 90_000],
    ] as const) {
      expect((await loadSuite(writeSuite(dir, '{ concurrency: 1 }', value))).report.checkpointMs).toBe(ms);
    }
    await expect(loadSuite(writeSuite(dir, '{ concurrency: 1 }', 'sometimes'))).rejects.toThrow(/report\.checkpoint must be/);
  });
});
