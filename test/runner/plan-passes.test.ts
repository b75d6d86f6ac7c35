// Passes over the dataset: a small file is read once and its rows kept for the passes after the first;
// a large one (by rows or bytes) is read again on every pass, so memory never grows with the dataset.
// Which happened is observable: the file is rewritten between passes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEEP_BYTES, KEEP_ROWS, planRequests, type PlannedRequest } from '../../src/runner/plan.js';

function csv(rows: number, tag: string, pad = ''): string {
  const lines = ['q'];
  for (let i = 0; i < rows; i++) lines.push(`${tag}${i}${pad}`);
  return `${lines.join('\n')}\n`;
}

/** Runs the plan for `passes` passes, rewriting the file with `tag` "b" once the first pass is read. */
async function passes(rows: number, passes: number | null, pad = ''): Promise<PlannedRequest[][]> {
  const path = join(mkdtempSync(join(tmpdir(), 'flowbench-plan-')), 'rows.csv');
  writeFileSync(path, csv(rows, 'a', pad));
  const byPass: PlannedRequest[][] = [];
  for await (const p of planRequests({ path, format: 'csv', inputs: {}, expected: null, limit: null }, 1, passes)) {
    (byPass[p.iteration] ??= []).push(p);
    if (p.iteration === 0 && p.row === rows - 1) writeFileSync(path, csv(rows, 'b', pad));
    if (passes === null && p.iteration === 2 && p.row === rows - 1) break;
  }
  return byPass;
}

const firstOf = (pass: PlannedRequest[]) => String(pass[0]!.values.q);

describe('passes over the dataset', () => {
  it('keeps a small dataset after the first pass: later passes yield the same rows without re-reading', async () => {
    const byPass = await passes(50, 3);
    expect(byPass.map((p) => p.length)).toEqual([50, 50, 50]);
    expect(byPass.map(firstOf)).toEqual(['a0', 'a0', 'a0']);
    expect(byPass[2]!.map((p) => p.row)).toEqual([...Array(50).keys()]);
  });

  it('cycles a kept dataset when the run is bounded by time, not passes', async () => {
    const byPass = await passes(5, null);
    expect(byPass.map(firstOf)).toEqual(['a0', 'a0', 'a0']);
  });

  it(`re-reads a dataset of more than ${KEEP_ROWS} rows on every pass`, async () => {
    const byPass = await passes(KEEP_ROWS + 1, 2);
    expect(byPass.map((p) => p.length)).toEqual([KEEP_ROWS + 1, KEEP_ROWS + 1]);
    expect(byPass.map(firstOf)).toEqual(['a0', 'b0']);
  });

  it(`re-reads a file larger than ${KEEP_BYTES} bytes on every pass, however few its rows`, async () => {
    const byPass = await passes(20, 2, 'x'.repeat(Math.ceil(KEEP_BYTES / 20)));
    expect(byPass.map((p) => p.length)).toEqual([20, 20]);
    expect(byPass.map((p) => firstOf(p).slice(0, 2))).toEqual(['a0', 'b0']);
  });

  it('reads a one-pass plan once and keeps nothing', async () => {
    const byPass = await passes(50, 1);
    expect(byPass.map((p) => p.length)).toEqual([50]);
  });
});
