// The library API as a caller imports it (the built dist/index.js): runSuite, streamRun's events, errors, early exit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readJson, readJsonl, tempDir } from '../helpers/cli.js';

import type { RunEvent } from '../../src/index.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

function suiteDir(rows: number, flow = 'echo-fast', extra = ''): string {
  const dir = tempDir('flowbench-api-');
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => `question ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: api\ntarget: { flow_id: "${flow}" }\ndataset: { path: rows.csv, inputs: { in-0: "{{question}}" }, expected: "{{question}}" }\n` +
      `variants: [{ name: a, version: -1 }, { name: b, version: 1 }]\nload: { concurrency: 2 }\ngraders: [{ type: contains, value: "{{expected}}" }]\n${extra}`,
  );
  return dir;
}

describe('library API', () => {
  it('streamRun yields every result as it lands, progress, then the outcome whose report is report.json', async () => {
    const dir = suiteDir(6);
    const run = lib.streamRun(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progressIntervalMs: 0 });
    const events: RunEvent[] = [];
    for await (const e of run) events.push(e);
    const results = events.flatMap((e) => (e.type === 'result' ? [e] : []));
    expect(results).toHaveLength(12);
    expect(events.filter((e) => e.type === 'progress')).toEqual([]); // progressIntervalMs: 0
    expect(results.map((e) => e.done)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(results.every((e) => e.result.ok)).toBe(true);
    expect(events[0]).toEqual({ type: 'start', dir: join(dir, 'out'), plannedRequests: 12, plannedMs: null });
    const last = events.at(-1)!;
    expect(last.type).toBe('end');
    const outcome = await run.outcome;
    expect(last.type === 'end' && last.outcome).toBe(outcome);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.dir).toBe(join(dir, 'out'));
    expect(readJson(join(dir, 'out/report.json'))).toEqual(JSON.parse(JSON.stringify(outcome.report)));
    expect(outcome.report.variants.map((v) => [v.name, v.requests, v.grades.passRate])).toEqual([
      ['a', 6, 1],
      ['b', 6, 1],
    ]);
    expect(readJsonl(join(dir, 'out/results.jsonl'))).toHaveLength(12);
  });

  it('streamRun keeps no events for a caller who only awaits outcome', async () => {
    const dir = suiteDir(3);
    const run = lib.streamRun(join(dir, 'suite.yaml'), { outDir: join(dir, 'out') });
    const outcome = await run.outcome;
    expect(outcome.report.variants.reduce((n, v) => n + v.requests, 0)).toBe(6);
    const late: string[] = [];
    for await (const e of run) late.push(e.type);
    expect(late).toEqual(['end']); // the results were not held for a loop that never came
  });

  it('runSuite takes a path with overrides and env, or a loaded suite', async () => {
    const dir = suiteDir(5, '${FLOW}');
    const seen: string[] = [];
    const outcome = await lib.runSuite(join(dir, 'suite.yaml'), {
      env: { FLOW: 'echo-fast' },
      overrides: { limit: 2, variants: ['b'] },
      outDir: join(dir, 'o1'),
      onResult: (r) => seen.push(`${r.variant}:${r.row}`),
    });
    expect(outcome.report.variants.map((v) => [v.name, v.requests])).toEqual([['b', 2]]);
    expect(seen.sort()).toEqual(['b:0', 'b:1']);

    const suite = await lib.loadSuite(join(dir, 'suite.yaml'), { env: { FLOW: 'echo-fast' } });
    const again = await lib.runSuite(suite, { outDir: join(dir, 'o2') });
    expect(again.report.variants.reduce((n, v) => n + v.requests, 0)).toBe(10);
  });

  it('compareReports compares two saved runs, with gates from the options', async () => {
    const dir = suiteDir(4);
    const first = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'base') });
    const second = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'new') });
    const result = await lib.compareReports(first.dir, join(second.dir, 'report.json'), { failOn: { pass_rate_drop: 0.5 } });
    expect(result.gatesFrom).toBe('options');
    expect(result.comparisons.length).toBeGreaterThanOrEqual(2); // one per variant present in both runs
    expect(result).toMatchObject({ verdict: 'pass', exitCode: 0 });
    await expect(lib.compareReports(first.dir, join(dir, 'missing'))).rejects.toBeInstanceOf(lib.ConfigError);
  });

  it('a bad suite rejects with a ConfigError, from the loop and from outcome', async () => {
    const dir = suiteDir(1, 'echo-fast', 'report: { concurency: 2 }\n');
    const run = lib.streamRun(join(dir, 'suite.yaml'));
    const iterate = async () => {
      for await (const _ of run) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(lib.ConfigError);
    await expect(run.outcome).rejects.toThrow(/unknown key 'concurency' in report/);
  });

  it('leaving the loop early stops the run; the partial report is still written', async () => {
    const dir = suiteDir(40, 'support-bot');
    const run = lib.streamRun(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progressIntervalMs: 1 });
    let results = 0;
    let progress: RunEvent | undefined;
    for await (const e of run) {
      if (e.type === 'progress') progress = e;
      if (e.type === 'result' && ++results === 2) break;
    }
    expect(progress).toMatchObject({ type: 'progress', errors: 0 }); // after the first result (the second may land within 1 ms)
    const outcome = await run.outcome;
    expect(outcome.report.partial).toBe(true);
    expect(outcome.exitCode).toBe(130);
    const finished = outcome.report.variants.reduce((n, v) => n + v.requests, 0);
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(80);
    expect(readJson<{ partial: boolean }>(join(dir, 'out/report.json')).partial).toBe(true);
  });
});
