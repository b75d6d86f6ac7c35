// `repeat: N` in the plan: a row's repeats are planned next to each other for every variant, the
// variant order shifting per repeat; passes repeat every row again; resume skips exactly the repeats
// done; the planned count and a shard keep all repeats of a row. Direct, no server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { driveLoad } from '../../src/runner/drive-load.js';
import { planRequests, type PlannedRequest } from '../../src/runner/plan.js';
import { plannedWork } from '../../src/runner/planned.js';
import { resultKey, skipDone } from '../../src/runner/resume.js';
import { inShard } from '../../src/shard/partition.js';
import { applyOverrides } from '../../src/suite/overrides.js';
import { fakeSend, ROWS, suiteWith } from '../helpers/drive-load.js';

function dataset(rows: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'flowbench-repeat-')), 'rows.csv');
  writeFileSync(path, `q\n${Array.from({ length: rows }, (_, i) => `q${i}`).join('\n')}\n`);
  return { path, format: 'csv' as const, inputs: {}, expected: null, limit: null };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const triple = (p: PlannedRequest) => [p.iteration, p.row, p.repeat, p.variant];

describe('the plan with repeats', () => {
  it('plans row i as r0 (v0 v1), r1 (v1 v0), r2 (v0 v1), the row rotation on top, then the next row', async () => {
    const plan = await all(planRequests(dataset(2), 2, 1, 3));
    expect(plan.map(triple)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 1, 1],
      [0, 0, 1, 0],
      [0, 0, 2, 0],
      [0, 0, 2, 1],
      // row 1 starts with variant 1 (the per-row rotation), shifted again per repeat
      [0, 1, 0, 1],
      [0, 1, 0, 0],
      [0, 1, 1, 0],
      [0, 1, 1, 1],
      [0, 1, 2, 1],
      [0, 1, 2, 0],
    ]);
    expect(plan.every((p) => p.values.q === `q${p.row}`)).toBe(true);
  });

  it('each pass of iterations repeats every row again; without repeats a request carries no repeat at all', async () => {
    const plan = await all(planRequests(dataset(2), 1, 2, 2));
    expect(plan.map(triple)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 1, 1, 0],
      [1, 0, 0, 0],
      [1, 0, 1, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
    ]);
    const plain = await all(planRequests(dataset(2), 2, 1));
    expect(plain.map((p) => 'repeat' in p)).toEqual([false, false, false, false]);
  });

  it('resume skips exactly the (variant, row, iteration, repeat) already done; an old record without repeat is repeat 0', async () => {
    const done = new Set([resultKey('a', 0, 0, 1), resultKey('b', 1, 0, 2), resultKey('a', 1, 0)]);
    const left = await all(skipDone(planRequests(dataset(2), 2, 1, 3), done, ['a', 'b']));
    expect(left).toHaveLength(12 - 3);
    const names = ['a', 'b'];
    const keys = left.map((p) => resultKey(names[p.variant]!, p.row, p.iteration, p.repeat));
    for (const k of done) expect(keys).not.toContain(k);
    expect(resultKey('a', 1, 0)).toBe(resultKey('a', 1, 0, 0));
  });

  it('plans rows × variants × repeat × iterations requests, and drives exactly that many', async () => {
    const suite = applyOverrides(await suiteWith('{ concurrency: 2, iterations: 2 }'), { repeat: 3 });
    expect(suite.repeat).toBe(3);
    expect(plannedWork(suite, ROWS).requests).toBe(ROWS * 1 * 3 * 2);
    const f = fakeSend(1);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out.started).toBe(18);
    expect(f.sent.map((s) => [s.iteration, s.row])).toEqual([0, 1].flatMap((it) => [0, 1, 2].flatMap((row) => [0, 1, 2].map(() => [it, row]))));
  });

  it('a shard holds every repeat of its rows: shards split by (row, iteration) only', async () => {
    const plan = await all(planRequests(dataset(20), 2, 1, 3));
    for (const index of [1, 2, 3]) {
      const mine = plan.filter((p) => inShard(p.row, p.iteration, { index, count: 3 }));
      const perRow = new Map<number, number>();
      for (const p of mine) perRow.set(p.row, (perRow.get(p.row) ?? 0) + 1);
      expect([...perRow.values()].every((n) => n === 6)).toBe(true);
    }
  });

  it('--repeat must be a whole number of at least 1', async () => {
    const suite = await suiteWith('{ concurrency: 1 }');
    expect(() => applyOverrides(suite, { repeat: 0 })).toThrow(ConfigError);
    expect(() => applyOverrides(suite, { repeat: 1.5 })).toThrow(/--repeat must be an integer >= 1/);
  });
});
