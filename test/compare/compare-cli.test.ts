// `flowbench compare BASE NEW` and `flowbench run --baseline DIR` through the built CLI: the same
// verdict, numbers and exit codes as the comparison made inside the run.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJson, runCli, tempDir } from '../helpers/cli.js';
import { writeSuite } from './helpers.js';

let dir: string;
const GATES = 'compare: { fail_on: { pass_rate_drop: 0.05, latency_p95_increase: 500% } }';

beforeAll(async () => {
  dir = tempDir();
  // Last release (version 1) saved earlier; today's version 2 answers 10 points worse.
  writeSuite(dir, { flow: 'qa-bot', rows: 200, variants: '[{ name: bot, version: 1 }]', compare: GATES, file: 'release.yaml', concurrency: 32 });
  writeSuite(dir, { flow: 'qa-bot', rows: 200, variants: '[{ name: bot, version: 2 }]', compare: GATES, file: 'today.yaml', concurrency: 32 });
  const a = await runCli(['run', join(dir, 'release.yaml'), '--out', join(dir, 'release'), '--no-progress']);
  expect(a.code, a.stderr).toBe(0);
});

describe('against a saved run', () => {
  it('run --baseline and compare print the same verdict, p-value and exit code', async () => {
    const inRun = await runCli(['run', join(dir, 'today.yaml'), '--out', join(dir, 'today'), '--baseline', join(dir, 'release'), '--no-progress']);
    expect(inRun.code, inRun.stderr).toBe(1);
    expect(inRun.stdout).toMatch(/bot vs bot \(.*release\) — 200 paired rows/);
    expect(inRun.stdout).toMatch(/gate failed: bot vs bot .*pass_rate_drop 0\.05: pass_rate fell by/);
    expect(inRun.stdout).toMatch(/verdict: fail/);
    const report = readJson<any>(join(dir, 'today/report.json'));
    const inRunPass = report.comparisons[0].metrics.find((m: any) => m.metric === 'pass_rate');
    expect(report.compare.failOn).toEqual({ pass_rate_drop: 0.05, latency_p95_increase: '500%' });

    const cmp = await runCli(['compare', join(dir, 'release'), join(dir, 'today')]);
    expect(cmp.code, cmp.stderr).toBe(1);
    expect(cmp.stdout).toMatch(/verdict: fail/);
    expect(cmp.stdout).toMatch(/gate failed: bot vs bot .*pass_rate_drop/);
    const json = await runCli(['compare', join(dir, 'release'), join(dir, 'today'), '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out.verdict).toBe('fail');
    const again = out.comparisons[0].metrics.find((m: any) => m.metric === 'pass_rate');
    expect(again).toEqual(inRunPass);
    // Gates from the command line replace the recorded ones: a 20-point allowance does not fire.
    const lenient = await runCli(['compare', join(dir, 'release'), join(dir, 'today'), '--fail-on', 'pass_rate_drop=20%']);
    expect(lenient.code, lenient.stdout).toBe(0);
    expect(lenient.stdout).toMatch(/verdict: pass/);
  });

  it('falls back to the histograms and counts of report.json when results.jsonl is missing', async () => {
    const a = join(dir, 'only-json-a');
    const b = join(dir, 'only-json-b');
    mkdirSync(a);
    mkdirSync(b);
    copyFileSync(join(dir, 'release/report.json'), join(a, 'report.json'));
    copyFileSync(join(dir, 'today/report.json'), join(b, 'report.json'));
    const r = await runCli(['compare', join(a, 'report.json'), b, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const c = JSON.parse(r.stdout).comparisons[0];
    expect(c.paired).toBe(false);
    expect(c.warnings[0]).toMatch(/no results\.jsonl in .*only-json-a.* and .*only-json-b: rows could not pair/);
    expect(c.flips).toBeNull();
    const pass = c.metrics.find((m: any) => m.metric === 'pass_rate');
    expect(pass.test).toBe('two-proportion-z');
    expect(pass.pValue).toBeLessThan(0.05);
    const lat = c.metrics.find((m: any) => m.metric === 'latency_p50_ms');
    expect(lat.test).toBe('bootstrap');
    expect(lat.ci.low).toBeLessThanOrEqual(lat.diff);
    expect(lat.ci.high).toBeGreaterThanOrEqual(lat.diff);
    expect(c.shifts.map((s: any) => s.metric)).toContain('latency');
  });

  it('bad input is exit 2 with what to do', async () => {
    const missing = await runCli(['compare', join(dir, 'nope'), join(dir, 'today')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such file or folder[\s\S]*fix: name a flowbench report folder/);
    const badGate = await runCli(['compare', join(dir, 'release'), join(dir, 'today'), '--fail-on', 'pass_rate_fall=0.1']);
    expect(badGate.code).toBe(2);
    expect(badGate.stderr).toMatch(/unknown gate "pass_rate_fall"/);
    const noEquals = await runCli(['compare', join(dir, 'release'), join(dir, 'today'), '--fail-on', 'pass_rate_drop']);
    expect(noEquals.code).toBe(2);
    expect(noEquals.stderr).toMatch(/--fail-on pass_rate_drop: not gate=limit\n\s+fix: write e\.g\. --fail-on pass_rate_drop=0\.02/);
    const badRun = await runCli(['run', join(dir, 'today.yaml'), '--baseline', join(dir, 'nope'), '--no-progress']);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toMatch(/nope: no such file or folder/);
    // A saved run with no variant in common is refused before any request is sent.
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    const saved = readJson<any>(join(dir, 'release/report.json'));
    saved.variants = [
      { ...saved.variants[0], name: 'x' },
      { ...saved.variants[0], name: 'y' },
    ];
    writeFileSync(join(other, 'report.json'), JSON.stringify(saved));
    const noCommon = await runCli(['run', join(dir, 'today.yaml'), '--out', join(dir, 'never'), '--baseline', other, '--no-progress']);
    expect(noCommon.code).toBe(2);
    expect(noCommon.stderr).toMatch(/the runs share no variant: baseline has x, y; new has bot/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('a suite with a bad gate is refused at load time, at its line', async () => {
    const file = join(dir, 'bad-gate.yaml');
    writeSuite(dir, {
      flow: 'qa-bot',
      rows: 3,
      variants: '[{ name: a, version: 1 }, { name: b, version: 2 }]',
      file: 'bad-gate.yaml',
      compare: 'compare:\n  fail_on:\n    ttft_p95_increase: 10 percent\n',
    });
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-gate\.yaml:\d+:\d+: compare\.fail_on: gate "ttft_p95_increase: 10 percent"/);
    writeFileSync(file, (await import('node:fs')).readFileSync(file, 'utf8').replace('ttft_p95_increase: 10 percent', 'rps_decrease: 1'));
    const r2 = await runCli(['validate', file]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/rps has no significance test/);
  });
});
