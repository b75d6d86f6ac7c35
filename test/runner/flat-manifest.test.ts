// run-manifest.json files written before the load models were a union keep the suite's load flat (no
// `kind`). test/fixtures/flat-load/ is such a run folder, written by that flowbench (a two-step sweep
// against the simulator): its manifest must still load, and `flowbench report` rebuild the same report.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildReport } from '../../src/runner/rebuild-report.js';
import { readManifest } from '../../src/runner/run-manifest.js';

const FIXTURE = new URL('../fixtures/flat-load/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('report-expected.json', FIXTURE), 'utf8'));

function runFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-flat-manifest-'));
  for (const f of ['run-manifest.json', 'results.jsonl']) copyFileSync(new URL(f, FIXTURE), join(dir, f));
  return dir;
}

describe('a run folder written with the flat LoadSpec', () => {
  it('its manifest is read with the load converted to its model', async () => {
    const raw = JSON.parse(readFileSync(new URL('run-manifest.json', FIXTURE), 'utf8'));
    expect(raw.suiteAsRun.load).not.toHaveProperty('kind'); // the fixture really is the old shape
    const m = await readManifest(runFolder());
    expect(m.suiteAsRun?.load).toEqual(expect.objectContaining({ kind: 'sweep', sweep: { from: 2, to: 4, steps: 2, durationMs: 1000, minRate: null } }));
    expect(m.suiteAsRun?.load).not.toHaveProperty('rate');
  });

  it('flowbench report rebuilds the report that run wrote: load section, steps and verdict', async () => {
    const { report } = await rebuildReport(runFolder());
    const { maxSendLagMs: _lag, threads: _threads, ...load } = expected.load;
    expect(report.load).toMatchObject(load);
    expect(Object.keys(report.load).sort()).toEqual(Object.keys(expected.load).sort());
    expect(report.sweep?.steps.map((s) => [s.rate, s.variants[0]!.requests, s.variants[0]!.ok, s.thresholdsOk])).toEqual(expected.steps);
    expect(report.sweep?.sustainableRate).toBe(expected.sustainableRate);
    expect(report.verdict).toBe(expected.verdict);
  });
});
